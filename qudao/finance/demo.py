"""Demo money: payments allocated to invoices, deposit ledgers and credit accounts.

Called per dealer by orders.demo (the history is generated dealer by dealer, so money
follows the goods without reading them back). Pure functions of a `random.Random` and the
dealer's invoices; the caller writes the rows (qudao.orders.history.RowSink).
"""

import heapq
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from qudao.agreements.choices import PaymentMethod
from qudao.finance.choices import DepositKind
from qudao.orders import history as h

PAYMENT_COLUMNS = ["id", "number", "dealer_id", "received_on", "amount", "allocated_amount",
                   "method", "reference", "recorded_by_id", "created_at", "updated_at"]
PENALTIES = ["跨区域窜货，按协议扣罚保证金", "低于限定价格销售，按协议扣罚保证金",
             "未按期上报流向，扣罚保证金"]


@dataclass
class InvoiceDraft:
    """An invoice of the dealer being generated; payments fill `paid` and `settled`."""

    pk: int
    issued: date
    due: date
    amount: Decimal
    paid: Decimal = h.ZERO
    settled: date | None = None  # the day the last allocation closed it


def payments_make(rng: random.Random, invoices: list[InvoiceDraft], *, late_days: tuple[int, int],
                  today: date, ids: h.Ids, dealer_id: int, recorded_by: int | None,
                  method: str) -> tuple[list[tuple], list[tuple]]:
    """Payment rows and allocation rows for the dealer's invoices.

    The dealer means to pay each invoice `late_days` after its due date (a normal dealer
    pays around the due date and now and then late); invoices it means to pay within a week
    go in one transfer; sometimes it pays only part and the rest with the next transfer.
    Each transfer is allocated to the open invoices oldest due first, as finance does, so
    every payment is fully allocated. Nothing is received on or after `today`.
    """
    from qudao.finance.models import Payment, PaymentAllocation

    window = 7 if late_days[1] < 60 else 25
    intents = []
    for invoice in invoices:
        delay = rng.randint(*late_days)
        if late_days[1] < 60 and rng.random() < 0.07:
            delay = rng.randint(10, 45)  # even good payers are late now and then
        target = max(invoice.due + timedelta(days=delay), invoice.issued + timedelta(days=3))
        intents.append((target, invoice.pk, invoice))
    intents.sort(key=lambda item: (item[0], item[1]))
    by_issue = sorted(invoices, key=lambda inv: (inv.issued, inv.pk))
    payments: list[tuple] = []
    allocations: list[tuple] = []
    open_heap: list[tuple] = []
    issued_upto = 0
    carry = h.ZERO
    n = 0
    while n < len(intents):
        first = intents[n][0]
        amount = carry
        last = first
        while n < len(intents) and intents[n][0] <= first + timedelta(days=window):
            amount += intents[n][2].amount
            last = intents[n][0]
            n += 1
        received = first if window == 7 else last
        if received >= today:
            break
        carry = h.ZERO
        if rng.random() < 0.07 and amount > 1000:
            part = (amount * Decimal(rng.uniform(0.5, 0.9)) / 100).quantize(Decimal("1")) * 100
            carry, amount = amount - part, part
        while issued_upto < len(by_issue) and by_issue[issued_upto].issued <= received:
            invoice = by_issue[issued_upto]
            heapq.heappush(open_heap, (invoice.due, invoice.pk, invoice))
            issued_upto += 1
        pk = ids.take(Payment)
        left = amount
        while left > 0 and open_heap:
            invoice = open_heap[0][2]
            part = min(left, invoice.amount - invoice.paid)
            allocations.append((ids.take(PaymentAllocation), pk, invoice.pk, part))
            invoice.paid += part
            left -= part
            if invoice.paid >= invoice.amount:
                invoice.settled = received
                heapq.heappop(open_heap)
        amount -= left  # never more than what is open: the payment is fully allocated
        if amount <= 0:
            continue
        moment = h.at(received, rng.randint(9, 16), rng.randint(0, 59))
        payments.append((pk, h.doc_number("PM", received, pk), dealer_id, received, amount,
                         amount, method, f"HX{received:%Y%m%d}{rng.randrange(10**8):08d}",
                         recorded_by, moment, moment))
    return payments, allocations


def deposit_entries(rng: random.Random, plan: h.DealerPlan, *, today: date, ids: h.Ids,
                    recorded_by: int | None) -> tuple[list[tuple], Decimal]:
    """The deposit ledger: paid when the first agreement starts, a few penalties deducted
    and topped up again; returns the rows and the balance."""
    from qudao.finance.models import DepositEntry

    rows: list[tuple] = []
    balance = h.ZERO

    def entry(kind: str, amount: Decimal, day: date, reason: str, agreement: int) -> None:
        nonlocal balance
        balance = balance + amount if kind == DepositKind.RECEIVED else balance - amount
        moment = h.at(day, 11)
        rows.append((ids.take(DepositEntry), plan.pk, agreement, kind, amount, day, reason,
                     balance, recorded_by, moment, moment))

    first = plan.versions[0]
    paid_on = first.start - timedelta(days=rng.randint(3, 15))
    entry(DepositKind.RECEIVED, first.deposit, paid_on, "签约缴纳市场保证金", first.pk)
    for version in plan.versions:
        if rng.random() < 0.12:
            day = version.start + timedelta(days=rng.randint(30, 300))
            penalty = min(balance, Decimal(rng.choice([1000, 2000, 3000, 5000])))
            if day >= today or penalty <= 0:
                continue
            entry(DepositKind.DEDUCTED, penalty, day, rng.choice(PENALTIES), version.pk)
            refill = day + timedelta(days=rng.randint(10, 30))
            if refill < today:
                entry(DepositKind.RECEIVED, penalty, refill, "补足被扣保证金", version.pk)
    return rows, balance


DEPOSIT_COLUMNS = ["id", "dealer_id", "agreement_id", "kind", "amount", "occurred_on", "reason",
                   "balance_after", "recorded_by_id", "created_at", "updated_at"]
CREDIT_COLUMNS = ["id", "dealer_id", "limit", "receivable", "reserved", "deposit_balance",
                  "created_at", "updated_at"]
METHODS = [PaymentMethod.BANK_TRANSFER] * 7 + [PaymentMethod.ACCEPTANCE_BILL] * 2 + [
    PaymentMethod.ONLINE]
