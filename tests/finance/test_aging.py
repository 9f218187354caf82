"""Aging by days past due, the overdue list and the credit status list."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.finance import queries, services
from tests.finance.factories import invoice_due
from tests.trade import trading_dealer

D = Decimal
AS_OF = datetime.date(2026, 11, 20)


def _due(days_before: int) -> datetime.date:
    return AS_OF - datetime.timedelta(days=days_before)


@pytest.fixture
def aged(world, finance):
    """Dealer A: invoices 10, 45, 75 and 120 days past due, one not yet due, one due exactly
    today, one paid; dealer B: one invoice 31 days past due."""
    a, b = world.dealer_a, world.dealer_b
    trading_dealer(a, credit_limit="100000.00")
    trading_dealer(b, credit_limit="1000.00")
    invoice_due(a, "120.00", due_on=_due(120))  # oldest, half paid below
    invoice_due(a, "75.00", due_on=_due(75))
    invoice_due(a, "45.00", due_on=_due(45))
    invoice_due(a, "10.00", due_on=_due(10))
    invoice_due(a, "500.00", due_on=_due(-5))
    invoice_due(a, "7.00", due_on=AS_OF)
    services.payment_record(actor=finance, dealer=a, amount="60.00", received_on=_due(1),
                            method="cash")
    invoice_due(b, "900.00", due_on=_due(31))
    return a, b


@pytest.mark.django_db
def test_aging_buckets_are_exact(aged, finance):
    a, b = aged
    report = queries.aging(user=finance, as_of=AS_OF)
    rows = {row["dealer__code"]: row for row in report["rows"]}

    assert {k: rows["A0001"][k] for k in ("current", "d0_30", "d31_60", "d61_90", "d90_plus",
                                           "total")} == {
        "current": D("507.00"), "d0_30": D("10.00"), "d31_60": D("45.00"),
        "d61_90": D("75.00"), "d90_plus": D("60.00"), "total": D("697.00")}
    assert rows["B0001"]["d31_60"] == D("900.00") and rows["B0001"]["total"] == D("900.00")
    assert report["totals"]["d31_60"] == D("945.00")
    assert report["totals"]["total"] == D("1597.00")


@pytest.mark.django_db
def test_aging_is_one_grouped_query_and_scoped(aged, north_rep):
    with CaptureQueriesContext(connection) as ctx:
        report = queries.aging(user=north_rep, as_of=AS_OF)
        rows = list(report["rows"])
    assert [row["dealer__code"] for row in rows] == ["A0001"]
    assert report["totals"]["total"] == D("697.00")
    assert len([q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]) == 1


@pytest.mark.django_db
def test_overdue_list_is_longest_overdue_first(aged, finance):
    invoices = list(queries.overdue_list(user=finance, today=AS_OF))
    assert [(i.dealer.code, i.open) for i in invoices] == [
        ("A0001", D("60.00")), ("A0001", D("75.00")), ("A0001", D("45.00")),
        ("B0001", D("900.00")), ("A0001", D("10.00"))]
    at_least_60 = queries.overdue_list(user=finance, today=AS_OF, filters={"min_days": "60"})
    assert [i.open for i in at_least_60] == [D("60.00"), D("75.00")]
    in_zhejiang = queries.overdue_list(user=finance, today=AS_OF, filters={"region": "浙江"})
    assert [i.dealer.code for i in in_zhejiang] == ["B0001"]


@pytest.mark.django_db
def test_credit_status_shows_usage_and_overdue(aged, finance):
    rows = {a.dealer.code: a for a in queries.credit_status_list(user=finance, today=AS_OF)}

    b = rows["B0001"]
    assert (b.limit, b.receivable, b.available, b.usage_percent) == (
        D("1000.00"), D("900.00"), D("100.00"), D("90.0"))
    assert b.overdue == D("900.00") and b.oldest_due_on == _due(31)
    assert rows["A0001"].overdue == D("190.00")

    def codes(**filters):
        return [a.dealer.code for a in queries.credit_status_list(user=finance, today=AS_OF,
                                                                   filters=filters)]

    assert codes(high_usage=True) == ["B0001"]
    assert codes(has_overdue=True) == ["A0001", "B0001"]
    assert codes(region="杭州") == ["B0001"]
    assert codes(q="恒顺") == ["A0001"]
    assert codes(sort="-usage") == ["B0001", "A0001"]
