"""Event pages: the staff list with its export, an event's page (details and figures,
invitations, materials, feedback), attendance at the door, the attendee list, the dealer
portal (invitations, registration, materials, feedback), the content library, training
records and the year's training plan."""

import datetime
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.events import excel, queries, services
from qudao.events.choices import (
    STATUS_MOVES,
    EventKind,
    EventStatus,
    MaterialTopic,
    TrainingResult,
)
from qudao.events.filters import EventFilter, InvitationFilter, TrainingFilter
from qudao.events.forms import (
    ClosedEventForm,
    EventForm,
    FeedbackForm,
    InviteForm,
    MaterialForm,
    PlanForm,
    StatusForm,
    TrainingResultForm,
    people_from,
    region_choices,
)
from qudao.events.models import Event, Invitation, Material, TrainingRecord

NAV = "events"
EXPORT_CHUNK = 500
EXPORT_LIMIT = 100_000
BLANK_ROWS = 3  # empty rows on the registration form for more people


def _event(request, pk: int) -> Event:
    try:
        return queries.event_get(user=request.user, pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None


def _invitation(request, pk: int) -> Invitation:
    try:
        return queries.invitation_get(user=request.user, pk=pk)
    except Invitation.DoesNotExist:
        raise Http404 from None


def _form_errors(form: Any, exc: DomainError) -> None:
    """A service's errors on the form: on the field they name, else above the form."""
    errors = getattr(exc, "errors", None) or {}
    if not errors:
        form.add_error(None, exc.message)
    for name, why in errors.items():
        form.add_error(name if name in form.fields else None, why)


def _staff_only(request) -> None:
    if request.user.is_dealer_user:
        raise Http404


# -- lists ------------------------------------------------------------------------------------

@login_required
@permission_required("events.view_event", raise_exception=True)
def event_list(request):
    """Staff: the events with their figures over the user's dealers, filtered (HTMX swaps
    the table). Dealers: their invitations (the portal)."""
    if request.user.is_dealer_user:
        portal = queries.portal(user=request.user)
        context = {"upcoming": portal["upcoming"], "page": paginate(request, portal["past"]),
                   "active_nav": NAV}
        return list_render(request, context, template="events/portal.html",
                           partial="events/_portal_past.html")
    page = paginate(request, queries.event_list(user=request.user, filters=request.GET))
    figures = queries.event_figures(user=request.user,
                                    event_ids=[e.pk for e in page.object_list])
    context = {
        "page": page, "rows": [(e, figures[e.pk]) for e in page.object_list],
        "filter_form": EventFilter(request.GET or None, queryset=Event.objects.none()).form,
        "regions": region_choices(request.user), "active_nav": NAV,
    }
    return list_render(request, context, template="events/event_list.html",
                       partial="events/_event_results.html")


@login_required
@permission_required("events.export_event", raise_exception=True)
def event_export(request):
    """The event list with its figures as Excel, with the page's filters."""
    events = queries.event_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]

    def rows():
        chunk: list[Event] = []
        for event in events.iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(event)
            if len(chunk) == EXPORT_CHUNK:
                yield from _event_rows(request, chunk)
                chunk = []
        yield from _event_rows(request, chunk)

    return export_response(filename="events", columns=excel.EVENT_COLUMNS, rows=rows())


def _event_rows(request, events: list[Event]):
    if not events:
        return
    figures = queries.event_figures(user=request.user, event_ids=[e.pk for e in events])
    for event in events:
        yield excel.event_row(event, figures[event.pk])


# -- one event -----------------------------------------------------------------------------

def _status_actions(event: Event) -> list[tuple[str, str]]:
    labels = {EventStatus.PUBLISHED: _("Publish"), EventStatus.CLOSED: _("Close"),
              EventStatus.CANCELLED: _("Cancel event")}
    return [(status, labels[status]) for status in (EventStatus.PUBLISHED, EventStatus.CLOSED,
                                                    EventStatus.CANCELLED)
            if status in STATUS_MOVES.get(event.status, set())]


