"""Writes of a dealer's part in an event: registering its people (within the capacity),
declining, attendance taken by staff (which writes the training records of a training),
feedback, and a trainee's result."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.core.exceptions import NotAllowed
from qudao.events.choices import HELD, EventStatus, InvitationStatus, TrainingResult
from qudao.events.exceptions import EventFull, EventInvalid, RegistrationClosed
from qudao.events.models import Attendee, Event, Feedback, Invitation, TrainingRecord
from qudao.events.services._common import (
    Person,
    clean_text,
    is_dealer_user,
    moment,
    require,
    require_scope,
)
from qudao.events.services.events import places_taken

MAX_PEOPLE = 50  # per dealer, when the event sets no limit of its own
MAX_SCORE = 100


def _require_answering(actor: Any, invitation: Invitation) -> None:
    """The dealer answers its own invitations; organisers may answer for a dealer of their
    scope (a registration taken on the phone)."""
    if is_dealer_user(actor):
        require(actor, "events.register_event")
        if invitation.dealer_id != actor.dealer_id:
            raise NotAllowed(_("This invitation is not your company's."))
        return
    require(actor, "events.change_event")
    require_scope(actor, invitation.dealer_id)


def _locked(invitation: Invitation) -> tuple[Event, Invitation]:
    # The event row first, then the invitation: every registration of the event waits on
    # the same row, so the places counted below cannot be taken twice at the same moment.
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    invitation = (Invitation.objects.select_for_update(of=("self",))
                  .select_related("dealer").get(pk=invitation.pk))
    return event, invitation


def _people_errors(people: list[Person], limit: int) -> dict[str, str]:
    if not people:
        return {"people": _("Name at least one person who will come.")}
    if len(people) > limit:
        return {"people": _("At most %(n)d people per dealer.") % {"n": limit}}
    names = [p.name.strip() for p in people]
    if any(not name for name in names):
        return {"people": _("Every person needs a name.")}
    if any(len(name) > 40 for name in names):
        return {"people": _("A name has at most 40 characters.")}
    if len({name.casefold() for name in names}) != len(names):
        return {"people": _("The same person is named twice.")}
    return {}


def _cleaned(people: Iterable[Any]) -> list[Person]:
    return [Person(name=clean_text(p.name, 40), position=clean_text(p.position, 40),
                   phone=clean_text(p.phone, 20)) for p in people]


@transaction.atomic
def registration_submit(*, actor: Any, invitation: Invitation, people: Iterable[Any],
                        note: str = "", at: datetime.datetime | None = None) -> Invitation:
    """Register the people a dealer sends (replacing the list it sent before), while the
    event is published and before its registration deadline.

    The people of all registered dealers never exceed the event's capacity: the event row
    is locked while the places are counted. Raises NotAllowed, RegistrationClosed,
    EventInvalid or EventFull; either way nothing is written.
    """
    _require_answering(actor, invitation)
    event, invitation = _locked(invitation)
    when = moment(at)
    if (event.status != EventStatus.PUBLISHED or when >= event.registration_deadline
            or invitation.attendance_marked_at is not None):
        raise RegistrationClosed(_("Registration for this event is closed."))
    people = _cleaned(people)
    errors = _people_errors(people, event.per_dealer_limit or MAX_PEOPLE)
    if errors:
        raise EventInvalid(errors)
    if event.capacity is not None:
        taken = places_taken(event)
        if invitation.status == InvitationStatus.REGISTERED:
            taken -= invitation.attendee_count
        left = max(event.capacity - taken, 0)
        if len(people) > left:
            raise EventFull(_("Only %(n)d places are left.") % {"n": left}, places_left=left)
    invitation.attendees.all().delete()
    Attendee.objects.bulk_create(
        Attendee(invitation=invitation, name=p.name, position=p.position, phone=p.phone,
                 created_at=when) for p in people)
    before = invitation.status
    invitation.status = InvitationStatus.REGISTERED
    invitation.responded_at, invitation.responded_by = when, actor
    invitation.attendee_count = len(people)
    invitation.note = clean_text(note, 200)
    invitation.save()
    audit.record(actor=actor, target=invitation, subject=invitation.dealer,
                 event="event.registered", data={
                     "event": event.title, "people": len(people),
                     "changed": before == InvitationStatus.REGISTERED})
    return invitation


@transaction.atomic
def registration_decline(*, actor: Any, invitation: Invitation, note: str = "",
                         at: datetime.datetime | None = None) -> Invitation:
    """Say the dealer will not come (or no longer comes: its places are freed), at any
    time before the event starts. Raises NotAllowed or RegistrationClosed."""
    _require_answering(actor, invitation)
    event, invitation = _locked(invitation)
    when = moment(at)
    if (event.status != EventStatus.PUBLISHED or when >= event.starts_at
            or invitation.attendance_marked_at is not None):
        raise RegistrationClosed(_("The event has begun or is closed: answers are final."))
    invitation.attendees.all().delete()
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at, invitation.responded_by = when, actor
    invitation.attendee_count = 0
    invitation.note = clean_text(note, 200)
    invitation.save()
    audit.record(actor=actor, target=invitation, subject=invitation.dealer,
                 event="event.declined", data={"event": event.title})
    return invitation


def _training_record(event: Event, invitation: Invitation, attendee: Attendee
                     ) -> TrainingRecord:
    return TrainingRecord(dealer_id=invitation.dealer_id, event=event, attendee=attendee,
                          person=attendee.name, position=attendee.position,
                          course=event.title, module=event.module,
                          trained_on=timezone.localdate(event.starts_at))


@transaction.atomic
def attendance_mark(*, actor: Any, invitation: Invitation, came: Iterable[int],
                    walk_ins: Iterable[Any] = (), at: datetime.datetime | None = None
                    ) -> Invitation:
    """Take a dealer's attendance: who of the people it registered came (`came`: their
    ids; the others did not), and who came without being registered (`walk_ins`).

    Taken from the day the event begins, while it is published or closed. For a training,
    everyone who came gets a training record, and one marked absent loses his, unless a
    result was already given (then the attendance is refused). Raises NotAllowed or
    EventInvalid; either way nothing is written.
    """
    require(actor, "events.change_event")
    if is_dealer_user(actor):
        raise NotAllowed(_("Attendance is taken by the organisers."))
    invitation = (Invitation.objects.select_for_update(of=("self",))
                  .select_related("event", "dealer").get(pk=invitation.pk))
    require_scope(actor, invitation.dealer_id)
    event = invitation.event
    when = moment(at)
    if event.status not in HELD:
        raise EventInvalid({"attendance": _("Attendance is taken for a published or closed "
                                            "event.")})
    if timezone.localdate(when) < timezone.localdate(event.starts_at):
        raise EventInvalid({"attendance": _("Attendance is taken once the event begins.")})
    attendees = list(invitation.attendees.select_related("training_record"))
    came = {int(pk) for pk in came}
    unknown = came - {a.pk for a in attendees}
    if unknown:
        raise EventInvalid({"came": _("These people are not registered by this dealer.")})
    walk_ins = _cleaned(walk_ins)
    if any(not p.name for p in walk_ins):
        raise EventInvalid({"walk_ins": _("Every person needs a name.")})
    known = {a.name.casefold() for a in attendees}
    if any(p.name.casefold() in known for p in walk_ins) or len(
            {p.name.casefold() for p in walk_ins}) != len(walk_ins):
        raise EventInvalid({"walk_ins": _("This person is already on the dealer's list.")})
    if event.is_training:
        graded = [a.name for a in attendees if a.pk not in came
                  and getattr(a, "training_record", None) is not None
                  and a.training_record.result != TrainingResult.ATTENDED]
        if graded:
            raise EventInvalid({"came": _("%(names)s already has a training result: he came.")
                                % {"names": ", ".join(graded)}})
    for attendee in attendees:
        attendee.attended = attendee.pk in came
    Attendee.objects.bulk_update(attendees, ["attended"])
    added = [Attendee.objects.create(invitation=invitation, name=p.name, position=p.position,
                                     phone=p.phone, attended=True, walk_in=True,
                                     created_at=when) for p in walk_ins]
    present = [a for a in attendees if a.attended] + added
    if event.is_training:
        TrainingRecord.objects.filter(attendee__in=[a for a in attendees if not a.attended]
                                      ).delete()
        have = set(TrainingRecord.objects.filter(attendee__in=present)
                   .values_list("attendee_id", flat=True))
        TrainingRecord.objects.bulk_create(
            _training_record(event, invitation, a) for a in present if a.pk not in have)
    invitation.attended_count = len(present)
    invitation.attendance_marked_at, invitation.attendance_marked_by = when, actor
    invitation.save(update_fields=["attended_count", "attendance_marked_at",
                                   "attendance_marked_by", "updated_at"])
    audit.record(actor=actor, target=invitation, subject=invitation.dealer,
                 event="event.attendance", data={
                     "event": event.title, "came": len(present), "walk_ins": len(added)})
    return invitation


@transaction.atomic
def feedback_give(*, actor: Any, invitation: Invitation, score: Any, comment: str = "",
                  at: datetime.datetime | None = None) -> Feedback:
    """The dealer's feedback on an event it came to: a score of 1 to 5 and a comment,
    once. Raises NotAllowed or EventInvalid."""
    require(actor, "events.register_event")
    if not is_dealer_user(actor) or invitation.dealer_id != actor.dealer_id:
        raise NotAllowed(_("Feedback is given by the dealer that came."))
    invitation = (Invitation.objects.select_for_update(of=("self",))
                  .select_related("event", "dealer").get(pk=invitation.pk))
    if invitation.event.status not in HELD or not invitation.attended_count:
        raise EventInvalid({"score": _("Feedback is given after coming to the event.")})
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise EventInvalid({"score": _("Give a score from 1 to 5.")})
    if Feedback.objects.filter(invitation=invitation).exists():
        raise EventInvalid({"score": _("Your feedback on this event is already in.")})
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(invitation=invitation, score=score,
                                               comment=(comment or "").strip()[:2000],
                                               given_by=actor, created_at=moment(at))
    except IntegrityError:
        raise EventInvalid({"score": _("Your feedback on this event is already in.")}) from None
    audit.record(actor=actor, target=invitation, subject=invitation.dealer,
                 event="event.feedback", data={"event": invitation.event.title,
                                               "score": score})
    return feedback


@transaction.atomic
def training_result_set(*, actor: Any, record: TrainingRecord, result: str,
                        score: int | None = None, certificate_no: str = "") -> TrainingRecord:
    """Give a trainee his result (attended, passed or failed), his exam score (0-100) and,
    if he passed, his certificate number (unique). Raises NotAllowed or EventInvalid."""
    require(actor, "events.change_event")
    if is_dealer_user(actor):
        raise NotAllowed(_("Results are given by the organisers."))
    record = (TrainingRecord.objects.select_for_update(of=("self",))
              .select_related("dealer").get(pk=record.pk))
    require_scope(actor, record.dealer_id)
    certificate_no = (certificate_no or "").strip()
    errors: dict[str, str] = {}
    if result not in TrainingResult.values:
        errors["result"] = _("Choose the result.")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                              or not 0 <= score <= MAX_SCORE):
        errors["score"] = _("A score from 0 to 100.")
    if certificate_no and result != TrainingResult.PASSED:
        errors["certificate_no"] = _("A certificate is given to those who passed.")
    if len(certificate_no) > 40:
        errors["certificate_no"] = _("At most %(n)d characters.") % {"n": 40}
    if certificate_no and TrainingRecord.objects.filter(
            certificate_no=certificate_no).exclude(pk=record.pk).exists():
        errors["certificate_no"] = _("This certificate number is already given.")
    if errors:
        raise EventInvalid(errors)
    fields = ["result", "score", "certificate_no"]
    before = audit.snapshot(record, fields)
    record.result, record.score, record.certificate_no = result, score, certificate_no
    record.result_by = actor
    changes = audit.diff(before, audit.snapshot(record, fields))
    if changes:
        record.save()
        audit.record(actor=actor, target=record, subject=record.dealer,
                     event="event.training_result", data=changes)
    return record
