"""Reads of meetings, trainings and events, already limited to what the user may see.

Events are the company's: staff who may see events see every published one (organisers
also the drafts); a dealer sees only the events it is invited to, once published. What is
about dealers (invitations, the people registered, who came, feedback, training records)
follows the dealers the user sees: a rep's summary of an event counts his own dealers.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from qudao.core import audit
from qudao.core.pagination import filters_copy
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.events.choices import (
    DEALER_VISIBLE,
    HELD,
    EventKind,
    EventStatus,
    InvitationStatus,
    TrainingModule,
    TrainingResult,
)
from qudao.events.filters import EventFilter, InvitationFilter, TrainingFilter, in_region
from qudao.events.models import (
    Attendee,
    Event,
    Feedback,
    Invitation,
    Material,
    TrainingPlan,
    TrainingRecord,
)
from qudao.events.services.events import INVITABLE
from qudao.stock.periods import add_months

PANEL_ROWS = 6
OUTCOME_MONTHS = 3
RECENT_COMMENTS = 20
CENT = Decimal("0.01")


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _dealer_user(user: Any) -> bool:
    return _active(user) and user.is_dealer_user


def visible_events(user: Any) -> QuerySet[Event]:
    """Events the user may open: a dealer's invitations once published; for staff every
    published event, and the drafts too for those who organise events."""
    events = Event.objects.all()
    if not _active(user) or not user.has_perm("events.view_event"):
        return events.none()
    if user.is_dealer_user:
        if not user.dealer_id:
            return events.none()
        return events.filter(status__in=DEALER_VISIBLE, invitations__dealer_id=user.dealer_id)
    if user.has_perm("events.change_event"):
        return events
    return events.exclude(status=EventStatus.DRAFT)


def event_list(*, user: Any, filters: Any = None) -> QuerySet[Event]:
    """Events the user sees, filtered, the latest start first."""
    events = visible_events(user).select_related("organizer", "territory")
    return EventFilter(filters_copy(filters), queryset=events).qs.order_by("-starts_at", "-id")


def event_get(*, user: Any, pk: int) -> Event:
    """One event; Event.DoesNotExist when the user may not see it."""
    return (visible_events(user)
            .select_related("organizer", "territory", "product", "follows", "created_by")
            .get(pk=pk))


def visible_invitations(user: Any) -> QuerySet[Invitation]:
    """Invitations of the dealers the user sees (a dealer: its own, of published events);
    drafts' invitations only for those who organise events."""
    invitations = Invitation.objects.all()
    if not _active(user) or not user.has_perm("events.view_event"):
        return invitations.none()
    if user.is_dealer_user:
        return invitations.filter(dealer_id=user.dealer_id, event__status__in=DEALER_VISIBLE)
    invitations = dealer_rows(invitations, user)
    if not user.has_perm("events.change_event"):
        invitations = invitations.exclude(event__status=EventStatus.DRAFT)
    return invitations


def invitation_list(*, user: Any, filters: Any = None) -> QuerySet[Invitation]:
    """Invitations the user sees, filtered, by event (latest first) then dealer code."""
    invitations = (visible_invitations(user)
                   .select_related("dealer", "dealer__territory", "event", "feedback"))
    return InvitationFilter(filters_copy(filters), queryset=invitations).qs.order_by(
        "-event__starts_at", "event_id", "dealer__code")


def invitation_get(*, user: Any, pk: int) -> Invitation:
    """One invitation with its people; Invitation.DoesNotExist outside the user's scope."""
    return (visible_invitations(user)
            .select_related("dealer", "event", "feedback", "responded_by")
            .prefetch_related("attendees__training_record").get(pk=pk))


def my_invitation(*, user: Any, event: Event) -> Invitation | None:
    """A dealer user's own invitation to the event, with its people and feedback."""
    if not _dealer_user(user):
        return None
    return (visible_invitations(user).filter(event=event).select_related("feedback")
            .prefetch_related("attendees").first())


def portal(*, user: Any) -> dict[str, Any]:
    """A dealer's events: those to come (soonest first) and those past (latest first)."""
    now = timezone.now()
    invitations = visible_invitations(user).select_related("event", "feedback")
    return {
        "upcoming": list(invitations.filter(event__ends_at__gte=now)
                         .order_by("event__starts_at", "event_id")),
        "past": invitations.filter(event__ends_at__lt=now).order_by("-event__starts_at",
                                                                    "-event_id"),
    }


