"""Money under real concurrency (PostgreSQL row locks): parallel deposit deductions and
parallel payments against one dealer."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from qudao.finance import services
from qudao.finance.exceptions import DepositInvalid
from qudao.finance.models import CreditAccount, DepositEntry, Invoice, Payment
from tests.finance.factories import balances, invoice_due
from tests.trade import trading_dealer

D = Decimal
THREADS = 20


def _in_parallel(work, count: int) -> list:
    """Run work(i) in `count` threads released at the same moment; results or exceptions."""
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            return work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_deductions_never_overdraw_the_deposit(world, finance):
    dealer = world.dealer_a
    services.deposit_receive(actor=finance, dealer=dealer, amount="1000.00")

    results = _in_parallel(lambda i: services.deposit_deduct(
        actor=finance, dealer=dealer, amount="150.00", reason=f"窜货 fine {i}"), THREADS)

    succeeded = [r for r in results if isinstance(r, DepositEntry)]
    refused = [r for r in results if isinstance(r, DepositInvalid)]
    assert len(succeeded) == 6 and len(refused) == THREADS - 6
    balance = CreditAccount.objects.get(dealer=dealer).deposit_balance
    assert balance == D("1000.00") - 6 * D("150.00") == D("100.00")
    afters = sorted(DepositEntry.objects.filter(kind="deducted")
                    .values_list("balance_after", flat=True))
    assert afters == [D("100.00") + 150 * n for n in range(6)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_payments_keep_receivable_equal_to_the_rows(world, finance):
    dealer = world.dealer_a
    trading_dealer(dealer, credit_limit="100000.00")
    for day in range(1, 11):
        invoice_due(dealer, "100.00", due_on=datetime.date(2026, 10, day))

    results = _in_parallel(lambda i: services.payment_record(
        actor=finance, dealer=dealer, amount="70.00", received_on=datetime.date(2026, 11, 1),
        method="bank_transfer", external_ref=f"BANK-{i % 15}"), THREADS)

    assert not [r for r in results if isinstance(r, Exception)]
    assert Payment.objects.count() == 15  # five retries returned the payment already recorded
    assert balances(dealer) == services.credit_account_recompute(dealer_id=dealer.pk)
    # 15 × 70 = 1050 against 1000 invoiced: all settled, 50 left as prepayment.
    assert balances(dealer)["receivable"] == D("0.00")
    paid = sum(Invoice.objects.values_list("paid_amount", flat=True), D("0"))
    assert paid == D("1000.00")
    assert sum(p.unallocated for p in Payment.objects.all()) == D("50.00")
