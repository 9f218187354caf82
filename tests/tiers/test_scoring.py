"""The grade and cooperation score of a dealer, on hand-built dealer-month facts (R-RT-01).

Tier-1 rule of the tests: A from sales 3,000,000 and cooperation 80, B from 1,000,000 and 60.
"""

from decimal import Decimal

import pytest

from qudao.tiers import queries, scoring
from qudao.tiers.scoring import Facts
from tests.tiers.factories import year_make

pytestmark = pytest.mark.django_db


def test_cooperation_formula_exact():
    # 6 days late on average -> 25 x (1 - 6/30) = 20; stock 9 of 12 months -> 18.75;
    # contact every month -> 25; 80% of target -> 20. 83.75 of 100 -> 83.8.
    facts = Facts(allocated=Decimal("1200000"), late_amount_days=Decimal("7200000"),
                  stock_months=9, contact_months=12, sales_with_target=Decimal("1200000"),
                  target=Decimal("1500000"))
    score, parts = scoring.cooperation(facts)
    assert score == Decimal("83.8")
    assert parts["payment"] == {"points": Decimal("20.00"), "days_late": Decimal("6.0"),
                                "max": 25}
    assert parts["stock"]["points"] == Decimal("18.75")
    assert parts["contact"]["points"] == Decimal("25.00")
    assert parts["target"] == {"points": Decimal("20.00"), "achieved": Decimal("80.0"),
                               "max": 25}


def test_parts_without_basis_are_left_out_and_the_rest_scaled_up():
    # Nothing collected, nothing overdue, no target: stock 6/12 -> 12.5, contact 12/12 -> 25;
    # 37.5 of 50 -> 75.
    score, parts = scoring.cooperation(Facts(stock_months=6, contact_months=12))
    assert score == Decimal("75.0")
    assert parts["payment"]["points"] is None and parts["target"]["points"] is None
    # Owing and paying nothing scores no payment points (not "no basis").
    score, parts = scoring.cooperation(Facts(overdue_added=Decimal("5000"), stock_months=6,
                                             contact_months=12))
    assert parts["payment"]["points"] == Decimal("0.00")
    assert score == Decimal("50.0")


def test_dealer_meeting_both_a_thresholds_is_a_with_the_numbers(rules, world):
    year_make(world.dealer_a, sales_per_month=Decimal("300000"), days_late=Decimal("3"),
              target_per_month=Decimal("250000"))
    judgement = queries.dealer_judgement(dealer=world.dealer_a)
    # 3 days late -> 22.5; stock 25; contact 25; target met -> 25: 97.5.
    assert (judgement.grade, judgement.sales, judgement.cooperation) == (
        "A", Decimal("3600000.00"), Decimal("97.5"))
    assert scoring.reasons(grade="A", sales=judgement.sales, cooperation=judgement.cooperation,
                           thresholds=judgement.thresholds) == [
        "sales of 12 months 3,600,000 ≥ A threshold 3,000,000",
        "cooperation 97.5 ≥ A threshold 80"]


def test_b_and_c_with_the_comparisons_that_decided(rules, world):
    # B: 1,800,000 of sales; stock 6 months 12.5, contact 25, on time 25, no target:
    # 62.5 of 75 -> 83.3.
    year_make(world.dealer_a, sales_per_month=Decimal("150000"), stock_months=6)
    b = queries.dealer_judgement(dealer=world.dealer_a)
    assert (b.grade, b.cooperation) == ("B", Decimal("83.3"))
    assert scoring.reasons(grade="B", sales=b.sales, cooperation=b.cooperation,
                           thresholds=b.thresholds) == [
        "sales of 12 months 1,800,000 < A threshold 3,000,000",
        "sales of 12 months 1,800,000 ≥ B threshold 1,000,000",
        "cooperation 83.3 ≥ B threshold 60"]
    # C: big sales but 15 days late (12.5), no stock reports, no contact: 12.5 of 75 -> 16.7.
    year_make(world.dealer_beijing, sales_per_month=Decimal("400000"), stock_months=0,
              contact_months=0, days_late=Decimal("15"))
    c = queries.dealer_judgement(dealer=world.dealer_beijing)
    assert (c.grade, c.cooperation) == ("C", Decimal("16.7"))
    assert scoring.reasons(grade="C", sales=c.sales, cooperation=c.cooperation,
                           thresholds=c.thresholds) == ["cooperation 16.7 < B threshold 60"]


def test_exactly_at_the_thresholds_is_enough_and_a_cent_less_is_not(rules, world):
    # 3,000,000 of sales; on time 25, stock 25, contact 25, 20% of target 5: exactly 80.
    year_make(world.dealer_a, sales_per_month=Decimal("250000"),
              target_per_month=Decimal("1250000"))
    at = queries.dealer_judgement(dealer=world.dealer_a)
    assert (at.sales, at.cooperation, at.grade) == (Decimal("3000000.00"), Decimal("80.0"),
                                                    "A")
    year_make(world.dealer_beijing, sales_per_month=Decimal("249999.99"),
              target_per_month=Decimal("1250000"))
    below = queries.dealer_judgement(dealer=world.dealer_beijing)
    assert (below.sales, below.grade) == (Decimal("2999999.88"), "B")


def test_lifecycle_stage_from_the_trend(rules, world):
    rows = year_make(world.dealer_a, sales_per_month=Decimal("100000"))
    assert queries.dealer_judgement(dealer=world.dealer_a).stage == "stable"
    for row in rows[6:]:  # the last 6 months at 120,000: +20%
        row.order_amount = Decimal("120000")
        row.save()
    assert queries.dealer_judgement(dealer=world.dealer_a).stage == "growing"
    for row in rows[9:]:  # nothing in the last 3 months
        row.order_amount, row.order_count = Decimal(0), 0
        row.save()
    assert queries.dealer_judgement(dealer=world.dealer_a).stage == "declining"
    world.dealer_a.status = "probation"
    assert queries.dealer_judgement(dealer=world.dealer_a).stage == "probation"
    new = year_make(world.dealer_beijing, sales_per_month=Decimal(0))
    for row in new[8:]:
        row.order_amount, row.order_count = Decimal("50000"), 1
        row.save()
    assert queries.dealer_judgement(dealer=world.dealer_beijing).stage == "onboarding"