@login_required
@permission_required("events.view_event", raise_exception=True)
def event_detail(request, pk: int):
    """An event. Staff: its figures over their dealers, the invitations (HTMX filter and
    pages), invite, materials, feedback, cost against what followed. A dealer: the event,
    its own registration, the materials and its feedback."""
    event = _event(request, pk)
    user = request.user
    materials = queries.materials(user=user, event=event)
    if user.is_dealer_user:
        invitation = queries.my_invitation(user=user, event=event)
        if invitation is None:
            raise Http404
        context = {"event": event, "invitation": invitation, "materials": materials,
                   "feedback_form": FeedbackForm(), "active_nav": NAV,
                   "can_feedback": (invitation.attended and event.status in
                                    (EventStatus.PUBLISHED, EventStatus.CLOSED)
                                    and not hasattr(invitation, "feedback"))}
        return render(request, "events/event_portal.html", context)
    invitations = queries.invitation_list(user=user, filters={**request.GET.dict(),
                                                             "event": event.pk})
    manage = services.may_manage(user, event)
    context = {
        "event": event, "summary": queries.event_summary(user=user, event=event),
        "page": paginate(request, invitations), "materials": materials,
        "feedback": queries.feedback_summary(user=user, event=event),
        "outcome": queries.outcome(user=user, event=event),
        "invitation_filter": InvitationFilter(request.GET or None,
                                              queryset=Invitation.objects.none()).form,
        "manage": manage, "status_actions": _status_actions(event) if manage else [],
        "can_invite": (user.has_perm("events.change_event")
                       and event.status in (EventStatus.DRAFT, EventStatus.PUBLISHED)),
        "invite_form": InviteForm(user=user), "material_form": MaterialForm(),
        "history": queries.event_history(event=event)[:20] if manage else [],
        "training": (queries.event_training(user=user, event=event)[:200]
                     if event.is_training else []),
        "result_choices": TrainingResult.choices,
        "active_nav": NAV,
    }
    return list_render(request, context, template="events/event_detail.html",
                       partial="events/_invitations.html")


