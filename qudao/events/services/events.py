"""Writes of an event itself: create, change, publish/close/cancel, invite dealers, and the
emergency training that follows a product launch."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers.choices import DealerStatus
from qudao.dealers.scoping import dealer_rows, visible_territories
from qudao.events.choices import (
    STATUS_MOVES,
    EventKind,
    EventStatus,
    InvitationStatus,
    TrainingCadence,
    TrainingForm,
    TrainingModule,
)
from qudao.events.exceptions import EventInvalid, EventStatusInvalid
from qudao.events.models import Event, Invitation
from qudao.events.services._common import (
    moment,
    require,
    require_manager,
    require_scope,
)

# Every field a page or the API may set; the status and its dates move through
# event_status_change only.
FIELDS = ["kind", "title", "description", "starts_at", "ends_at", "place", "online_link",
          "territory", "organizer", "capacity", "per_dealer_limit", "registration_deadline",
          "budget", "actual_cost", "module", "training_form", "cadence", "product"]
TRAINING_FIELDS = ("module", "training_form", "cadence")
# What may still change once the event is closed: what it finally cost, and its write-up.
AFTER_CLOSE = {"actual_cost", "description"}
# Dealers that may be invited: being signed up, trading, or on probation.
INVITABLE = (DealerStatus.ONBOARDING, DealerStatus.ACTIVE, DealerStatus.PROBATION)
MAX_TEXT = {"title": 120, "place": 200, "online_link": 300}


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number.quantize(Decimal("0.01")) if number.is_finite() else None


def _positive_or_none(value: Any) -> tuple[int | None, bool]:
    """(value, ok): empty is "no limit"; otherwise a whole number above zero."""
    if value is None or value == "":
        return None, True
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None, False
    return value, True


def _normalised(actor: Any, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The event's fields cleaned and checked together; the faults by field."""
    errors: dict[str, str] = {}
    data = dict(values)
    for key in ("title", "description", "place", "online_link", "cancel_reason"):
        if key in data:
            data[key] = str(data[key] or "").strip()
    if data.get("kind") not in EventKind.values:
        errors["kind"] = _("Choose the kind of event.")
    if not data.get("title"):
        errors["title"] = _("Give the event a title.")
    for key, limit in MAX_TEXT.items():
        if len(data.get(key) or "") > limit:
            errors[key] = _("At most %(n)d characters.") % {"n": limit}
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, datetime.datetime):
        errors["starts_at"] = _("Say when the event starts.")
    if not isinstance(ends, datetime.datetime):
        errors["ends_at"] = _("Say when the event ends.")
    elif isinstance(starts, datetime.datetime) and ends <= starts:
        errors["ends_at"] = _("The event ends after it starts.")
    deadline = data.get("registration_deadline") or starts
    data["registration_deadline"] = deadline
    if (isinstance(starts, datetime.datetime) and isinstance(deadline, datetime.datetime)
            and deadline > starts):
        errors["registration_deadline"] = _("Registration closes before the event starts.")
    if not data.get("place") and not data.get("online_link"):
        errors["place"] = _("Say where the event is held, or give its online link.")
    for key in ("capacity", "per_dealer_limit"):
        data[key], ok = _positive_or_none(data.get(key))
        if not ok:
            errors[key] = _("A whole number above zero, or empty for no limit.")
    if (data.get("capacity") and data.get("per_dealer_limit")
            and data["per_dealer_limit"] > data["capacity"]):
        errors["per_dealer_limit"] = _("A dealer cannot send more people than the event "
                                       "holds.")
    for key in ("budget", "actual_cost"):
        data[key] = _money(data.get(key))
        if data[key] is None or data[key] < 0:
            errors[key] = _("An amount of zero or more.")
    if data.get("kind") == EventKind.TRAINING:
        if data.get("module") not in TrainingModule.values:
            errors["module"] = _("Say which of the four training modules this is.")
        if data.get("training_form") not in TrainingForm.values:
            errors["training_form"] = _("Say how the training is given.")
        data["cadence"] = data.get("cadence") or TrainingCadence.REGULAR
        if data["cadence"] not in TrainingCadence.values:
            errors["cadence"] = _("Regular or emergency training.")
    else:
        for key in TRAINING_FIELDS:
            data[key] = ""
    territory = data.get("territory")
    if territory is not None and not visible_territories(actor).filter(pk=territory.pk).exists():
        errors["territory"] = _("This region is not in your scope.")
    organizer = data.get("organizer") or actor
    data["organizer"] = organizer
    if not organizer.is_active or organizer.is_dealer_user:
        errors["organizer"] = _("The organiser is one of the company's staff.")
    return data, errors