def _ratio(part: Any, whole: Any) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _score(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


FIGURES = {
    "invited": Count("id"),
    "registered": Count("id", filter=Q(status=InvitationStatus.REGISTERED)),
    "declined": Count("id", filter=Q(status=InvitationStatus.DECLINED)),
    "people_registered": Sum("attendee_count", filter=Q(status=InvitationStatus.REGISTERED)),
    "attended": Count("id", filter=Q(attended_count__gt=0)),
    "people_attended": Sum("attended_count"),
    "feedback_count": Count("feedback"),
    "average_score": Avg("feedback__score"),
}


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    figures = {key: row.get(key) or 0 for key in FIGURES}
    figures["pending"] = figures["invited"] - figures["registered"] - figures["declined"]
    figures["average_score"] = _score(row.get("average_score"))
    figures["attendance_rate"] = _ratio(figures["attended"], figures["registered"])
    return figures


def event_figures(*, user: Any, event_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Invited, registered, came and the average feedback score of each event, over the
    dealers the user sees: one GROUP BY for a page of events, whatever its size."""
    rows = (visible_invitations(user).filter(event_id__in=list(event_ids)).order_by()
            .values("event_id").annotate(**FIGURES))
    empty = _figures({})
    found = {row["event_id"]: _figures(row) for row in rows}
    return {pk: found.get(pk, empty) for pk in event_ids}


def event_summary(*, user: Any, event: Event) -> dict[str, Any]:
    """An event's figures over the user's dealers (R-TE-02, -03): dealers invited,
    registered, declined, who came and how many people, the feedback, and the places and
    cost of the whole event (the cost per person counts everyone who came)."""
    from qudao.events.services.events import places_taken

    row = (visible_invitations(user).filter(event=event).order_by()
           .aggregate(**FIGURES))
    figures = _figures(row)
    taken = places_taken(event)
    everyone = (Invitation.objects.filter(event=event)
                .aggregate(n=Sum("attended_count"))["n"] or 0)
    figures.update({
        "capacity": event.capacity, "places_taken": taken,
        "places_left": None if event.capacity is None else max(event.capacity - taken, 0),
        "budget": event.budget, "actual_cost": event.actual_cost,
        "people_attended_all": everyone,
        "cost_per_person": (event.actual_cost / everyone).quantize(CENT, ROUND_HALF_UP)
        if everyone and event.actual_cost else None,
        "over_budget": event.budget > 0 and event.actual_cost > event.budget,
    })
    return figures


def feedback_summary(*, user: Any, event: Event) -> dict[str, Any]:
    """How many dealers gave each score 1-5, and the latest comments, over the user's
    dealers."""
    feedback = Feedback.objects.filter(invitation__in=visible_invitations(user)
                                       .filter(event=event))
    counts = dict(feedback.order_by().values_list("score").annotate(n=Count("id")))
    total = sum(counts.values())
    distribution = [{"score": score, "count": counts.get(score, 0),
                     "share": _ratio(counts.get(score, 0), total)} for score in range(5, 0, -1)]
    comments = list(feedback.exclude(comment="").select_related("invitation__dealer")
                    .order_by("-created_at", "-id")[:RECENT_COMMENTS])
    return {"distribution": distribution, "total": total, "comments": comments}


def outcome(*, user: Any, event: Event, today: datetime.date | None = None
            ) -> dict[str, Any] | None:
    """What followed the event (R-TE-03): the orders of the dealers that came in the full
    months after the event's month (up to three, those complete by today) against the
    same number of months before it, and the same for the dealers invited that did not
    come, from the dealer-month facts. None before a month after the event is complete.
    """
    from qudao.analytics.models import DealerMonth

    if event.status not in HELD:
        return None
    today = today or timezone.localdate()
    month = timezone.localdate(event.starts_at).replace(day=1)
    complete = [add_months(month, k) for k in range(1, OUTCOME_MONTHS + 1)
                if add_months(month, k + 1) <= today]
    if not complete:
        return None
    months = len(complete)
    before_first, after_last = add_months(month, -months), complete[-1]
    invitations = visible_invitations(user).filter(event=event)
    came = invitations.filter(attended_count__gt=0).values("dealer_id")
    stayed = invitations.filter(attended_count=0).values("dealer_id")
    facts = DealerMonth.objects.filter(month__gte=before_first, month__lte=after_last)
    sums = facts.aggregate(
        came_before=Sum("order_amount", filter=Q(dealer_id__in=came, month__lt=month)),
        came_after=Sum("order_amount", filter=Q(dealer_id__in=came, month__gt=month)),
        other_before=Sum("order_amount", filter=Q(dealer_id__in=stayed, month__lt=month)),
        other_after=Sum("order_amount", filter=Q(dealer_id__in=stayed, month__gt=month)))
    counts = invitations.aggregate(came=Count("id", filter=Q(attended_count__gt=0)),
                                   other=Count("id", filter=Q(attended_count=0)))

    def group(before: Any, after: Any, dealers: int) -> dict[str, Any]:
        before, after = before or Decimal("0.00"), after or Decimal("0.00")
        return {"dealers": dealers, "before": before, "after": after,
                "change": (_ratio(after - before, before) if before else None)}

    return {
        "months": months, "before_from": before_first, "before_to": add_months(month, -1),
        "after_from": complete[0], "after_to": after_last,
        "came": group(sums["came_before"], sums["came_after"], counts["came"]),
        "other": group(sums["other_before"], sums["other_after"], counts["other"]),
    }


def attendee_rows(*, user: Any, event: Event) -> QuerySet[Attendee]:
    """Every person registered for (or who came to) the event from the user's dealers, by
    dealer code, with what the attendee list shows."""
    return (Attendee.objects.filter(invitation__in=visible_invitations(user).filter(event=event))
            .select_related("invitation", "invitation__dealer", "invitation__dealer__territory",
                            "training_record")
            .order_by("invitation__dealer__code", "id"))


def attendance_list(*, user: Any, event: Event, filters: Any = None) -> QuerySet[Invitation]:
    """The dealers to take attendance of: registered ones, and any that already came (a
    walk-in), by dealer code."""
    invitations = (visible_invitations(user).filter(event=event)
                   .filter(Q(status=InvitationStatus.REGISTERED) | Q(attended_count__gt=0))
                   .select_related("dealer").prefetch_related("attendees"))
    return InvitationFilter(filters_copy(filters), queryset=invitations).qs.order_by(
        "dealer__code")


def materials(*, user: Any, event: Event | None) -> QuerySet[Material]:
    """An event's materials (or, for None, the content library) the user may read: a
    dealer only those meant for dealers."""
    rows = (Material.objects.filter(event=event) if event is not None
            else Material.objects.filter(event__isnull=True))
    if _dealer_user(user):
        rows = rows.filter(for_dealers=True)
    return rows.select_related("uploaded_by").order_by("-created_at", "-id")


def material_get(*, user: Any, pk: int) -> Material:
    """A material the user may download; Material.DoesNotExist otherwise: an event's
    materials go to staff and to the dealers invited to it, the library to everyone who
    sees events; dealers never get what is for staff only."""
    material = Material.objects.select_related("event").get(pk=pk)
    if not _active(user) or not user.has_perm("events.view_event"):
        raise Material.DoesNotExist
    if user.is_dealer_user and not material.for_dealers:
        raise Material.DoesNotExist
    if material.event_id is not None and not visible_events(user).filter(
            pk=material.event_id).exists():
        raise Material.DoesNotExist
    return material


def library(*, user: Any, topic: str = "") -> QuerySet[Material]:
    rows = materials(user=user, event=None)
    return rows.filter(topic=topic) if topic else rows


def visible_training(user: Any) -> QuerySet[TrainingRecord]:
    """Training records of the dealers the user sees (a dealer: its own people's)."""
    records = TrainingRecord.objects.all()
    if not _active(user) or not user.has_perm("events.view_event"):
        return records.none()
    if user.is_dealer_user:
        return records.filter(dealer_id=user.dealer_id)
    return dealer_rows(records, user)


def training_list(*, user: Any, filters: Any = None) -> QuerySet[TrainingRecord]:
    records = visible_training(user).select_related("dealer", "event")
    return TrainingFilter(filters_copy(filters), queryset=records).qs.order_by(
        "-trained_on", "-id")


def training_get(*, user: Any, pk: int) -> TrainingRecord:
    return visible_training(user).select_related("dealer", "event").get(pk=pk)


def event_training(*, user: Any, event: Event) -> QuerySet[TrainingRecord]:
    """A training's records over the user's dealers, by dealer code."""
    return (visible_training(user).filter(event=event).select_related("dealer")
            .order_by("dealer__code", "person"))


def dealer_panel(*, user: Any, dealer: Dealer) -> dict[str, Any]:
    """The dealer page's "events" panel: the events it came to and was invited to, what is
    coming, its people's training records and its average feedback."""
    invitations = visible_invitations(user).filter(dealer=dealer)
    figures = invitations.aggregate(
        invited=Count("id"), attended=Count("id", filter=Q(attended_count__gt=0)),
        people=Sum("attended_count"), average_score=Avg("feedback__score"))
    now = timezone.now()
    records = visible_training(user).filter(dealer=dealer)
    by_result = dict(records.order_by().values_list("result").annotate(n=Count("id")))
    return {
        "dealer": dealer,
        "invited": figures["invited"], "attended": figures["attended"],
        "people": figures["people"] or 0, "average_score": _score(figures["average_score"]),
        "upcoming": list(invitations.filter(event__status=EventStatus.PUBLISHED,
                                            event__ends_at__gte=now)
                         .select_related("event").order_by("event__starts_at")[:PANEL_ROWS]),
        "came": list(invitations.filter(attended_count__gt=0)
                     .select_related("event", "feedback")
                     .order_by("-event__starts_at")[:PANEL_ROWS]),
        "training": list(records.select_related("event")
                         .order_by("-trained_on", "-id")[:PANEL_ROWS]),
        "trained": sum(by_result.values()),
        "passed": by_result.get(TrainingResult.PASSED, 0),
        "can_invite": user.has_perm("events.change_event") and not user.is_dealer_user,
    }


def dealers_matching(*, user: Any, region: int | None = None, levels: list[str] | None = None,
                     grades: list[str] | None = None, tag: str = "",
                     codes: list[str] | None = None, ids: list[int] | None = None
                     ) -> tuple[QuerySet[Dealer], list[str]]:
    """The dealers an invitation list picks, among those of the user's scope that may be
    invited: hand-picked ids or codes if any are given (and those not found), else those
    matching the region, channel levels, grades and tag."""
    dealers = visible_dealers(user).filter(status__in=INVITABLE)
    if ids:
        wanted_ids = list(dict.fromkeys(int(pk) for pk in ids))
        dealers = dealers.filter(pk__in=wanted_ids)
        found_ids = set(dealers.values_list("pk", flat=True))
        return dealers, [str(pk) for pk in wanted_ids if pk not in found_ids]
    if codes:
        wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
        dealers = dealers.filter(code__in=wanted)
        found = set(dealers.values_list("code", flat=True))
        return dealers, [code for code in wanted if code not in found]
    if region:
        dealers = in_region(dealers, "territory__path", region)
    if levels:
        dealers = dealers.filter(channel_level__in=levels)
    if grades:
        dealers = dealers.filter(grade__in=grades)
    if tag:
        dealers = dealers.filter(tags__name=tag)
    return dealers, []


def event_history(*, event: Event) -> QuerySet:
    return audit.history(event)


def plan_view(*, year: int) -> dict[str, Any]:
    """The year's training plan against what was done (R-TE-04): per month, and per quarter
    and year, trainings held (published or closed, by start month) and people trained
    (training records, 人次), each with its target and the share reached; and the year's
    trainings and people per module (R-TE-01)."""
    plan = TrainingPlan.objects.filter(year=year).prefetch_related("targets").first()
    targets = {t.month: t for t in plan.targets.all()} if plan else {}
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    from qudao.events.filters import day_start

    # Held: published or closed, and begun (a training planned for next month is not yet).
    trainings = Event.objects.filter(kind=EventKind.TRAINING, status__in=HELD,
                                     starts_at__gte=day_start(start),
                                     starts_at__lt=min(day_start(end), timezone.now()))
    held = dict(trainings.annotate(m=ExtractMonth("starts_at")).order_by()
                .values_list("m").annotate(n=Count("id")))
    records = TrainingRecord.objects.filter(trained_on__gte=start, trained_on__lt=end,
                                            event__status__in=HELD)
    people = dict(records.annotate(m=ExtractMonth("trained_on")).order_by()
                  .values_list("m").annotate(n=Count("id")))

    def row(label: Any, months: range) -> dict[str, Any]:
        target_sessions = sum(targets[m].sessions for m in months if m in targets)
        target_people = sum(targets[m].trainees for m in months if m in targets)
        done_sessions = sum(held.get(m, 0) for m in months)
        done_people = sum(people.get(m, 0) for m in months)
        return {"label": label, "months": months, "target_sessions": target_sessions,
                "sessions": done_sessions, "target_people": target_people,
                "people": done_people,
                "sessions_share": _ratio(done_sessions, target_sessions),
                "people_share": _ratio(done_people, target_people)}

    months = [row(datetime.date(year, m, 1), range(m, m + 1)) for m in range(1, 13)]
    quarters = [row(f"Q{q}", range(3 * q - 2, 3 * q + 1)) for q in range(1, 5)]
    by_module_sessions = dict(trainings.order_by().values_list("module")
                              .annotate(n=Count("id")))
    by_module_people = dict(records.order_by().values_list("event__module")
                            .annotate(n=Count("id")))
    modules = [{"module": label, "code": code, "sessions": by_module_sessions.get(code, 0),
                "people": by_module_people.get(code, 0)}
               for code, label in TrainingModule.choices]
    return {"year": year, "plan": plan, "months": months, "quarters": quarters,
            "total": row(year, range(1, 13)), "modules": modules,
            "targets": {m: (t.sessions, t.trainees) for m, t in targets.items()}}

