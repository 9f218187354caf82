"""The demo writes leads, a campaign and six candidates through the services, on the test
world."""

import random
from decimal import Decimal

import pytest

from qudao.recruitment import demo, queries
from qudao.recruitment.models import Campaign, Candidate, Lead


@pytest.mark.django_db
def test_demo_runs_on_the_test_world(world, hq_admin, director, north_manager, north_rep,
                                     east_rep):
    ctx: dict = {}
    demo.run(scale="small", rng=random.Random(1), ctx=ctx)

    assert Lead.objects.count() == 40 + 6
    assert Campaign.objects.get().leads.exists()
    statuses = sorted(Candidate.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "evaluating", "evaluating", "evaluating", "pool",
                        "rejected"]
    accepted = Candidate.objects.get(status="accepted")
    assert accepted.dealer.status == "onboarding"
    data = queries.comparison(user=north_manager, ids=ctx["recruitment"]["compare"])
    assert [col["card"].total for col in data["columns"]] == [
        Decimal("78.00"), Decimal("77.25"), Decimal("76.50")]
