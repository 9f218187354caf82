"""Access-matrix entries of the events routes (see tests/api/test_access_matrix.py).

Invitations and training records belong to a dealer: staff see those of the dealers they
see, a dealer only its own (and only of published events). Events themselves are the
company's: staff see them all (organisers also the drafts), a dealer only those it is
invited to; that, and the routes that change an event, are checked persona by persona in
tests/events/test_api.py.
"""

import datetime

from django.utils import timezone

from qudao.dealers.models import Dealer
from qudao.events.models import Attendee, Event, Invitation, TrainingRecord
from tests.factories import UserFactory

STARTS = datetime.datetime(2026, 3, 10, 9, 0)


def _event() -> Event:
    """One published training every dealer of the world is invited to (written directly:
    no audit events); the same one when asked again."""
    starts = timezone.make_aware(STARTS)
    organiser = UserFactory(username="events_matrix_hq", role="hq_admin")
    event, _created = Event.objects.get_or_create(title="矩阵培训", defaults={
        "kind": "training", "module": "nurturing", "training_form": "lecture",
        "cadence": "regular", "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=6), "registration_deadline": starts,
        "place": "总部培训中心", "organizer": organiser, "status": "published"})
    return event


def _invitations(world) -> dict:
    """Each dealer's invitation to the matrix training, registered with one person."""
    event = _event()
    found = {}
    for dealer in Dealer.objects.all():
        invitation, created = Invitation.objects.get_or_create(
            event=event, dealer=dealer, defaults={"status": "registered", "attendee_count": 1})
        if created:
            Attendee.objects.create(invitation=invitation, name=f"{dealer.code}学员")
        found[dealer.code] = invitation.pk
    return found


def _records(world) -> dict:
    """Each dealer's training record of the matrix training."""
    event = _event()
    return {dealer.code: TrainingRecord.objects.get_or_create(
        dealer=dealer, event=event, person=f"{dealer.code}学员",
        defaults={"course": event.title, "module": "nurturing",
                  "trained_on": STARTS.date()})[0].pk
        for dealer in Dealer.objects.all()}


ROUTES: dict = {
    # Staff: every event (tests/events/test_api.py); a dealer: the ones it is invited to.
    ("get", "/api/events"): "self",
    ("post", "/api/events"): "create",
    ("get", "/api/events/{event_id}"): "self",
    ("patch", "/api/events/{event_id}"): "self",
    ("post", "/api/events/{event_id}/status"): "self",
    # Only dealers of the caller's scope are invited: tests/events/test_api.py.
    ("post", "/api/events/{event_id}/invitations"): "self",
    ("get", "/api/event-invitations"): "scoped_list",
    ("get", "/api/event-invitations/{invitation_id}"): "invitation_read",
    ("post", "/api/event-invitations/{invitation_id}/register"): "invitation_write",
    ("post", "/api/event-invitations/{invitation_id}/decline"): "invitation_write",
    ("post", "/api/event-invitations/{invitation_id}/attendance"): "invitation_write",
    ("post", "/api/event-invitations/{invitation_id}/feedback"): "invitation_write",
    ("get", "/api/training-records"): "scoped_list",
    ("get", "/api/training-records/{record_id}"): "trainingrecord_read",
    ("patch", "/api/training-records/{record_id}"): "trainingrecord_write",
}
RECORDS: dict = {"invitation": ("invitation_id", _invitations),
                 "trainingrecord": ("record_id", _records)}
