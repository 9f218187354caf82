"""Each computed dimension against the hand-built quarter of dealer A (tests/evaluation/
conftest.py `rich`), with exact numbers; and what happens where there is no data."""

from decimal import Decimal

import pytest

from tests.evaluation.factories import Q1, agreement, card_of, computed, fact, scores

pytestmark = pytest.mark.django_db

D = Decimal


def test_every_dimension_has_its_exact_score_and_the_total_follows_the_weights(rich):
    result = computed()

    card = card_of(rich.dealer)
    assert scores(card) == {"sales": D("80.0"), "financial": D("93.7"), "loyalty": D("90.0"),
                            "growth": D("82.0"), "innovation": D("50.0"),
                            "competitiveness": D("90.0"), "satisfaction": D("75.0")}
    assert card.total == D("83.5")
    assert (card.scored_weight, card.dimensions_scored) == (D("1.00"), 7)
    assert card.period_end.isoformat() == "2025-03-31"
    assert result["written"] == 5  # the world's five dealers, active


def test_the_inputs_are_kept_with_each_line(rich):
    computed()

    lines = {line.dimension: line for line in card_of(rich.dealer).lines.all()}
    assert lines["sales"].inputs == {"sales": "240000.00", "target": "300000.00",
                                     "achievement": "0.8000"}
    financial = lines["financial"].inputs
    assert (financial["days_late"], financial["payment_score"]) == ("3.0", "94.0")
    assert (financial["overdue30"], financial["overdue_ratio"],
            financial["overdue_score"]) == ("8000.00", "0.0333", "93.3")
    loyalty = lines["loyalty"].inputs
    assert (loyalty["since"], loyalty["since_agreement"], loyalty["years"]) == (
        "2021-04-01", True, "4.0")
    assert (loyalty["exclusive"], loyalty["exclusivity_score"]) == (True, "100.0")
    growth = lines["growth"].inputs
    assert (growth["sales_ly"], growth["sales_growth"], growth["customers"],
            growth["customers_ly"], growth["customers_growth"]) == (
        "200000.00", "0.2000", 36, 25, "0.4400")
    assert lines["innovation"].inputs == {"launched": 4, "ordered": 1, "share": "0.2500"}
    assert lines["competitiveness"].inputs == {"customers": 36, "coverage_target": 40,
                                               "coverage": "0.9000"}
    satisfaction = lines["satisfaction"].inputs
    assert (satisfaction["complaints"], satisfaction["orders"], satisfaction["complaint_score"],
            satisfaction["rating"], satisfaction["ratings"], satisfaction["rating_score"]) == (
        2, 10, "60.0", "4.50", 2, "90.0")
    assert lines["sales"].weighted == D("20.00")
    assert lines["financial"].weighted == D("18.74")


def test_a_dealer_without_data_gets_no_invented_numbers(world):
    computed()

    card = card_of(world.dealer_b)
    got = scores(card)
    # Nothing is known: not even tenure (the dealer was created after the quarter).
    assert set(got.values()) == {None}
    lines = {line.dimension: line for line in card.lines.all()}
    assert lines["sales"].inputs["missing"] == "target"
    assert lines["competitiveness"].inputs == {"missing": "coverage_target"}
    assert lines["loyalty"].inputs == {"no_agreement": True, "missing": "tenure"}
    assert (card.total, card.dimensions_scored, card.scored_weight) == (None, 0, D("0"))
    assert card.rank is None


def test_growth_and_caps(world):
    dealer = world.dealer_beijing
    fact(dealer, "2024-02", order_amount=100000)
    fact(dealer, "2025-02", order_amount=300000, target_amount=100000, order_count=1)
    computed()

    got = scores(card_of(dealer))
    assert got["sales"] == D("100.0")  # 300% of target, capped at 100
    assert got["growth"] == D("100.0")  # +200% a year on, capped at 100
    assert got["financial"] == D("100.0")  # no overdue against sales 300,000
    assert got["satisfaction"] == D("100.0")  # one order, no complaint


def test_coverage_needs_a_stock_report_and_a_target(world):
    dealer = world.dealer_beijing
    agreement(dealer, start="2024-01-01", end="2026-12-31", coverage_target_count=50,
              exclusivity=False)
    fact(dealer, "2025-01", active_customers=0, stock_reports=0)
    computed()

    lines = {line.dimension: line for line in card_of(dealer).lines.all()}
    assert lines["competitiveness"].computed_score is None
    assert lines["competitiveness"].inputs["missing"] == "stock_reports"
    assert lines["loyalty"].inputs["exclusivity_score"] == "50.0"


def test_a_terminated_agreement_is_not_in_force(world):
    dealer = world.dealer_beijing
    agreement(dealer, start="2024-01-01", end="2026-12-31", status="terminated",
              exclusivity=True, ended_on=Q1.start)
    computed()

    inputs = {line.dimension: line for line in card_of(dealer).lines.all()}["loyalty"].inputs
    assert inputs["since"] == "2024-01-01"
    assert inputs.get("no_agreement") is True and "exclusive" not in inputs