def places_taken(event: Event) -> int:
    """People registered by the dealers that said yes (walk-ins are not registrations)."""
    total = (Invitation.objects.filter(event=event, status=InvitationStatus.REGISTERED)
             .aggregate(n=Sum("attendee_count"))["n"])
    return int(total or 0)


@transaction.atomic
def event_create(*, actor: Any, values: dict[str, Any],
                 at: datetime.datetime | None = None) -> Event:
    """Create an event as a draft: only organisers see it until it is published.

    `values` holds FIELDS (the registration deadline defaults to the start; the organiser
    to the actor). A training needs its module (R-TE-01) and form (R-TE-09); other kinds
    carry no training fields. Raises NotAllowed or EventInvalid (by field).
    """
    require(actor, "events.add_event")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise EventInvalid({key: _("This cannot be set.") for key in sorted(unknown)})
    data, errors = _normalised(actor, {key: values.get(key) for key in FIELDS})
    if errors:
        raise EventInvalid(errors)
    event = Event(**data, created_by=actor)
    event.save()
    if at is not None:
        Event.objects.filter(pk=event.pk).update(created_at=moment(at), updated_at=moment(at))
    audit.record(actor=actor, target=event, event="event.created",
                 data={"kind": event.kind, "starts_at": event.starts_at})
    return event


@transaction.atomic
def event_update(*, actor: Any, event: Event, values: dict[str, Any]) -> Event:
    """Change an event's details (its organiser, creator or head office); the change goes
    to its history. A cancelled event is no longer changed; a closed one only gets its
    actual cost and write-up. The capacity cannot drop below the people registered.

    Raises NotAllowed or EventInvalid.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    require_manager(actor, event)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise EventInvalid({key: _("This cannot be changed.") for key in sorted(unknown)})
    if event.status == EventStatus.CANCELLED:
        raise EventInvalid({"status": _("A cancelled event is no longer changed.")})
    if event.status == EventStatus.CLOSED:
        changed = {key for key, value in values.items() if getattr(event, key) != value}
        if changed - AFTER_CLOSE:
            raise EventInvalid({key: _("The event is closed: only its actual cost and "
                                       "write-up can change.") for key in sorted(
                                           changed - AFTER_CLOSE)})
    before = audit.snapshot(event, FIELDS)
    merged = {key: getattr(event, key) for key in FIELDS}
    merged.update(values)
    if "registration_deadline" not in values and "starts_at" in values \
            and event.registration_deadline == event.starts_at:
        merged["registration_deadline"] = None  # it followed the start: it still does
    data, errors = _normalised(actor, merged)
    taken = places_taken(event)
    if data.get("capacity") is not None and data["capacity"] < taken:
        errors["capacity"] = _("%(n)d people are already registered.") % {"n": taken}
    if errors:
        raise EventInvalid(errors)
    for key, value in data.items():
        setattr(event, key, value)
    changes = audit.diff(before, audit.snapshot(event, FIELDS))
    if changes:
        event.save()
        audit.record(actor=actor, target=event, event="event.changed", data=changes)
    return event


@transaction.atomic
def event_status_change(*, actor: Any, event: Event, to_status: str, reason: str = "",
                        at: datetime.datetime | None = None) -> Event:
    """Publish a draft (invited dealers then see it and may register), close a published
    event (registration over), or cancel one (a reason is needed once dealers saw it).

    Raises NotAllowed, EventStatusInvalid or EventInvalid.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    require_manager(actor, event)
    if to_status not in STATUS_MOVES.get(event.status, set()):
        raise EventStatusInvalid(_("A %(from)s event cannot be %(to)s.") % {
            "from": event.get_status_display().lower(),
            "to": dict(EventStatus.choices).get(to_status, to_status).lower()})
    when = moment(at)
    reason = (reason or "").strip()
    if to_status == EventStatus.CANCELLED:
        if event.status != EventStatus.DRAFT and not reason:
            raise EventInvalid({"reason": _("Say why the event is cancelled: the invited "
                                            "dealers read it.")})
        event.cancelled_at, event.cancel_reason = when, reason[:200]
    elif to_status == EventStatus.PUBLISHED:
        event.published_at = when
    elif to_status == EventStatus.CLOSED:
        event.closed_at = when
    before = event.status
    event.status = to_status
    event.save()
    audit.record(actor=actor, target=event, event=f"event.{to_status}",
                 data={"from": before, "reason": reason})
    return event


