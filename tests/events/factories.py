"""Events, invitations and registrations written straight to the database (no services, no
audit events), at moments counted from now: for tests that need them to exist."""

import datetime

from django.utils import timezone

from qudao.events.models import Attendee, Event, Invitation
from tests.factories import UserFactory

TEN_DAYS = datetime.timedelta(days=10)
TWO_DAYS = datetime.timedelta(days=2)
EIGHT_HOURS = datetime.timedelta(hours=8)


def event_make(*, starts_in: datetime.timedelta = TEN_DAYS,
               length: datetime.timedelta = EIGHT_HOURS,
               deadline_before: datetime.timedelta = TWO_DAYS, **fields) -> Event:
    """A published event starting `starts_in` from now (negative: already begun)."""
    starts = timezone.now().replace(microsecond=0) + starts_in
    values = {
        "kind": "conference", "title": "2026年度经销商大会", "place": "石家庄国际会展中心",
        "starts_at": starts, "ends_at": starts + length,
        "registration_deadline": starts - deadline_before, "status": "published",
        "published_at": starts - datetime.timedelta(days=20),
    }
    values.update(fields)
    if "organizer" not in values:
        values["organizer"] = UserFactory(username="event_organiser", role="hq_admin",
                                          full_name="会务组")
    return Event.objects.create(**values)


def training_make(**fields) -> Event:
    values = {"kind": "training", "title": "新品卖点与陈列培训", "module": "nurturing",
              "training_form": "lecture", "cadence": "regular"}
    values.update(fields)
    return event_make(**values)


def invite(event: Event, *dealers) -> list[Invitation]:
    return [Invitation.objects.create(event=event, dealer=d) for d in dealers]


def registered(invitation: Invitation, *names: str) -> Invitation:
    """The dealer registered these people (the first is its boss)."""
    for name in names:
        Attendee.objects.create(invitation=invitation, name=name, position="业务经理")
    invitation.status = "registered"
    invitation.attendee_count = len(names)
    invitation.responded_at = timezone.now()
    invitation.save()
    return invitation
