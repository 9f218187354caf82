"""The dealer statement: opening balance, running balance, closing balance."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from qudao.finance import queries, services
from tests.finance.factories import invoiced
from tests.trade import trading_dealer

D = Decimal


@pytest.fixture
def history(world, finance):
    """Before the period: invoice 1000 (Sep 1), payment 400 (Sep 20). In the period (October):
    invoice 500 (Oct 3), payment 300 (Oct 10), payment 200 (Oct 12) voided on Nov 23 (today),
    invoice 250 (Oct 31). After it: invoice 90 (Nov 5)."""
    dealer = world.dealer_a
    trading_dealer(dealer, credit_limit="100000.00")
    invoiced(dealer, "1000.00", shipped_on=datetime.date(2026, 9, 1))
    pay = services.payment_record

    pay(actor=finance, dealer=dealer, amount="400.00", received_on=datetime.date(2026, 9, 20),
        method="cash")
    invoiced(dealer, "500.00", shipped_on=datetime.date(2026, 10, 3))
    pay(actor=finance, dealer=dealer, amount="300.00", received_on=datetime.date(2026, 10, 10),
        method="cash")
    bounced = pay(actor=finance, dealer=dealer, amount="200.00",
                  received_on=datetime.date(2026, 10, 12), method="cash")
    invoiced(dealer, "250.00", shipped_on=datetime.date(2026, 10, 31))
    invoiced(dealer, "90.00", shipped_on=datetime.date(2026, 11, 5))
    services.payment_void(actor=finance, payment=bounced, reason="Bounced")
    return dealer


@pytest.mark.django_db
def test_statement_balances_are_exact(history, finance):
    report = queries.statement(user=finance, dealer=history, date_from=datetime.date(2026, 10, 1),
                               date_to=datetime.date(2026, 10, 31))

    assert report["opening_balance"] == D("600.00")
    assert [(e.day.day, e.kind, e.debit, e.credit, e.balance) for e in report["entries"]] == [
        (3, "invoice", D("500.00"), 0, D("1100.00")),
        (10, "payment", 0, D("300.00"), D("800.00")),
        (12, "payment", 0, D("200.00"), D("600.00")),
        (31, "invoice", D("250.00"), 0, D("850.00")),
    ]
    assert report["closing_balance"] == D("850.00")
    assert (report["total_debit"], report["total_credit"]) == (D("750.00"), D("500.00"))


@pytest.mark.django_db
def test_a_voided_payment_is_reversed_on_the_day_it_was_voided(history, finance):
    today = timezone.localdate()  # the payment was voided today
    report = queries.statement(user=finance, dealer=history, date_from=datetime.date(2026, 11, 1),
                               date_to=today)
    assert report["opening_balance"] == D("850.00")
    assert [(e.kind, e.amount) for e in report["entries"]] == [
        ("invoice", D("90.00")), ("payment_void", D("200.00"))]
    assert report["closing_balance"] == D("1140.00")


@pytest.mark.django_db
def test_closing_balance_is_receivable_less_prepayments(history, finance):
    from tests.finance.factories import balances

    services.payment_record(actor=finance, dealer=history, amount="5000.00",
                            received_on=datetime.date(2026, 11, 20), method="cash")
    report = queries.statement(user=finance, dealer=history, date_from=datetime.date(2026, 1, 1),
                               date_to=timezone.localdate())
    assert report["opening_balance"] == 0
    assert balances(history)["receivable"] == 0
    assert report["closing_balance"] == D("1140.00") - D("5000.00")


@pytest.mark.django_db
def test_statement_of_a_dealer_out_of_scope_is_not_found(history, east_rep):
    with pytest.raises(Http404):
        queries.statement(user=east_rep, dealer=history, date_from=datetime.date(2026, 1, 1),
                          date_to=datetime.date(2026, 12, 31))