def _invitable(actor: Any, dealers: QuerySet) -> QuerySet:
    return dealer_rows(dealers, actor, "pk").filter(status__in=INVITABLE)


@transaction.atomic
def invitations_add(*, actor: Any, event: Event, dealers: QuerySet,
                    at: datetime.datetime | None = None) -> tuple[int, int]:
    """Invite dealers (chosen by a filter or by hand) to a draft or published event: one
    invitation per dealer, whoever invites it again. Only dealers of the actor's scope
    that are signing up, trading or on probation are invited.

    Returns (invited now, already invited). Raises NotAllowed or EventInvalid.
    """
    require(actor, "events.change_event")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise EventInvalid({"status": _("Dealers are invited before the event is closed.")})
    chosen = list(_invitable(actor, dealers).order_by().values_list("pk", flat=True)
                  .distinct())
    if not chosen:
        raise EventInvalid({"dealers": _("No dealer to invite: none of your scope matches.")})
    already = set(Invitation.objects.filter(event=event, dealer_id__in=chosen)
                  .values_list("dealer_id", flat=True))
    new = [pk for pk in chosen if pk not in already]
    when = moment(at)
    Invitation.objects.bulk_create(
        [Invitation(event=event, dealer_id=pk, invited_by=actor, created_at=when,
                    updated_at=when) for pk in new],
        batch_size=1000, ignore_conflicts=True)
    if new:
        audit.record(actor=actor, target=event, event="event.invited",
                     data={"dealers": len(new)})
    return len(new), len(already)


@transaction.atomic
def invitation_remove(*, actor: Any, invitation: Invitation) -> None:
    """Take back an invitation sent by mistake, while the dealer has not answered and the
    event has not been held. Raises NotAllowed or EventInvalid."""
    require(actor, "events.change_event")
    invitation = (Invitation.objects.select_for_update(of=("self",))
                  .select_related("event", "dealer").get(pk=invitation.pk))
    require_scope(actor, invitation.dealer_id)
    if invitation.status != InvitationStatus.INVITED or invitation.attended_count:
        raise EventInvalid({"invitation": _("The dealer has answered: the invitation stays.")})
    if invitation.event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise EventInvalid({"invitation": _("The event is over: the invitation stays.")})
    audit.record(actor=actor, target=invitation.event, event="event.uninvited",
                 data={"dealer": invitation.dealer.code})
    invitation.delete()


@transaction.atomic
def follow_up_training(*, actor: Any, event: Event, starts_at: datetime.datetime,
                       ends_at: datetime.datetime, title: str = "") -> Event:
    """Plan the emergency training a product launch calls for (R-TE-07): a draft training
    on the launch's product, inviting the dealers invited to the launch (those of the
    actor's scope). Raises NotAllowed or EventInvalid."""
    if event.kind != EventKind.LAUNCH:
        raise EventInvalid({"kind": _("Only a product launch is followed by a training.")})
    training = event_create(actor=actor, values={
        "kind": EventKind.TRAINING,
        "title": (title or _("Training: %(title)s") % {"title": event.title})[:120],
        "description": event.description, "starts_at": starts_at, "ends_at": ends_at,
        "place": event.place, "online_link": event.online_link, "territory": event.territory,
        "module": TrainingModule.NURTURING, "training_form": TrainingForm.LECTURE,
        "cadence": TrainingCadence.EMERGENCY, "product": event.product,
        "capacity": event.capacity, "per_dealer_limit": event.per_dealer_limit})
    Event.objects.filter(pk=training.pk).update(follows=event)
    training.follows = event
    from qudao.dealers.models import Dealer

    invited = Dealer.objects.filter(event_invitations__event=event)
    if _invitable(actor, invited).exists():
        invitations_add(actor=actor, event=training, dealers=invited)
    return training


@transaction.atomic
def close_past(*, now: datetime.datetime | None = None) -> int:
    """Close the published events that ended more than a day ago (the scheduled task):
    registration is long over and the lists show them as held. Safe to run twice."""
    now = moment(now)
    due = list(Event.objects.select_for_update(skip_locked=True).filter(
        status=EventStatus.PUBLISHED, ends_at__lt=now - datetime.timedelta(days=1)))
    for event in due:
        event.status, event.closed_at = EventStatus.CLOSED, now
        event.save(update_fields=["status", "closed_at", "updated_at"])
        audit.record(actor=None, target=event, event="event.closed",
                     data={"from": EventStatus.PUBLISHED, "reason": "ended"})
    return len(due)