@login_required
@permission_required("events.add_event", raise_exception=True)
def event_add(request):
    """Create an event as a draft."""
    form = EventForm(request.POST or None, user=request.user,
                     initial={"kind": request.GET.get("kind") or EventKind.CONFERENCE})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, values=form.service_values())
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Event saved as a draft: invite dealers, then "
                                        "publish it."))
            return redirect("events:event_detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "active_nav": NAV})


@login_required
@permission_required("events.change_event", raise_exception=True)
def event_edit(request, pk: int):
    """Change an event (its organiser, creator or head office); once closed, only its
    actual cost and write-up."""
    event = _event(request, pk)
    if not services.may_manage(request.user, event) or event.status == EventStatus.CANCELLED:
        raise Http404
    closed = event.status == EventStatus.CLOSED
    if closed:
        form = ClosedEventForm(request.POST or None, initial={
            "actual_cost": event.actual_cost, "description": event.description})
    else:
        form = EventForm.for_event(event, user=request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = (dict(form.cleaned_data) if closed else form.service_values())
        if closed and values.get("actual_cost") is None:
            values["actual_cost"] = 0
        try:
            services.event_update(actor=request.user, event=event, values=values)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("events:event_detail", pk=event.pk)
    return render(request, "events/event_form.html",
                  {"form": form, "event": event, "closed": closed, "active_nav": NAV})


@login_required
@require_POST
@permission_required("events.change_event", raise_exception=True)
def event_status(request, pk: int):
    event = _event(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.event_status_change(actor=request.user, event=event,
                                         to_status=form.cleaned_data["to_status"],
                                         reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The event is now %(status)s.") % {
                "status": dict(EventStatus.choices)[form.cleaned_data["to_status"]].lower()})
    else:
        messages.error(request, _("Choose what to do with the event."))
    return redirect("events:event_detail", pk=event.pk)


@login_required
@permission_required("events.change_event", raise_exception=True)
def event_invite(request, pk: int):
    """Invite dealers by filter or by code. GET with the form's fields previews how many
    dealers it picks (HTMX); POST invites them."""
    event = _event(request, pk)
    form = InviteForm(request.POST if request.method == "POST" else request.GET,
                      user=request.user)
    if not form.is_valid():
        if request.method == "GET":
            return HttpResponse("")
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
        return redirect("events:event_detail", pk=event.pk)
    dealers, unknown = queries.dealers_matching(user=request.user, **form.selection())
    if request.method == "GET":
        return render(request, "events/_invite_preview.html",
                      {"count": dealers.count(), "unknown": unknown})
    if unknown:
        messages.error(request, _("Not found among the dealers you may invite: %(codes)s. "
                                  "Nobody was invited.") % {"codes": ", ".join(unknown)})
        return redirect("events:event_detail", pk=event.pk)
    try:
        new, already = services.invitations_add(actor=request.user, event=event,
                                                dealers=dealers)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(new)d dealers invited (%(old)d were already).")
                         % {"new": new, "old": already})
    return redirect("events:event_detail", pk=event.pk)


@login_required
@require_POST
@permission_required("events.change_event", raise_exception=True)
def invitation_remove(request, pk: int):
    invitation = _invitation(request, pk)
    try:
        services.invitation_remove(actor=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation taken back."))
    return redirect("events:event_detail", pk=invitation.event_id)


@login_required
@require_POST
@permission_required("events.add_event", raise_exception=True)
def follow_up(request, pk: int):
    """Plan the emergency training a product launch calls for, a week after it."""
    event = _event(request, pk)
    length = event.ends_at - event.starts_at
    starts = max(event.starts_at, timezone.now()) + datetime.timedelta(days=7)
    try:
        training = services.follow_up_training(actor=request.user, event=event,
                                               starts_at=starts, ends_at=starts + length)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("events:event_detail", pk=event.pk)
    messages.success(request, _("Training drafted: set its date and publish it."))
    return redirect("events:event_edit", pk=training.pk)


@login_required
@permission_required("events.export_event", raise_exception=True)
def attendee_export(request, pk: int):
    """The attendee list of an event as Excel: every person of the user's dealers."""
    event = _event(request, pk)
    rows = (excel.attendee_row(a) for a in queries.attendee_rows(user=request.user, event=event)
            .iterator(chunk_size=2000))
    return export_response(filename=f"attendees-{event.pk}", columns=excel.ATTENDEE_COLUMNS,
                           rows=rows)


# -- attendance -----------------------------------------------------------------------------

@login_required
@permission_required("events.change_event", raise_exception=True)
def attendance(request, pk: int):
    """Take attendance at the door, on the phone: each registered dealer's people, ticked
    as they come, and walk-ins added."""
    _staff_only(request)
    event = _event(request, pk)
    rows = queries.attendance_list(user=request.user, event=event, filters=request.GET)
    context = {"event": event, "page": paginate(request, rows),
               "summary": queries.event_summary(user=request.user, event=event),
               "active_nav": NAV}
    return list_render(request, context, template="events/attendance.html",
                       partial="events/_attendance_rows.html")


@login_required
@require_POST
@permission_required("events.change_event", raise_exception=True)
def attendance_mark(request, pk: int):
    invitation = _invitation(request, pk)
    came = [int(v) for v in request.POST.getlist("came") if v.isdigit()]
    error = ""
    try:
        services.attendance_mark(actor=request.user, invitation=invitation, came=came,
                                 walk_ins=people_from(request.POST, "walk_in_"))
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        invitation = _invitation(request, pk)
        return render(request, "events/_attendance_row.html",
                      {"inv": invitation, "event": invitation.event, "error": error,
                       "saved": not error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Attendance of %(dealer)s saved.")
                         % {"dealer": invitation.dealer.name})
    return redirect("events:attendance", pk=invitation.event_id)


# -- the dealer's part ----------------------------------------------------------------------

def _answer_allowed(request, invitation: Invitation) -> None:
    user = request.user
    if user.is_dealer_user:
        if not user.has_perm("events.register_event"):
            raise Http404
    elif not user.has_perm("events.change_event"):
        raise Http404


@login_required
@permission_required("events.view_event", raise_exception=True)
def register(request, pk: int):
    """Register the people a dealer sends: the dealer for itself, or organisers for a
    dealer of their scope (a registration taken on the phone)."""
    invitation = _invitation(request, pk)
    _answer_allowed(request, invitation)
    event = invitation.event
    error = ""
    if request.method == "POST":
        people = people_from(request.POST)
        try:
            services.registration_submit(actor=request.user, invitation=invitation,
                                         people=people, note=request.POST.get("note", ""))
        except DomainError as exc:
            error = exc.message
            rows = people
        else:
            messages.success(request, _("Registered for %(event)s.") % {"event": event.title})
            return redirect("events:event_detail", pk=event.pk)
    else:
        rows = list(invitation.attendees.filter(walk_in=False))
    limit = event.per_dealer_limit or services.MAX_PEOPLE
    blank = max(0, min(BLANK_ROWS, limit - len(rows))) if rows else min(BLANK_ROWS, limit)
    context = {"invitation": invitation, "event": event, "rows": rows,
               "blank": range(blank), "error": error, "limit": limit,
               "places_left": queries.event_summary(user=request.user, event=event)[
                   "places_left"],
               "note": request.POST.get("note", invitation.note), "active_nav": NAV}
    return render(request, "events/register.html", context, status=409 if error else 200)


@login_required
@require_POST
@permission_required("events.view_event", raise_exception=True)
def decline(request, pk: int):
    invitation = _invitation(request, pk)
    _answer_allowed(request, invitation)
    try:
        services.registration_decline(actor=request.user, invitation=invitation,
                                      note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The organisers know you will not come."))
    return redirect("events:event_detail", pk=invitation.event_id)


@login_required
@require_POST
@permission_required("events.register_event", raise_exception=True)
def feedback(request, pk: int):
    invitation = _invitation(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_give(actor=request.user, invitation=invitation,
                                   score=form.cleaned_data["score"],
                                   comment=form.cleaned_data["comment"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
    else:
        messages.error(request, _("Give a score from 1 to 5."))
    return redirect("events:event_detail", pk=invitation.event_id)


# -- materials ------------------------------------------------------------------------------

def _material_add(request, event: Event | None) -> None:
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
        return
    data = form.cleaned_data
    try:
        services.material_add(actor=request.user, event=event, title=data["title"],
                              topic=data["topic"], upload=data["file"],
                              for_dealers=data["for_dealers"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Material added."))


@login_required
@require_POST
@permission_required("events.change_event", raise_exception=True)
def material_add(request, pk: int):
    event = _event(request, pk)
    _material_add(request, event)
    return redirect(reverse("events:event_detail", args=[event.pk]) + "#materials")


@login_required
@permission_required("events.view_event", raise_exception=True)
def material_download(request, pk: int):
    """A material's file, only to users who may read it (never from a public address)."""
    try:
        material = queries.material_get(user=request.user, pk=pk)
    except Material.DoesNotExist:
        raise Http404 from None
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    kind = mimetypes.guess_type(material.name)[0] or "application/octet-stream"
    inline = kind == "application/pdf" or kind.startswith("image/") or kind == "video/mp4"
    return FileResponse(handle, content_type=kind, as_attachment=not inline,
                        filename=material.name)


@login_required
@require_POST
@permission_required("events.change_event", raise_exception=True)
def material_delete(request, pk: int):
    try:
        material = queries.material_get(user=request.user, pk=pk)
    except Material.DoesNotExist:
        raise Http404 from None
    try:
        services.material_delete(actor=request.user, material=material)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Material removed."))
    if material.event_id:
        return redirect(reverse("events:event_detail", args=[material.event_id]) + "#materials")
    return redirect("events:library")


@login_required
@permission_required("events.view_event", raise_exception=True)
def library(request):
    """The content library: company image and culture, strategy, cases, policies and
    procedures, industry trends, templates and tools (R-TE-10, -12, -13, R-DS-05)."""
    if request.method == "POST":
        if not request.user.has_perm("events.change_event") or request.user.is_dealer_user:
            raise Http404
        _material_add(request, None)
        return redirect("events:library")
    topic = request.GET.get("topic", "")
    topic = topic if topic in MaterialTopic.values else ""
    context = {"page": paginate(request, queries.library(user=request.user, topic=topic)),
               "topics": MaterialTopic.choices, "topic": topic,
               "material_form": MaterialForm(), "active_nav": NAV}
    return render(request, "events/library.html", context)


# -- training --------------------------------------------------------------------------------

@login_required
@permission_required("events.view_event", raise_exception=True)
def training_list(request):
    """People trained, per dealer and course, with their results (a dealer: its own)."""
    records = queries.training_list(user=request.user, filters=request.GET)
    context = {"page": paginate(request, records),
               "filter_form": TrainingFilter(request.GET or None,
                                             queryset=TrainingRecord.objects.none()).form,
               "active_nav": NAV}
    return list_render(request, context, template="events/training_list.html",
                       partial="events/_training_results.html")


@login_required
@permission_required("events.export_event", raise_exception=True)
def training_export(request):
    records = queries.training_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    rows = (excel.training_row(r) for r in records.iterator(chunk_size=2000))
    return export_response(filename="training-records", columns=excel.TRAINING_COLUMNS,
                           rows=rows)


@login_required
@require_POST
@permission_required("events.change_event", raise_exception=True)
def training_result(request, pk: int):
    try:
        record = queries.training_get(user=request.user, pk=pk)
    except TrainingRecord.DoesNotExist:
        raise Http404 from None
    form = TrainingResultForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.training_result_set(actor=request.user, record=record,
                                         result=data["result"], score=data["score"],
                                         certificate_no=data["certificate_no"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Result of %(person)s saved.")
                             % {"person": record.person})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
    target = (reverse("events:event_detail", args=[record.event_id]) + "#training"
              if record.event_id else reverse("events:training_list"))
    return redirect(target)


@login_required
@permission_required("events.add_event", raise_exception=True)
def plan(request):
    """The year's training plan: goals, measures and monthly targets against the trainings
    held and the people trained, by month, quarter and module (R-TE-04)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    can_edit = request.user.has_perm("events.change_event")
    view = queries.plan_view(year=year)
    initial = {"goals": view["plan"].goals if view["plan"] else "",
               "measures": view["plan"].measures if view["plan"] else ""}
    for month, (sessions, trainees) in view["targets"].items():
        initial[f"sessions_{month}"], initial[f"trainees_{month}"] = sessions, trainees
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                services.plan_save(actor=request.user, year=year,
                                   goals=form.cleaned_data["goals"],
                                   measures=form.cleaned_data["measures"],
                                   targets=form.targets())
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Training plan saved."))
                return redirect(f"{reverse('events:plan')}?year={year}")
    month_rows = [(row, form[f"sessions_{n}"], form[f"trainees_{n}"])
                  for n, row in enumerate(view["months"], start=1)]
    context = {**view, "form": form, "month_rows": month_rows, "can_edit": can_edit,
               "previous": year - 1,
               "following": year + 1, "query": query_without_page(request),
               "active_nav": NAV}
    return render(request, "events/plan.html", context)
