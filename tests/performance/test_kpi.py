"""The reps' KPI of 2025 Q1 against the hand-built quarter (conftest): each item's value
and score, the weighted total, the ranking and the poor-rating flag."""

from decimal import Decimal as D

import pytest

from qudao.performance import kpi
from qudao.performance.periods import period_parse
from qudao.performance.services import weights_set
from tests.performance.conftest import PERIOD

pytestmark = pytest.mark.django_db


def _rows(user, **kwargs):
    return kpi.kpi_rows(user=user, region=None, period=period_parse(PERIOD), **kwargs)


def _items(row):
    return {item["code"]: (item["value"], item["score"]) for item in row["items"]}


def test_each_item_of_north_rep(quarter, hq_admin, north_rep):
    row = next(r for r in _rows(hq_admin) if r["rep"] == north_rep)
    assert _items(row) == {
        # A-sub's first agreement (A's of 2025 is a renewal) against 1 a month × 3.
        "new_dealers": (1, D("33.3")),
        # A-sub ordered first on 5 March.
        "first_orders": (1, D("33.3")),
        # A ordered in 2024 Q4 and again in 2025 Q1.
        "retention": (D("1.0000"), D("100.0")),
        # A ordered 3 times, A-sub once.
        "repeat_orders": (D("0.5000"), D("50.0")),
        # 1750 against 800 last year: +118.75%, capped at 100.
        "growth": (D("1.1875"), D("100.0")),
        # At 31 March A was called (20 March) and visited (15 Feb); A-sub neither.
        "contact": (D("0.5000"), D("50.0")),
        # A's one order is younger than 90 days: no first-order-only dealer.
        "first_order_only": (D("0.0000"), D("100.0")),
        # A sold on 140 of the 150 it bought in the months it reported.
        "sell_through": (D("0.9333"), D("93.3")),
        # Ratings (5,4,3) and (2,2,2): averages 3.5, 3.0, 2.5 -> 3.00 -> (3-1)/4.
        "rating": (D("3.00"), D("50.0")),
    }
    # 0.15×33.3 + 0.10×33.3 + 0.15×100 + 0.10×50 + 0.10×100 + 0.10×50 + 0.05×100
    # + 0.10×93.3 + 0.15×50 = 65.155
    assert row["total"] == D("65.2")
    assert not row["partial"]
    assert (row["trained"], row["agreements_signed"], row["sales"]) == (0, 2, D("1750.00"))
    assert not row["flagged"]


def test_ranking_flags_the_poorly_rated_rep(quarter, hq_admin, north_rep, east_rep):
    rows = _rows(hq_admin)
    assert [(r["rank"], r["rep"]) for r in rows] == [(1, north_rep), (2, east_rep)]
    east = rows[1]
    # B (1,2,2) and Beijing (2,2,3): averages 1.5, 2.0, 2.5 -> 2.00, two ratings.
    assert east["rating"]["average"] == D("2.00") and east["rating"]["count"] == 2
    assert east["flagged"]
    items = _items(east)
    # B ordered in December 2024 and again in January.
    assert items["retention"] == (D("1.0000"), D("100.0"))
    # 2000 against 1000 last year: +100%.
    assert items["growth"] == (D("1.0000"), D("100.0"))
    # No flow report: no sell-through score, its weight goes to the others.
    assert items["sell_through"] == (None, None)
    assert east["partial"]


def test_total_follows_the_weights_hq_sets(quarter, hq_admin, north_rep):
    values = {"new_dealers": "0", "first_orders": "0", "retention": "0",
              "repeat_orders": "0", "growth": "0", "contact": "0", "first_order_only": "0",
              "sell_through": "0.50", "rating": "0.50", "new_dealers_per_month": "1",
              "first_orders_per_month": "1"}
    weights_set(actor=hq_admin, values=values)
    row = next(r for r in _rows(hq_admin) if r["rep"] == north_rep)
    # (93.3 + 50) / 2
    assert row["total"] == D("71.7")


def test_one_rep(quarter, hq_admin, north_rep):
    rows = _rows(hq_admin, rep_id=north_rep.pk)
    assert [r["rep"] for r in rows] == [north_rep]
    assert rows[0]["total"] == D("65.2")


def test_staff_output_per_city_and_level(quarter, hq_admin):
    output = kpi.staff_output(user=hq_admin, region=None, period=period_parse(PERIOD))
    cities = {r["label"]: (r["sales"], r["reps"], r["per_rep"]) for r in output["cities"]}
    assert cities["Hangzhou"] == (D("2000.00"), 1, D("2000.00"))
    assert cities["Shijiazhuang"] == (D("1500.00"), 1, D("1500.00"))
    assert cities["Tangshan"] == (D("250.00"), 1, D("250.00"))
    levels = {r["label"]: (r["sales"], r["reps"]) for r in output["levels"]}
    assert levels["Tier-1 distributor"] == (D("3500.00"), 2)


def test_manager_sees_only_the_reps_of_his_regions(quarter, north_manager, north_rep):
    assert [r["rep"] for r in _rows(north_manager)] == [north_rep]
