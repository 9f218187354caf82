"""Twenty dealers registering at once for the last places on PostgreSQL: the people
registered never exceed the capacity, because every registration counts the places with
the event's row locked."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from qudao.events import services
from qudao.events.exceptions import EventFull
from qudao.events.models import Attendee, Invitation
from qudao.events.services import Person
from tests.events.factories import event_make, invite
from tests.factories import DealerFactory, UserFactory

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_exceed_the_capacity(world):
    event = event_make(capacity=15)
    dealers = [DealerFactory(code=f"R{n:04d}", territory=world.shijiazhuang)
               for n in range(THREADS)]
    invitations = invite(event, *dealers)
    bosses = [UserFactory(username=f"boss{n}", role="dealer_admin", dealer=dealer)
              for n, dealer in enumerate(dealers)]

    def register(n: int) -> str:
        try:
            services.registration_submit(
                actor=bosses[n], invitation=invitations[n],
                people=[Person(name=f"老板{n}"), Person(name=f"经理{n}")])
            return "registered"
        except EventFull:
            return "full"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(register, range(THREADS)))

    # Two people each against 15 places: 7 dealers get in (14 people), 13 are refused.
    assert outcomes.count("registered") == 7
    assert outcomes.count("full") == 13
    assert services.places_taken(event) == 14
    assert Attendee.objects.filter(invitation__event=event).count() == 14
    assert Invitation.objects.filter(event=event, status="registered").count() == 7
    assert not Attendee.objects.filter(invitation__event=event,
                                       invitation__status="invited").exists()
