"""Payments (回款): allocation oldest due first, explicit allocation, prepayment, idempotency
and voiding."""

import datetime
from decimal import Decimal

import pytest

from qudao.core.models import AuditEvent
from qudao.finance import services
from qudao.finance.exceptions import PaymentInvalid
from qudao.finance.models import Invoice, Payment, PaymentAllocation
from tests.finance.factories import (
    approved_order,
    balances,
    invoice_due,
    ship,
)
from tests.trade import trading_dealer

D = Decimal
RECEIVED = datetime.date(2026, 11, 10)


@pytest.fixture
def dealer(world):
    trading_dealer(world.dealer_a, credit_limit="50000.00")
    return world.dealer_a


def _pay(actor, dealer, amount, **kwargs):
    kwargs.setdefault("received_on", RECEIVED)
    kwargs.setdefault("method", "bank_transfer")
    return services.payment_record(actor=actor, dealer=dealer, amount=amount, **kwargs)


def _state(*invoices):
    return [(i.paid_amount, i.status) for i in Invoice.objects.filter(
        pk__in=[i.pk for i in invoices]).order_by("due_on")]


@pytest.mark.django_db
def test_payment_settles_the_oldest_due_invoices_first(dealer, finance):
    newest = invoice_due(dealer, "300.00", due_on=datetime.date(2026, 12, 1))
    oldest = invoice_due(dealer, "100.00", due_on=datetime.date(2026, 10, 1))
    middle = invoice_due(dealer, "200.00", due_on=datetime.date(2026, 11, 1))

    payment = _pay(finance, dealer, "350.00")

    assert payment.number.startswith("PM261110")
    assert _state(oldest, middle, newest) == [
        (D("100.00"), "paid"), (D("200.00"), "paid"), (D("50.00"), "open")]
    assert payment.allocated_amount == D("350.00") and payment.unallocated == 0
    assert balances(dealer)["receivable"] == D("250.00")
    event = AuditEvent.objects.get(event="payment.recorded")
    assert event.actor == finance and event.data["amount"] == "350.00"


@pytest.mark.django_db
def test_partial_payment_leaves_the_invoice_open_for_the_rest(dealer, finance):
    invoice = invoice_due(dealer, "1000.00", due_on=datetime.date(2026, 11, 1))

    _pay(finance, dealer, "400.00")

    invoice.refresh_from_db()
    assert (invoice.paid_amount, invoice.open_amount, invoice.status) == (
        D("400.00"), D("600.00"), "open")
    assert balances(dealer)["receivable"] == D("600.00")


@pytest.mark.django_db
def test_overpayment_stays_unallocated_and_settles_the_next_invoice(dealer, finance):
    first = invoice_due(dealer, "100.00", due_on=datetime.date(2026, 11, 1))

    payment = _pay(finance, dealer, "250.00")
    assert payment.unallocated == D("150.00")
    assert balances(dealer)["receivable"] == D("0.00")

    order = approved_order(dealer, "120.00", ordered_on=datetime.date(2026, 11, 12))
    second = services.receivable_raise(shipment=ship(order, shipped_on=datetime.date(2026, 11, 12)),
                                       payment_terms_days=30)

    payment.refresh_from_db()
    first.refresh_from_db()
    assert first.status == "paid"
    assert (second.paid_amount, second.status) == (D("120.00"), "paid")
    assert payment.unallocated == D("30.00")
    assert balances(dealer) == {"receivable": D("0.00"), "reserved": D("0.00")}


@pytest.mark.django_db
def test_explicit_allocation_settles_exactly_the_chosen_invoices(dealer, finance):
    oldest = invoice_due(dealer, "100.00", due_on=datetime.date(2026, 10, 1))
    newer = invoice_due(dealer, "200.00", due_on=datetime.date(2026, 11, 1))

    payment = _pay(finance, dealer, "300.00", allocations=[(newer.pk, D("150.00"))])

    assert _state(oldest, newer) == [(D("0.00"), "open"), (D("150.00"), "open")]
    assert payment.unallocated == D("150.00")
    assert balances(dealer)["receivable"] == D("150.00")


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["other_dealer", "paid", "over_open", "over_payment",
                                  "unknown", "zero"])
