"""Days of stock against the agreement, FIFO sell-through and missing reports, exactly."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.dealers.models import Dealer
from qudao.stock import queries
from tests.factories import ProductFactory
from tests.stock.factories import (
    FlowLineFactory,
    StockLineFactory,
    StockReportFactory,
    shipped,
)
from tests.trade import trading_dealer

D = datetime.date


def _report(dealer, period, stock=(), flow=()):
    report = StockReportFactory(dealer=dealer, period=period)
    for product, quantity in stock:
        StockLineFactory(report=report, product=product, quantity=quantity)
    for product, day, quantity in flow:
        FlowLineFactory(report=report, product=product, sold_on=day, quantity=quantity)
    return report


@pytest.fixture
def products(db):
    return {name: ProductFactory(sku=f"SKU-{i}", name=name)
            for i, name in enumerate(["tea", "water", "juice", "cola", "gum"])}


@pytest.mark.django_db
def test_days_of_stock_and_flags_from_the_latest_report_and_90_days_of_flow(
        world, hq_admin, products):
    p = products
    trading_dealer(world.dealer_a, safety_stock_days=15, max_stock_days=45)
    _report(world.dealer_a, D(2026, 8, 1),
            flow=[(p["tea"], D(2026, 8, 2), 1000), (p["water"], D(2026, 8, 3), 18)])
    _report(world.dealer_a, D(2026, 9, 1), stock=[(p["tea"], 999)],
            flow=[(p["tea"], D(2026, 9, 10), 135), (p["water"], D(2026, 9, 30), 100)])
    _report(world.dealer_a, D(2026, 10, 1),
            stock=[(p["tea"], 30), (p["water"], 200), (p["juice"], 40), (p["gum"], 5)],
            flow=[(p["tea"], D(2026, 10, 1), 135), (p["water"], D(2026, 10, 31), 62),
                  (p["juice"], D(2026, 10, 15), 90), (p["cola"], D(2026, 10, 15), 45)])
    with CaptureQueriesContext(connection) as ctx:
        position = queries.stock_position(user=hq_admin, dealer=world.dealer_a,
                                          as_of=D(2026, 11, 20))
    assert len(ctx.captured_queries) <= 6
    assert position["report_period"] == D(2026, 10, 1)
    assert (position["window_start"], position["basis_date"]) == (D(2026, 8, 3), D(2026, 10, 31))
    assert position["sales_basis"] == "flow"
    got = [(line["name"], line["quantity"], line["sold_90d"], line["daily_sales"],
            line["days_of_stock"], line["flag"]) for line in position["lines"]]
    assert got == [
        ("tea", 30, 270, Decimal("3.00"), Decimal("10.0"), "stockout"),
        ("water", 200, 180, Decimal("2.00"), Decimal("100.0"), "overstock"),
        ("juice", 40, 90, Decimal("1.00"), Decimal("40.0"), ""),
        ("cola", 0, 45, Decimal("0.50"), Decimal("0.0"), "stockout"),
        ("gum", 5, 0, Decimal("0.00"), None, "overstock"),
    ]
    assert (position["stockout_count"], position["overstock_count"]) == (2, 2)


@pytest.mark.django_db
def test_a_dealer_reporting_no_flow_is_measured_by_its_shipments(world, hq_admin, products):
    tea = products["tea"]
    trading_dealer(world.dealer_b, safety_stock_days=20, max_stock_days=45)
    _report(world.dealer_b, D(2026, 10, 1), stock=[(tea, 60)])
    shipped(world.dealer_b, tea, D(2026, 9, 1), 50)
    shipped(world.dealer_b, tea, D(2026, 10, 31), 40)
    shipped(world.dealer_b, tea, D(2026, 11, 2), 500)  # after the report's month end
    position = queries.stock_position(user=hq_admin, dealer=world.dealer_b,
                                      as_of=D(2026, 11, 20))
    assert position["sales_basis"] == "shipments"
    line = position["lines"][0]
    assert (line["sold_90d"], line["days_of_stock"], line["flag"]) == (
        90, Decimal("60.0"), "overstock")


@pytest.mark.django_db
def test_no_agreement_means_no_flags_and_other_scopes_are_refused(world, north_rep, products):
    _report(world.dealer_a, D(2026, 10, 1), stock=[(products["tea"], 5)])
    position = queries.stock_position(user=north_rep, dealer=world.dealer_a,
                                      as_of=D(2026, 11, 1))
    assert [line["flag"] for line in position["lines"]] == [""]
    with pytest.raises(Dealer.DoesNotExist):
        queries.stock_position(user=north_rep, dealer=world.dealer_b)


@pytest.mark.django_db
def test_flow_is_allocated_to_shipments_oldest_first(world, hq_admin, products):
    tea, water = products["tea"], products["water"]
    first = shipped(world.dealer_a, tea, D(2026, 1, 10), 100, "L1")
    second = shipped(world.dealer_a, tea, D(2026, 2, 10), 50, "L2")
    third = shipped(world.dealer_a, tea, D(2026, 3, 10), 80, "L3")
    late = shipped(world.dealer_a, tea, D(2026, 3, 28), 20, "L4")
    bottled = shipped(world.dealer_a, water, D(2026, 2, 1), 40, "W1")
    shipped(world.dealer_b, tea, D(2026, 1, 1), 999, "X")  # another dealer's
    _report(world.dealer_a, D(2026, 1, 1), flow=[(tea, D(2026, 1, 20), 60)])
    _report(world.dealer_a, D(2026, 2, 1),
            flow=[(tea, D(2026, 2, 20), 70), (water, D(2026, 2, 21), 50)])
    with CaptureQueriesContext(connection) as ctx:
        result = queries.sell_through(user=hq_admin, dealer=world.dealer_a,
                                      as_of=D(2026, 3, 31), months=3)
    assert len(ctx.captured_queries) <= 6
    by_line = {row["shipment_line_id"]: (row["batch_number"], row["shipped"], row["sold"],
                                         row["share"]) for row in result["lines"]}
    assert by_line == {
        first.pk: ("L1", 100, 100, Decimal("100.0")),
        second.pk: ("L2", 50, 30, Decimal("60.0")),
        third.pk: ("L3", 80, 0, Decimal("0.0")),
        late.pk: ("L4", 20, 0, Decimal("0.0")),
        bottled.pk: ("W1", 40, 40, Decimal("100.0")),
    }
    assert [row["shipment_line_id"] for row in result["lines"]][:2] == [late.pk, third.pk]
    assert [(p["name"], p["shipped"], p["sold"], p["share"]) for p in result["products"]] == [
        ("tea", 250, 130, Decimal("52.0")), ("water", 40, 40, Decimal("100.0"))]
    assert result["series"] == {"months": ["2026-01", "2026-02", "2026-03"],
                                "sell_in": [100, 90, 100], "sell_out": [60, 120, 0],
                                "month_end_share": [0, 0, 20.0]}


@pytest.fixture
def obliged(world):
    """A reports by the 5th, B by the default 10th, Beijing by the 15th and has reported;
    A-sub has no agreement; A-shop's agreement starts after October."""
    trading_dealer(world.dealer_a, flow_report_day=5)
    trading_dealer(world.dealer_b)
    trading_dealer(world.dealer_beijing, flow_report_day=15)
    trading_dealer(world.dealer_a_shop, start_date=D(2026, 11, 1))
    _report(world.dealer_beijing, D(2026, 10, 1))
    _report(world.dealer_b, D(2026, 9, 1))


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "expected"), [
    (D(2026, 10, 31), []),
    (D(2026, 11, 5), []),
    (D(2026, 11, 6), ["A0001"]),
    (D(2026, 11, 10), ["A0001"]),
    (D(2026, 11, 11), ["A0001", "B0001"]),
    (D(2026, 12, 20), ["A0001", "B0001"]),
])
def test_missing_reports_respect_each_agreements_due_day(world, hq_admin, obliged, today,
                                                         expected):
    rows = queries.missing_reports(user=hq_admin, period=D(2026, 10, 1), today=today)
    assert [row.code for row in rows] == expected


@pytest.mark.django_db
def test_missing_reports_carry_due_day_and_last_report_within_scope(world, north_rep,
                                                                    hq_admin, obliged):
    rows = list(queries.missing_reports(user=hq_admin, period=D(2026, 10, 1),
                                        today=D(2026, 11, 30)))
    assert [(r.code, r.due_day, r.last_period) for r in rows] == [
        ("A0001", 5, None), ("B0001", 10, D(2026, 9, 1))]
    assert queries.report_due_on(D(2026, 10, 1), 5) == D(2026, 11, 5)
    assert [r.code for r in queries.missing_reports(user=north_rep, period=D(2026, 10, 1),
                                                    today=D(2026, 11, 30))] == ["A0001"]
