"""Credit limit changes, and the running balances against a recompute from the rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qudao.core.models import AuditEvent
from qudao.finance import services
from qudao.finance.exceptions import CreditLimitInvalid
from qudao.finance.models import CreditAccount
from qudao.orders.models import ReturnRequest
from tests.finance.factories import approved_order, balances, invoice_due, ship
from tests.trade import trading_dealer

D = Decimal


@pytest.mark.django_db
def test_credit_limit_change_is_audited_with_its_reason(world, finance):
    trading_dealer(world.dealer_a, credit_limit="10000.00")

    account = services.credit_limit_adjust(actor=finance, dealer=world.dealer_a,
                                           limit="25000.00", reason="Peak season")

    assert account.limit == D("25000.00")
    event = AuditEvent.objects.get(event="credit.limit_changed")
    assert event.data == {"limit": ["10000.00", "25000.00"], "reason": "Peak season"}


@pytest.mark.django_db
@pytest.mark.parametrize("limit,reason", [("-1", "x"), ("100", ""), ("abc", "x")])
def test_bad_credit_limit_changes_nothing(limit, reason, world, finance):
    trading_dealer(world.dealer_a, credit_limit="10000.00")
    with pytest.raises(CreditLimitInvalid):
        services.credit_limit_adjust(actor=finance, dealer=world.dealer_a, limit=limit,
                                     reason=reason)
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == D("10000.00")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_recompute_matches_the_running_balances_after_a_sequence(world, finance):
    dealer = world.dealer_a
    trading_dealer(dealer, credit_limit="100000.00")
    invoice_due(dealer, "1000.00", due_on=datetime.date(2026, 9, 1))
    partly = approved_order(dealer, "600.00", quantity=6)
    shipment = ship(partly, quantity=2, shipped_on=datetime.date(2026, 11, 1))
    services.receivable_raise(shipment=shipment, payment_terms_days=30)
    approved_order(dealer, "250.00")
    pay = services.payment_record(actor=finance, dealer=dealer, amount="700.00",
                                  received_on=datetime.date(2026, 11, 2), method="cash")
    services.payment_record(actor=finance, dealer=dealer, amount="100.00",
                            received_on=datetime.date(2026, 11, 3), method="cash")
    services.payment_void(actor=finance, payment=pay, reason="Bounced")
    returned = ReturnRequest.objects.create(number="RT-T1", order=partly, dealer=dealer,
                                            reason="damaged", status="received",
                                            amount=D("100.00"))
    services.credit_note_raise(return_request=returned, issued_on=datetime.date(2026, 11, 4))
    services.payment_record(actor=finance, dealer=dealer, amount="2000.00",
                            received_on=datetime.date(2026, 11, 5), method="cash")

    expected = services.credit_account_recompute(dealer_id=dealer.pk)
    assert balances(dealer) == expected
    # 1000 + 200 shipped - 100 paid - 100 credited - 1000 of the 2000 prepaid settles the rest.
    assert expected == {"receivable": D("0.00"), "reserved": D("650.00")}


@pytest.mark.django_db
def test_check_credit_reports_drift(world, capsys):
    dealer = world.dealer_a
    trading_dealer(dealer)
    invoice_due(dealer, "300.00", due_on=datetime.date(2026, 11, 1))
    call_command("check_credit")
    assert "all match" in capsys.readouterr().out

    CreditAccount.objects.filter(dealer=dealer).update(receivable=D("299.00"))

    with pytest.raises(CommandError, match="1 mismatch"):
        call_command("check_credit")
    assert "A0001" in capsys.readouterr().out
