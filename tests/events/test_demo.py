"""The demo's events show what the pages are for: past meetings and trainings with who
came, feedback and training results, one to come that the portal dealer can still answer,
a content library and the year's training plan."""

import random

import pytest
from django.db.models import Count

from qudao.events import demo, queries, services
from qudao.events.models import (
    Event,
    Feedback,
    Invitation,
    Material,
    TrainingRecord,
    TrainingTarget,
)
from tests.factories import DealerFactory


@pytest.mark.django_db
def test_demo_events(world, hq_admin, north_manager, dealer_a_admin):
    for n in range(24):
        DealerFactory(code=f"D{n:04d}", territory=world.shijiazhuang)

    demo.run(scale="small", rng=random.Random("2026:events"), ctx={"admin": hq_admin})

    events = {e.title: e for e in Event.objects.all()}
    assert sorted(e.kind for e in events.values()) == [
        "annual", "dialogue", "get_together", "launch", "training", "training", "training"]
    coming = Event.objects.get(kind="dialogue")
    assert coming.status == "published" and coming.registration_open
    assert {e.status for e in events.values() if e.pk != coming.pk} == {"closed"}
    mine = Invitation.objects.get(event=coming, dealer=world.dealer_a)
    assert (mine.status, mine.attendee_count) == ("invited", 0)  # left for the portal user
    assert Invitation.objects.filter(event=coming, status="registered").exists()

    for event in events.values():
        if event.capacity is not None:
            assert services.places_taken(event) <= event.capacity, event.title
        if event.pk != coming.pk:
            summary = queries.event_summary(user=hq_admin, event=event)
            assert 0 < summary["attended"] <= summary["invited"], event.title
    annual = Event.objects.get(kind="annual")
    summary = queries.event_summary(user=hq_admin, event=annual)
    assert summary["invited"] == 27  # every active tier-1 of the world (fewer than 40)
    assert summary["feedback_count"] >= summary["attended"] // 2
    assert 3.5 <= summary["average_score"] <= 5
    assert summary["cost_per_person"] is not None
    assert not Feedback.objects.filter(invitation__attended_count=0).exists()

    # The launch was followed by an emergency training with results and certificates.
    training = Event.objects.get(follows__kind="launch")
    assert (training.cadence, training.status) == ("emergency", "closed")
    records = TrainingRecord.objects.filter(event__kind="training")
    assert records.count() == sum(
        i.attended_count for i in Invitation.objects.filter(event__kind="training"))
    results = dict(records.order_by().values_list("result").annotate(n=Count("id")))
    assert results.get("passed", 0) > results.get("failed", 0) > 0
    passed = records.filter(result="passed")
    assert passed.exclude(certificate_no="").count() == passed.count()
    # The regional training is the North China manager's, for his dealers.
    regular = Event.objects.get(title="经销商资源管理培训（常态）")
    assert (regular.organizer, regular.territory) == (north_manager, world.hb)
    assert not regular.invitations.filter(dealer=world.dealer_b).exists()

    assert set(Material.objects.filter(event__isnull=True).values_list("topic", flat=True)) \
        == {"policy", "company", "tools", "trends"}
    assert Material.objects.filter(event=annual).count() == 2
    assert TrainingTarget.objects.count() == 12
