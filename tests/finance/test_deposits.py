"""Market deposit ledger (保证金): received, deducted for penalties, refunded; never negative."""

from decimal import Decimal

import pytest

from qudao.core.models import AuditEvent
from qudao.finance import services
from qudao.finance.exceptions import DepositInvalid
from qudao.finance.models import CreditAccount, DepositEntry

D = Decimal


def _balance(dealer):
    return CreditAccount.objects.get(dealer=dealer).deposit_balance


@pytest.mark.django_db
def test_deposit_moves_keep_a_running_balance(world, finance):
    dealer = world.dealer_a
    services.deposit_receive(actor=finance, dealer=dealer, amount="5000.00")
    fine = services.deposit_deduct(actor=finance, dealer=dealer, amount="1200.00",
                                   reason="窜货 fine: goods found in 杭州")
    services.deposit_refund(actor=finance, dealer=dealer, amount="800.00")

    assert _balance(dealer) == D("3000.00")
    assert list(DepositEntry.objects.order_by("id").values_list("kind", "balance_after")) == [
        ("received", D("5000.00")), ("deducted", D("3800.00")), ("refunded", D("3000.00"))]
    assert fine.recorded_by == finance
    event = AuditEvent.objects.get(event="deposit.deducted")
    assert event.data["reason"].startswith("窜货") and event.data["balance_after"] == "3800.00"


@pytest.mark.django_db
@pytest.mark.parametrize("move", ["deduct", "refund"])
def test_deposit_cannot_go_below_zero(move, world, finance):
    dealer = world.dealer_a
    services.deposit_receive(actor=finance, dealer=dealer, amount="500.00")
    before = (DepositEntry.objects.count(), AuditEvent.objects.count())

    with pytest.raises(DepositInvalid, match="500.00"):
        getattr(services, f"deposit_{move}")(actor=finance, dealer=dealer, amount="500.01",
                                              reason="fine")

    assert _balance(dealer) == D("500.00")
    assert (DepositEntry.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_a_deduction_needs_a_reason(world, finance):
    services.deposit_receive(actor=finance, dealer=world.dealer_a, amount="500.00")
    with pytest.raises(DepositInvalid) as caught:
        services.deposit_deduct(actor=finance, dealer=world.dealer_a, amount="10", reason="")
    assert "reason" in caught.value.errors
    assert DepositEntry.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0", "-1", "x"])
def test_deposit_amount_must_be_positive(amount, world, finance):
    with pytest.raises(DepositInvalid):
        services.deposit_receive(actor=finance, dealer=world.dealer_a, amount=amount)
    assert not DepositEntry.objects.exists()
