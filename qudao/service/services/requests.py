"""Writes of service requests: raising one (routed by type and region, with its deadlines),
the thread of replies and internal notes, assignment, status changes, the dealer's
confirmation and rating, reopening, and closing what the dealer leaves resolved.

Every write takes `at` (default now): the moment it happened, for calls logged after the
fact and for the demo history. Deadlines are counted in working hours (workhours.py).
"""

import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.exceptions import NotAllowed
from qudao.core.numbering import number_assign
from qudao.dealers.scoping import visible_dealers
from qudao.service.choices import (
    Channel,
    CloseKind,
    MessageKind,
    NotificationReason,
    Priority,
    RequestStatus,
)
from qudao.service.exceptions import (
    AttachmentInvalid,
    RequestClosed,
    RequestInvalid,
    StatusNotAllowed,
)
from qudao.service.models import (
    ServiceAttachment,
    ServiceFunction,
    ServiceMessage,
    ServiceNotification,
    ServiceRequest,
    ServiceRoute,
    WorkingCalendar,
)
from qudao.service.services._common import (
    is_dealer_user,
    notify,
    notify_dealer,
    require,
    require_visible,
)
from qudao.service.workhours import (
    WorkCalendar,
    add_working_hours,
    calendar_load,
    working_hours_between,
)

# Extension -> the bytes such a file starts with (as agreements' attachments check them).
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_MESSAGE = 5
# A closed request can be reopened for this many days; after that the dealer raises a new one.
REOPEN_DAYS = 30
STAFF_CHANNELS = {Channel.PHONE, Channel.VISIT, Channel.API}
DEALER_CHANNELS = {Channel.PORTAL, Channel.API}
# Where staff may move a request by hand; reopening (from resolved or closed) has its own
# service, and closing is the dealer's (or the auto-close task's).
STAFF_MOVES: dict[str, set[str]] = {
    RequestStatus.NEW: {RequestStatus.IN_PROGRESS, RequestStatus.WAITING,
                        RequestStatus.RESOLVED},
    RequestStatus.IN_PROGRESS: {RequestStatus.WAITING, RequestStatus.RESOLVED},
    RequestStatus.WAITING: {RequestStatus.IN_PROGRESS, RequestStatus.RESOLVED},
}


def assignee_for(*, function: ServiceFunction, dealer: Any) -> int | None:
    """Who answers `function`'s requests from `dealer`: the routing rule of the deepest
    region above the dealer's, else the function's responsible person (R-SR-07)."""
    path = dealer.territory.path if dealer.territory_id else ""
    best: tuple[int, int] | None = None
    for route_path, user in (ServiceRoute.objects.filter(function=function,
                                                         user__is_active=True)
                             .values_list("territory__path", "user_id")):
        if path.startswith(route_path) and (best is None or len(route_path) > best[0]):
            best = (len(route_path), user)
    if best is not None:
        return best[1]
    responsible = function.responsible
    return responsible.pk if responsible is not None and responsible.is_active else None


