"""API of events: thin handlers over queries and services.

A dealer sees only the events it is invited to (once published) and only its own
invitation; staff see the events, and the invitations and training records of the
dealers they see (another dealer's answers 404).
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.accounts.models import User
from qudao.api import require
from qudao.catalog.models import Product
from qudao.events import queries, services
from qudao.events.exceptions import EventInvalid
from qudao.events.models import Event, Invitation, TrainingRecord
from qudao.events.schemas import (
    AttendanceIn,
    DeclineIn,
    EventDetailOut,
    EventIn,
    EventOut,
    EventPatch,
    EventQuery,
    FeedbackIn,
    InvitationDetailOut,
    InvitationOut,
    InvitationQuery,
    InviteIn,
    InviteOut,
    RegisterIn,
    StatusIn,
    TrainingOut,
    TrainingPatch,
    TrainingQuery,
)
from qudao.territories.models import Territory

router = Router(tags=["Meetings, trainings and events"])


def _event(request, event_id: int) -> Event:
    try:
        return queries.event_get(user=request.user, pk=event_id)
    except Event.DoesNotExist:
        raise Http404 from None


def _invitation(request, invitation_id: int) -> Invitation:
    try:
        return queries.invitation_get(user=request.user, pk=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404 from None


def _detail(request, event: Event) -> Event:
    user = request.user
    event.materials_list = list(queries.materials(user=user, event=event))
    if user.is_dealer_user:
        event.summary = None
        invitation = queries.my_invitation(user=user, event=event)
        event.invitation = (queries.invitation_get(user=user, pk=invitation.pk)
                            if invitation else None)
    else:
        event.summary = queries.event_summary(user=user, event=event)
        event.invitation = None
    return event


def _values(payload: Any, *, partial: bool) -> dict[str, Any]:
    """The service's values from the API's input: ids and a SKU turned into records."""
    data = payload.dict(exclude_unset=partial)
    errors: dict[str, str] = {}
    if "territory_id" in data:
        pk = data.pop("territory_id")
        data["territory"] = Territory.objects.filter(pk=pk).first() if pk else None
        if pk and data["territory"] is None:
            errors["territory_id"] = _("No region with this id.")
    if "organizer_id" in data:
        pk = data.pop("organizer_id")
        if pk is None:
            data.pop("organizer", None)
        else:
            data["organizer"] = User.objects.filter(pk=pk).first()
            if data["organizer"] is None:
                errors["organizer_id"] = _("No user with this id.")
    if "product_sku" in data:
        sku = (data.pop("product_sku") or "").strip()
        data["product"] = Product.objects.filter(sku__iexact=sku).first() if sku else None
        if sku and data["product"] is None:
            errors["product_sku"] = _("No product with this SKU.")
    if errors:
        raise EventInvalid(errors)
    for key in ("description", "place", "online_link", "module", "training_form", "cadence"):
        if key in data and data[key] is None:
            data[key] = ""
    return data


@router.get("/events", response=list[EventOut])
@paginate(PageNumberPagination)
def event_list(request, filters: Query[EventQuery]):
    """Events the caller may see, the latest start first (a dealer: its invitations)."""
    require(request, "events.view_event")
    return queries.event_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/events", response={201: EventDetailOut})
def event_create(request, payload: EventIn):
    """Create an event as a draft (organisers)."""
    require(request, "events.add_event")
    event = services.event_create(actor=request.user, values=_values(payload, partial=False))
    return Status(201, _detail(request, _event(request, event.pk)))


@router.get("/events/{event_id}", response=EventDetailOut)
def event_detail(request, event_id: int):
    """An event with its materials; staff get its figures over their dealers, a dealer its
    own invitation."""
    require(request, "events.view_event")
    return _detail(request, _event(request, event_id))


@router.patch("/events/{event_id}", response=EventDetailOut)
def event_update(request, event_id: int, payload: EventPatch):
    """Change an event (its organiser, creator or head office)."""
    require(request, "events.change_event")
    event = _event(request, event_id)
    services.event_update(actor=request.user, event=event,
                          values=_values(payload, partial=True))
    return _detail(request, _event(request, event_id))


@router.post("/events/{event_id}/status", response=EventDetailOut)
def event_status(request, event_id: int, payload: StatusIn):
    """Publish, close or cancel an event."""
    require(request, "events.change_event")
    event = _event(request, event_id)
    services.event_status_change(actor=request.user, event=event, to_status=payload.status,
                                 reason=payload.reason)
    return _detail(request, _event(request, event_id))


@router.post("/events/{event_id}/invitations", response={201: InviteOut})
def event_invite(request, event_id: int, payload: InviteIn):
    """Invite dealers of the caller's scope: hand-picked (ids or codes; all must be found)
    or by region, channel levels, grades and tag. One invitation per dealer."""
    require(request, "events.change_event")
    event = _event(request, event_id)
    dealers, unknown = queries.dealers_matching(
        user=request.user, region=payload.region, levels=payload.levels,
        grades=payload.grades, tag=payload.tag.strip(), codes=payload.codes,
        ids=payload.dealer_ids)
    if unknown:
        raise EventInvalid({"dealers": _("Not found among the dealers you may invite: "
                                         "%(codes)s.") % {"codes": ", ".join(unknown)}})
    new, already = services.invitations_add(actor=request.user, event=event, dealers=dealers)
    return Status(201, {"invited": new, "already": already})


@router.get("/event-invitations", response=list[InvitationOut])
@paginate(PageNumberPagination)
def invitation_list(request, filters: Query[InvitationQuery]):
    """Invitations of the caller's dealers (a dealer: its own), latest event first."""
    require(request, "events.view_event")
    return queries.invitation_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/event-invitations/{invitation_id}", response=InvitationDetailOut)
