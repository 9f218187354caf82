"""Submitting a month's stock and flow: one report per dealer and month, validated whole."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.stock.exceptions import StockReportInvalid
from qudao.stock.models import FlowLine, StockLine, StockReport
from qudao.stock.periods import add_months
from qudao.stock.services import stock_report_submit
from tests.factories import DealerFactory, ProductFactory

MARCH = datetime.date(2026, 3, 1)


def _flow(product, **fields):
    return {"sold_on": datetime.date(2026, 3, 5), "product_id": product.pk, "quantity": 3,
            "customer_name": "便民店", **fields}


@pytest.mark.django_db
def test_dealer_reports_stock_and_flow_and_a_resubmission_replaces_the_lines(
        world, dealer_a_admin):
    tea, water = ProductFactory(), ProductFactory()
    report = stock_report_submit(
        actor=dealer_a_admin, dealer=world.dealer_a, period=MARCH,
        stock_lines=[(tea.pk, 40), (water.pk, 0)],
        flow_lines=[_flow(tea, customer_id=world.dealer_a_sub.pk, customer_name="",
                          batch_number="L2603"), _flow(water, quantity=5)])
    assert report.source == "portal" and report.submitted_by == dealer_a_admin
    assert sorted(StockLine.objects.values_list("product_id", "quantity")) == sorted(
        [(tea.pk, 40), (water.pk, 0)])
    assert FlowLine.objects.get(product=tea).customer == world.dealer_a_sub

    again = stock_report_submit(actor=dealer_a_admin, dealer=world.dealer_a, period=MARCH,
                                stock_lines=[(tea.pk, 25)], flow_lines=[], source="excel")
    assert again.pk == report.pk and StockReport.objects.count() == 1
    assert list(StockLine.objects.values_list("product_id", "quantity")) == [(tea.pk, 25)]
    assert not FlowLine.objects.exists()
    event = AuditEvent.objects.get(event="stock_report.updated")
    assert event.data == {"stock_lines": [2, 1], "stock_quantity": [40, 25],
                          "flow_lines": [2, 0], "flow_quantity": [8, 0],
                          "source": ["portal", "excel"]}


@pytest.mark.django_db
def test_every_fault_is_listed_by_line_and_field_and_nothing_is_written(world, north_rep):
    tea, water = ProductFactory(), ProductFactory()
    stopped = ProductFactory(status="discontinued", name="停产茶")
    stranger = DealerFactory(parent=world.dealer_b, channel_level="tier2",
                             territory=world.hangzhou)
    with pytest.raises(StockReportInvalid) as caught:
        stock_report_submit(
            actor=north_rep, dealer=world.dealer_a, period=MARCH,
            stock_lines=[(tea.pk, 5), (stopped.pk, 3), (tea.pk, 1), (water.pk, -1)],
            flow_lines=[_flow(tea, sold_on=datetime.date(2026, 4, 1)),
                        _flow(tea, customer_id=stranger.pk),
                        _flow(tea, customer_id=world.dealer_beijing.pk),
                        _flow(tea, customer_name="", quantity=0)])
    found = {(e["section"], e["line"], e["field"]) for e in caught.value.errors}
    assert found == {
        ("stock", 2, "product_id"), ("stock", 3, "product_id"), ("stock", 4, "quantity"),
        ("flow", 1, "sold_on"), ("flow", 2, "customer_id"), ("flow", 3, "customer_id"),
        ("flow", 4, "quantity"), ("flow", 4, "customer_name"),
    }
    messages = {(e["section"], e["line"]): e["message"] for e in caught.value.errors}
    assert "停产茶" in messages[("stock", 2)] and "not on sale" in messages[("stock", 2)]
    assert "2026-04-01" in messages[("flow", 1)] and "2026-03" in messages[("flow", 1)]
    assert not StockReport.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_future_month_or_a_mid_month_date_is_refused(world, dealer_a_admin):
    tea = ProductFactory()
    next_month = add_months(timezone.localdate(), 1)
    for period, why in ((next_month, "future"), (datetime.date(2026, 3, 15), "first day")):
        with pytest.raises(StockReportInvalid) as caught:
            stock_report_submit(actor=dealer_a_admin, dealer=world.dealer_a, period=period,
                                stock_lines=[(tea.pk, 1)], flow_lines=[])
        assert caught.value.errors[0]["field"] == "period"
        assert why in caught.value.errors[0]["message"]
    assert not StockReport.objects.exists()


@pytest.mark.django_db
def test_resubmission_with_an_error_keeps_the_old_lines(world, dealer_a_admin):
    tea = ProductFactory()
    stock_report_submit(actor=dealer_a_admin, dealer=world.dealer_a, period=MARCH,
                        stock_lines=[(tea.pk, 9)], flow_lines=[])
    with pytest.raises(StockReportInvalid):
        stock_report_submit(actor=dealer_a_admin, dealer=world.dealer_a, period=MARCH,
                            stock_lines=[(tea.pk, 2)], flow_lines=[_flow(tea, quantity="x")])
    assert list(StockLine.objects.values_list("quantity", flat=True)) == [9]


@pytest.mark.django_db
def test_dealer_users_report_only_for_their_own_dealer_and_reps_within_scope(
        world, dealer_a_admin, north_rep, finance):
    tea = ProductFactory()
    for actor, dealer in ((dealer_a_admin, world.dealer_b), (north_rep, world.dealer_b),
                          (finance, world.dealer_a)):
        with pytest.raises(NotAllowed):
            stock_report_submit(actor=actor, dealer=dealer, period=MARCH,
                                stock_lines=[(tea.pk, 1)], flow_lines=[])
    assert not StockReport.objects.exists()
    report = stock_report_submit(actor=north_rep, dealer=world.dealer_a_sub, period=MARCH,
                                 stock_lines=[(tea.pk, 1)], flow_lines=[], source="staff")
    assert report.dealer == world.dealer_a_sub