def _check_files(files: list[Any]) -> None:
    """Accept PDF, JPG, PNG, Word and Excel files up to 10 MB, checked by extension and by
    content; raise AttachmentInvalid naming the first file refused."""
    if len(files) > ATTACHMENTS_PER_MESSAGE:
        raise AttachmentInvalid(_("Attach at most %(n)d files to one message.")
                                % {"n": ATTACHMENTS_PER_MESSAGE})
    for upload in files:
        filename = Path(getattr(upload, "name", "") or "").name
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in ATTACHMENT_TYPES:
            raise AttachmentInvalid(_("%(file)s: only PDF, JPG, PNG, Word and Excel files "
                                      "can be attached.") % {"file": filename or "?"})
        size = getattr(upload, "size", None) or 0
        if size > ATTACHMENT_MAX_BYTES:
            raise AttachmentInvalid(_("%(file)s is larger than %(mb)d MB.") % {
                "file": filename, "mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)})
        if size == 0:
            raise AttachmentInvalid(_("%(file)s is empty.") % {"file": filename})
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(ATTACHMENT_TYPES[extension]):
            raise AttachmentInvalid(_("%(file)s is not really a .%(ext)s file.") % {
                "file": filename, "ext": extension})


def _store_files(message: ServiceMessage, files: list[Any]) -> None:
    stored: list[ServiceAttachment] = []
    try:
        for upload in files:
            filename = Path(upload.name).name
            attachment = ServiceAttachment(message=message, name=filename[:120],
                                           size=upload.size)
            attachment.file.save(filename, upload, save=False)
            stored.append(attachment)
            attachment.save()
    except Exception:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise


def _locked(request: ServiceRequest) -> ServiceRequest:
    return (ServiceRequest.objects.select_for_update(of=("self",))
            .select_related("dealer", "function", "raised_by").get(pk=request.pk))


def _event(request: ServiceRequest, *, actor: Any, at: datetime.datetime, kind: str,
           body: str = "", from_status: str = "", to_status: str = "",
           internal: bool = False) -> ServiceMessage:
    return ServiceMessage.objects.create(
        request=request, kind=kind, author=actor if getattr(actor, "pk", None) else None,
        body=body, internal=internal, from_status=from_status, to_status=to_status,
        created_at=at)


def _move(request: ServiceRequest, to: str, *, actor: Any, at: datetime.datetime,
          note: str = "", calendar: WorkCalendar | None = None) -> None:
    """Set the status (and the clocks it starts or stops) and record it in the thread."""
    before = request.status
    if before == RequestStatus.WAITING and to != RequestStatus.WAITING:
        _resume(request, at=at, calendar=calendar)
    if to == RequestStatus.WAITING:
        request.waiting_since = at
    if to in (RequestStatus.WAITING, RequestStatus.RESOLVED) and (
            request.first_response_at is None and not is_dealer_user(actor)):
        # Asking the dealer for something, or giving the answer, is a response.
        request.first_response_at = at
    if to == RequestStatus.RESOLVED:
        request.resolved_at = at
    request.status = to
    request.save()
    _event(request, actor=actor, at=at, kind=MessageKind.STATUS, body=note,
           from_status=before, to_status=to)


def _resume(request: ServiceRequest, *, at: datetime.datetime,
            calendar: WorkCalendar | None) -> None:
    """Waiting for the dealer stopped the resolution clock: what was left of the limit when
    the wait began counts again from now (nothing is added once the deadline had passed)."""
    since = request.waiting_since
    request.waiting_since = None
    if since is None or request.resolution_due <= since:
        return
    calendar = calendar or calendar_load()
    left = working_hours_between(since, request.resolution_due, calendar=calendar)
    request.resolution_due = add_working_hours(at, left, calendar=calendar)


def _text(value: Any) -> str:
    return (value or "").strip()


@transaction.atomic
def request_create(*, actor: Any, dealer: Any, function: ServiceFunction, subject: str,
                   description: str, priority: str = Priority.NORMAL, product: Any = None,
                   channel: str | None = None, caller_name: str = "",
                   attachments: list[Any] | None = None, at: datetime.datetime | None = None,
                   calendar: WorkCalendar | None = None) -> ServiceRequest:
    """Raise a request for `dealer`: a dealer user for its own company (portal or API), or
    staff logging a call or a visit. The request goes to the function's department and to
    the person its routing table names for the dealer's region; its first-response and
    resolution deadlines are the function's limits at this priority, in working hours.

    Raises RequestInvalid, AttachmentInvalid or NotAllowed; nothing is written then.
    """
    require(actor, "service.add_request")
    at = at or timezone.now()
    files = list(attachments or [])
    dealer_side = is_dealer_user(actor)
    if dealer_side:
        if dealer.pk != actor.dealer_id:
            raise NotAllowed(_("You can raise requests for your own company only."))
        channel = channel or Channel.PORTAL
        allowed_channels = DEALER_CHANNELS
    else:
        if not actor.sees_all_dealers and not visible_dealers(actor).filter(
                pk=dealer.pk).exists():
            raise NotAllowed(_("This dealer is outside your area."))
        channel = channel or Channel.PHONE
        allowed_channels = STAFF_CHANNELS
    errors: dict[str, str] = {}
    if function is None or not function.is_active:
        errors["function"] = _("Choose the kind of help needed.")
    if priority not in Priority.values:
        errors["priority"] = _("Choose a priority.")
    if channel not in allowed_channels:
        errors["channel"] = _("Choose how the request came in.")
    subject, description = _text(subject), _text(description)
    if not subject:
        errors["subject"] = _("Say in a few words what it is about.")
    elif len(subject) > 120:
        errors["subject"] = _("Keep the subject under 120 characters.")
    if not description:
        errors["description"] = _("Describe what is needed.")
    if errors:
        raise RequestInvalid(errors)
    _check_files(files)
    calendar = calendar or calendar_load()
    response_hours, resolution_hours = function.limits(priority)
    request = ServiceRequest.objects.create(
        dealer=dealer, function=function, priority=priority, subject=subject,
        description=description, product=product, channel=channel,
        caller_name=_text(caller_name)[:40], raised_by=actor,
        department=function.department, assignee_id=assignee_for(function=function,
                                                                  dealer=dealer),
        response_hours=response_hours, resolution_hours=resolution_hours,
        first_response_due=add_working_hours(at, response_hours, calendar=calendar),
        resolution_due=add_working_hours(at, resolution_hours, calendar=calendar),
        created_at=at)
    number_assign(request, prefix="SR", day=timezone.localtime(at).date())
    opening = _event(request, actor=actor, at=at, kind=MessageKind.MESSAGE, body=description)
    _store_files(opening, files)
    notify(request.assignee_id, request, NotificationReason.ASSIGNED, at=at, actor=actor)
    return request


@transaction.atomic
def message_add(*, actor: Any, request: ServiceRequest, body: str, internal: bool = False,
                attachments: list[Any] | None = None, at: datetime.datetime | None = None,
                calendar: WorkCalendar | None = None) -> ServiceMessage:
    """Add a reply (or, for staff, an internal note dealers never see) to the thread.

    Staff's first reply is the request's first response; it also takes a new request in
    hand and, if nobody had it, makes the replier its assignee. A dealer's reply while
    service waits for it restarts the resolution clock. Raises RequestInvalid,
    RequestClosed, AttachmentInvalid or NotAllowed.
    """
    dealer_side = is_dealer_user(actor)
    require(actor, "service.add_request" if dealer_side else "service.handle_request")
    if dealer_side and internal:
        raise NotAllowed(_("Internal notes are for staff."))
    request = _locked(request)
    require_visible(actor, request)
    if request.status == RequestStatus.CLOSED:
        raise RequestClosed(_("Request %(number)s is closed; reopen it to write to it.")
                            % {"number": request.number})
    at = at or timezone.now()
    files = list(attachments or [])
    body = _text(body)
    if not body and not files:
        raise RequestInvalid({"body": _("Write a message or attach a file.")})
    _check_files(files)
    message = _event(request, actor=actor, at=at, kind=MessageKind.MESSAGE, body=body,
                     internal=internal)
    _store_files(message, files)
    if internal:
        return message
    if dealer_side:
        if request.status == RequestStatus.WAITING:
            _move(request, RequestStatus.IN_PROGRESS, actor=actor, at=at, calendar=calendar)
        notify(request.assignee_id, request, NotificationReason.DEALER_REPLY, at=at,
               actor=actor)
        return message
    if request.first_response_at is None:
        request.first_response_at = at
    if request.assignee_id is None:
        request.assignee = actor
        _event(request, actor=actor, at=at, kind=MessageKind.ASSIGNMENT, body=str(actor))
    if request.status == RequestStatus.NEW:
        _move(request, RequestStatus.IN_PROGRESS, actor=actor, at=at, calendar=calendar)
    else:
        request.save(update_fields=["first_response_at", "assignee", "updated_at"])
    notify_dealer(request, at=at, actor=actor)
    return message


@transaction.atomic
def request_assign(*, actor: Any, request: ServiceRequest, assignee: Any,
                   at: datetime.datetime | None = None) -> ServiceRequest:
    """Hand the request to another member of staff (who gets it in their list). Raises
    RequestInvalid for a dealer user or an inactive user, RequestClosed, NotAllowed."""
    require(actor, "service.handle_request")
    request = _locked(request)
    require_visible(actor, request)
    if request.status == RequestStatus.CLOSED:
        raise RequestClosed(_("Request %(number)s is closed.") % {"number": request.number})
    if (assignee is None or not assignee.is_active or assignee.is_dealer_user
            or not assignee.has_perm("service.handle_request")):
        raise RequestInvalid({"assignee": _("Choose a member of staff who handles "
                                            "requests.")})
    if request.assignee_id == assignee.pk:
        return request
    at = at or timezone.now()
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    _event(request, actor=actor, at=at, kind=MessageKind.ASSIGNMENT, body=str(assignee))
    notify(assignee.pk, request, NotificationReason.ASSIGNED, at=at, actor=actor)
    return request


@transaction.atomic
def request_status_change(*, actor: Any, request: ServiceRequest, to_status: str,
                          note: str = "", at: datetime.datetime | None = None,
                          calendar: WorkCalendar | None = None) -> ServiceRequest:
    """Move the request: staff take it in hand, ask the dealer for something (the note says
    what; the resolution clock stops) or resolve it; back to "in progress" from resolved or
    closed is a reopen, and "closed" is the dealer confirming. Raises StatusNotAllowed,
    RequestInvalid or NotAllowed."""
    if to_status == RequestStatus.CLOSED:
        return request_confirm(actor=actor, request=request, at=at)
    if to_status == RequestStatus.IN_PROGRESS and request.status in (
            RequestStatus.RESOLVED, RequestStatus.CLOSED):
        return request_reopen(actor=actor, request=request, reason=note, at=at,
                              calendar=calendar)
    if is_dealer_user(actor):
        raise StatusNotAllowed(_("Service moves the request; you can confirm it is solved "
                                 "or reopen it."))
    require(actor, "service.handle_request")
    request = _locked(request)
    require_visible(actor, request)
    if to_status not in STAFF_MOVES.get(request.status, set()):
        raise StatusNotAllowed(_("A request that is “%(from)s” cannot become “%(to)s”.") % {
            "from": RequestStatus(request.status).label,
            "to": RequestStatus(to_status).label if to_status in RequestStatus.values
            else to_status})
    note = _text(note)
    if to_status == RequestStatus.WAITING and not note:
        raise RequestInvalid({"note": _("Say what you need from the dealer.")})
    at = at or timezone.now()
    _move(request, to_status, actor=actor, at=at, note=note, calendar=calendar)
    if to_status in (RequestStatus.WAITING, RequestStatus.RESOLVED):
        notify_dealer(request, NotificationReason.STATUS, at=at, actor=actor)
    return request


def _rating(rating: Any, comment: str) -> tuple[int | None, str]:
    if rating in (None, "", 0):
        return None, _text(comment)
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise RequestInvalid({"rating": _("Rate from 1 (poor) to 5 (excellent).")})
    return value, _text(comment)


@transaction.atomic
def request_confirm(*, actor: Any, request: ServiceRequest, rating: Any = None,
                    comment: str = "", at: datetime.datetime | None = None) -> ServiceRequest:
    """The dealer confirms a resolved request is solved: it closes, rated if the dealer
    gives a rating (1-5, with a comment). Raises StatusNotAllowed, RequestInvalid or
    NotAllowed."""
    require(actor, "service.rate_request")
    request = _locked(request)
    require_visible(actor, request)
    if request.status != RequestStatus.RESOLVED:
        raise StatusNotAllowed(_("Only a resolved request can be confirmed."))
    value, comment = _rating(rating, comment)
    at = at or timezone.now()
    request.closed_at = at
    request.close_kind = CloseKind.CONFIRMED
    if value is not None:
        request.rating, request.rating_comment, request.rated_at = value, comment, at
    _move(request, RequestStatus.CLOSED, actor=actor, at=at)
    notify(request.assignee_id, request, NotificationReason.STATUS, at=at, actor=actor)
    return request


@transaction.atomic
def request_rate(*, actor: Any, request: ServiceRequest, rating: Any, comment: str = "",
                 at: datetime.datetime | None = None) -> ServiceRequest:
    """The dealer rates the service on a request: a resolved one is confirmed and closed
    with the rating, a closed one gets it (or a new one). Raises RequestInvalid,
    StatusNotAllowed or NotAllowed."""
    require(actor, "service.rate_request")
    if _rating(rating, comment)[0] is None:
        raise RequestInvalid({"rating": _("Rate from 1 (poor) to 5 (excellent).")})
    if request.status == RequestStatus.RESOLVED:
        return request_confirm(actor=actor, request=request, rating=rating, comment=comment,
                               at=at)
    request = _locked(request)
    require_visible(actor, request)
    if request.status != RequestStatus.CLOSED:
        raise StatusNotAllowed(_("A request is rated when it is solved."))
    value, comment = _rating(rating, comment)
    request.rating, request.rating_comment = value, comment
    request.rated_at = at or timezone.now()
    request.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    return request


@transaction.atomic
def request_reopen(*, actor: Any, request: ServiceRequest, reason: str,
                   at: datetime.datetime | None = None,
                   calendar: WorkCalendar | None = None) -> ServiceRequest:
    """Reopen a resolved request, or one closed in the last 30 days, saying why: it is in
    progress again with a new resolution deadline (the full limit from now). Raises
    RequestInvalid, StatusNotAllowed or NotAllowed."""
    require(actor, "service.rate_request" if is_dealer_user(actor)
            else "service.handle_request")
    request = _locked(request)
    require_visible(actor, request)
    at = at or timezone.now()
    if request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
        raise StatusNotAllowed(_("Only a resolved or closed request can be reopened."))
    if request.status == RequestStatus.CLOSED and request.closed_at is not None and (
            at - request.closed_at > datetime.timedelta(days=REOPEN_DAYS)):
        raise StatusNotAllowed(_("This request closed more than %(days)d days ago; raise a "
                                 "new one.") % {"days": REOPEN_DAYS})
    reason = _text(reason)
    if not reason:
        raise RequestInvalid({"note": _("Say why the problem is not solved.")})
    calendar = calendar or calendar_load()
    request.resolved_at = request.closed_at = None
    request.close_kind = ""
    request.reopened_count += 1
    request.resolution_due = add_working_hours(at, request.resolution_hours,
                                               calendar=calendar)
    _move(request, RequestStatus.IN_PROGRESS, actor=actor, at=at, note=reason)
    notify(request.assignee_id, request, NotificationReason.REOPENED, at=at, actor=actor)
    return request


def auto_close_resolved(*, now: datetime.datetime | None = None) -> int:
    """Close the requests left resolved for the calendar's auto-close days without the
    dealer confirming or reopening them; returns how many. Safe to run twice."""
    now = now or timezone.now()
    days = WorkingCalendar.current().auto_close_days
    cutoff = now - datetime.timedelta(days=days)
    closed = 0
    with transaction.atomic():
        for request in (ServiceRequest.objects.select_for_update(of=("self",))
                        .filter(status=RequestStatus.RESOLVED, resolved_at__lte=cutoff)
                        .order_by("pk")):
            request.closed_at = now
            request.close_kind = CloseKind.AUTO
            _move(request, RequestStatus.CLOSED, actor=None, at=now,
                  note=_("Closed automatically: resolved %(days)d days ago and not reopened.")
                  % {"days": days})
            closed += 1
    return closed


def notifications_read(*, user: Any, request: ServiceRequest) -> int:
    """The user opened the request: its entries in their notification list are read."""
    return ServiceNotification.objects.filter(user=user, request=request,
                                              read_at__isnull=True).update(
        read_at=timezone.now())