def invitation_detail(request, invitation_id: int):
    """An invitation with the people registered, who came, and the feedback."""
    require(request, "events.view_event")
    return _invitation(request, invitation_id)


def _require_answering(request) -> None:
    require(request, "events.register_event" if request.user.is_dealer_user
            else "events.change_event")


@router.post("/event-invitations/{invitation_id}/register", response=InvitationDetailOut)
def register(request, invitation_id: int, payload: RegisterIn):
    """Register the people a dealer sends (replacing its earlier list): the dealer itself,
    or an organiser for a dealer of his scope. 409 event_full when too few places are
    left."""
    _require_answering(request)
    invitation = _invitation(request, invitation_id)
    services.registration_submit(actor=request.user, invitation=invitation,
                                 people=payload.people, note=payload.note)
    return _invitation(request, invitation_id)


@router.post("/event-invitations/{invitation_id}/decline", response=InvitationDetailOut)
def decline(request, invitation_id: int, payload: DeclineIn):
    """The dealer will not come (its places are freed)."""
    _require_answering(request)
    invitation = _invitation(request, invitation_id)
    services.registration_decline(actor=request.user, invitation=invitation,
                                  note=payload.note)
    return _invitation(request, invitation_id)


@router.post("/event-invitations/{invitation_id}/attendance", response=InvitationDetailOut)
def attendance(request, invitation_id: int, payload: AttendanceIn):
    """Take the dealer's attendance (organisers): who of its people came, and walk-ins."""
    require(request, "events.change_event")
    invitation = _invitation(request, invitation_id)
    services.attendance_mark(actor=request.user, invitation=invitation, came=payload.came,
                             walk_ins=payload.walk_ins)
    return _invitation(request, invitation_id)


@router.post("/event-invitations/{invitation_id}/feedback", response={201: InvitationDetailOut})
def feedback(request, invitation_id: int, payload: FeedbackIn):
    """The dealer's score (1-5) and comment on an event it came to, once."""
    require(request, "events.register_event")
    invitation = _invitation(request, invitation_id)
    services.feedback_give(actor=request.user, invitation=invitation, score=payload.score,
                           comment=payload.comment)
    return Status(201, _invitation(request, invitation_id))


@router.get("/training-records", response=list[TrainingOut])
@paginate(PageNumberPagination)
def training_list(request, filters: Query[TrainingQuery]):
    """Training records of the caller's dealers (a dealer: its own people's)."""
    require(request, "events.view_event")
    return queries.training_list(user=request.user, filters=filters.dict(exclude_none=True))


def _record(request, record_id: int) -> TrainingRecord:
    try:
        return queries.training_get(user=request.user, pk=record_id)
    except TrainingRecord.DoesNotExist:
        raise Http404 from None


@router.get("/training-records/{record_id}", response=TrainingOut)
def training_detail(request, record_id: int):
    require(request, "events.view_event")
    return _record(request, record_id)


@router.patch("/training-records/{record_id}", response=TrainingOut)
def training_result(request, record_id: int, payload: TrainingPatch):
    """Give a trainee his result, exam score and certificate (organisers)."""
    require(request, "events.change_event")
    record = _record(request, record_id)
    services.training_result_set(actor=request.user, record=record, result=payload.result,
                                 score=payload.score, certificate_no=payload.certificate_no)
    return _record(request, record_id)
