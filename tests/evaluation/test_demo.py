"""The demo's scorecards: four quarters and a year for every dealer, a few hand scores,
the oldest quarter final."""

import random
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.evaluation import demo
from qudao.evaluation.models import Scorecard, ScorecardLine
from qudao.evaluation.periods import last_complete
from tests.evaluation.factories import fact


@pytest.mark.django_db
def test_demo_scorecards(world, hq_admin, north_manager):
    quarter = last_complete("quarter", timezone.localdate())
    fact(world.dealer_a, quarter.start.strftime("%Y-%m"), order_amount=100000,
         target_amount=120000, order_count=3)

    demo.run(scale="small", rng=random.Random("2026:evaluation"), ctx={})

    kinds = sorted(Scorecard.objects.filter(dealer=world.dealer_a)
                   .values_list("period_kind", flat=True))
    assert kinds == ["quarter"] * 4 + ["year"]
    assert Scorecard.objects.count() == 5 * 5
    oldest = quarter.shifted(-3)
    assert set(Scorecard.objects.filter(period_start=oldest.start, period_kind="quarter")
               .values_list("status", flat=True)) == {"final"}
    assert set(Scorecard.objects.filter(period_start=quarter.start, period_kind="quarter")
               .values_list("status", flat=True)) == {"draft"}
    hand = ScorecardLine.objects.filter(hand_score__isnull=False)
    assert hand.exists()
    assert all(line.hand_note for line in hand)
    # Only the manager's region (HB) was scored by hand.
    assert not hand.filter(scorecard__dealer=world.dealer_b).exists()
    a = Scorecard.objects.get(dealer=world.dealer_a, period_kind="quarter",
                              period_start=quarter.start)
    assert {line.dimension: line.score for line in a.lines.all()}["sales"] == Decimal("83.3")