def test_invalid_explicit_allocation_writes_nothing(case, dealer, finance, world):
    trading_dealer(world.dealer_b)
    mine = invoice_due(dealer, "200.00", due_on=datetime.date(2026, 11, 1))
    theirs = invoice_due(world.dealer_b, "200.00", due_on=datetime.date(2026, 11, 1))
    paid = invoice_due(dealer, "50.00", due_on=datetime.date(2026, 10, 1))
    _pay(finance, dealer, "50.00")  # settles `paid`, the oldest
    before = (Payment.objects.count(), PaymentAllocation.objects.count(),
              AuditEvent.objects.count(), balances(dealer), _state(mine, paid))
    allocations, amount = {
        "other_dealer": ([(theirs.pk, D("10.00"))], "100.00"),
        "paid": ([(paid.pk, D("10.00"))], "100.00"),
        "over_open": ([(mine.pk, D("200.01"))], "300.00"),
        "over_payment": ([(mine.pk, D("150.00"))], "100.00"),
        "unknown": ([(999999, D("10.00"))], "100.00"),
        "zero": ([(mine.pk, D("0.00"))], "100.00"),
    }[case]

    with pytest.raises(PaymentInvalid) as caught:
        _pay(finance, dealer, amount, allocations=allocations)

    assert caught.value.errors
    after = (Payment.objects.count(), PaymentAllocation.objects.count(),
             AuditEvent.objects.count(), balances(dealer), _state(mine, paid))
    assert after == before


@pytest.mark.django_db
def test_same_external_reference_records_the_payment_once(dealer, finance):
    invoice_due(dealer, "500.00", due_on=datetime.date(2026, 11, 1))

    first = _pay(finance, dealer, "200.00", external_ref="BANK-0001")
    again = _pay(finance, dealer, "200.00", external_ref="BANK-0001")

    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert balances(dealer)["receivable"] == D("300.00")


@pytest.mark.django_db
@pytest.mark.parametrize("amount,received_on,method", [
    ("0", RECEIVED, "cash"), ("-5", RECEIVED, "cash"), ("abc", RECEIVED, "cash"),
    ("1.001", RECEIVED, "cash"), ("10", datetime.date(2099, 1, 1), "cash"),
    ("10", RECEIVED, "barter")])
def test_bad_payment_input_is_refused(amount, received_on, method, dealer, finance):
    with pytest.raises(PaymentInvalid):
        _pay(finance, dealer, amount, received_on=received_on, method=method)
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_voiding_a_payment_reopens_its_invoices(dealer, finance):
    one = invoice_due(dealer, "100.00", due_on=datetime.date(2026, 10, 1))
    two = invoice_due(dealer, "200.00", due_on=datetime.date(2026, 11, 1))
    payment = _pay(finance, dealer, "400.00")
    assert balances(dealer)["receivable"] == D("0.00")

    services.payment_void(actor=finance, payment=payment, reason="Bounced transfer")

    payment.refresh_from_db()
    assert payment.voided_on is not None and payment.allocated_amount == 0
    assert _state(one, two) == [(D("0.00"), "open"), (D("0.00"), "open")]
    assert not PaymentAllocation.objects.exists()
    assert balances(dealer)["receivable"] == D("300.00")
    event = AuditEvent.objects.get(event="payment.voided")
    assert event.data["reason"] == "Bounced transfer"
    assert set(event.data["reopened"]) == {one.number, two.number}


@pytest.mark.django_db
def test_a_voided_prepayment_does_not_settle_later_invoices(dealer, finance):
    payment = _pay(finance, dealer, "500.00")
    services.payment_void(actor=finance, payment=payment, reason="Recorded twice")

    invoice = invoice_due(dealer, "100.00", due_on=datetime.date(2026, 12, 1))

    assert (invoice.paid_amount, invoice.status) == (D("0.00"), "open")
    assert balances(dealer)["receivable"] == D("100.00")


@pytest.mark.django_db
def test_void_needs_a_reason_and_happens_once(dealer, finance):
    payment = _pay(finance, dealer, "100.00")
    with pytest.raises(PaymentInvalid):
        services.payment_void(actor=finance, payment=payment, reason=" ")
    services.payment_void(actor=finance, payment=payment, reason="Wrong dealer")
    with pytest.raises(PaymentInvalid, match="already void"):
        services.payment_void(actor=finance, payment=payment, reason="Again")
    assert AuditEvent.objects.filter(event="payment.voided").count() == 1
