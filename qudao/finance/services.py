"""Writes of money: the credit account's balances, receivables, payments, deposits.

Every function that moves a balance locks the dealer's CreditAccount row first
(`credit_account_lock`): it is the one row parallel orders, shipments and payments of a
dealer queue on, so a check and the write it guards see the same balances.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.numbering import number_assign
from qudao.finance.choices import InvoiceKind, InvoiceStatus
from qudao.finance.models import CreditAccount, Invoice, Payment, PaymentAllocation

ZERO = Decimal("0.00")


def credit_account_lock(*, dealer_id: int) -> CreditAccount:
    """The dealer's credit account, locked for the rest of the transaction (created empty
    the first time). Call inside transaction.atomic."""
    CreditAccount.objects.get_or_create(dealer_id=dealer_id)
    return CreditAccount.objects.select_for_update().get(dealer_id=dealer_id)


def credit_limit_set(*, dealer_id: int, limit: Decimal) -> CreditAccount:
    """Set the credit limit (from the dealer's active agreement)."""
    with transaction.atomic():
        account = credit_account_lock(dealer_id=dealer_id)
        account.limit = limit
        account.save(update_fields=["limit", "updated_at"])
        return account


def overdue_amount(*, dealer_id: int, today: date | None = None) -> Decimal:
    """Open balance of the dealer's invoices past their due date."""
    today = today or timezone.localdate()
    rows = Invoice.objects.filter(dealer_id=dealer_id, status=InvoiceStatus.OPEN,
                                  kind=InvoiceKind.INVOICE, due_on__lt=today)
    return sum((row.amount - row.paid_amount for row in rows.only("amount", "paid_amount")),
               ZERO)


def credit_hold_reasons(*, account: CreditAccount, amount: Decimal,
                        today: date | None = None) -> list[str]:
    """Why an order of `amount` cannot be approved automatically: beyond the available
    credit, or an overdue balance. Empty when it can. `account` must be locked."""
    reasons = []
    if amount > account.available:
        reasons.append(_("Order amount %(amount)s exceeds the available credit %(available)s "
                         "(limit %(limit)s, open receivables %(receivable)s, approved not "
                         "shipped %(reserved)s).") % {
            "amount": amount, "available": account.available, "limit": account.limit,
            "receivable": account.receivable, "reserved": account.reserved})
    overdue = overdue_amount(dealer_id=account.dealer_id, today=today)
    if overdue > 0:
        reasons.append(_("The dealer has an overdue balance of %(overdue)s past its payment "
                         "terms.") % {"overdue": overdue})
    return reasons


def credit_reserve(*, account: CreditAccount, amount: Decimal) -> None:
    """Hold `amount` of the locked account's credit for an approved order."""
    CreditAccount.objects.filter(pk=account.pk).update(reserved=F("reserved") + amount)
    account.reserved += amount


def credit_release(*, dealer_id: int, amount: Decimal) -> None:
    """Give back credit held for order lines that will not ship (cancelled, closed)."""
    with transaction.atomic():
        account = credit_account_lock(dealer_id=dealer_id)
        CreditAccount.objects.filter(pk=account.pk).update(reserved=F("reserved") - amount)


@transaction.atomic
def receivable_raise(*, shipment, payment_terms_days: int) -> Invoice:
    """Invoice a shipment: its amount moves from reserved credit to open receivables, due
    after the agreement's payment terms; unallocated payments settle it at once."""
    account = credit_account_lock(dealer_id=shipment.dealer_id)
    invoice = Invoice.objects.create(
        number=f"tmp-{shipment.number}", dealer_id=shipment.dealer_id, shipment=shipment,
        issued_on=shipment.shipped_on,
        due_on=shipment.shipped_on + timedelta(days=payment_terms_days),
        amount=shipment.amount)
    number_assign(invoice, prefix="IV", day=invoice.issued_on)
    CreditAccount.objects.filter(pk=account.pk).update(
        reserved=F("reserved") - shipment.amount, receivable=F("receivable") + shipment.amount)
    credits = Payment.objects.filter(dealer_id=shipment.dealer_id,
                                     allocated_amount__lt=F("amount")).order_by("received_on",
                                                                                 "id")
    for payment in credits:
        if invoice.open_amount <= 0:
            break
        allocation_make(account=account, payment=payment, invoice=invoice,
                        amount=min(payment.unallocated, invoice.open_amount))
    return invoice


def allocation_make(*, account: CreditAccount, payment: Payment, invoice: Invoice,
                    amount: Decimal) -> PaymentAllocation:
    """Settle `amount` of an invoice from a payment; the account must be locked."""
    allocation = PaymentAllocation.objects.create(payment=payment, invoice=invoice,
                                                  amount=amount)
    payment.allocated_amount += amount
    payment.save(update_fields=["allocated_amount", "updated_at"])
    invoice.paid_amount += amount
    invoice.status = InvoiceStatus.PAID if invoice.paid_amount >= invoice.amount \
        else InvoiceStatus.OPEN
    invoice.save(update_fields=["paid_amount", "status", "updated_at"])
    CreditAccount.objects.filter(pk=account.pk).update(receivable=F("receivable") - amount)
    return allocation


@transaction.atomic
def credit_note_raise(*, return_request, issued_on: date | None = None) -> Invoice:
    """Credit a received return: a credit note of minus its amount lowers open receivables
    and settles the dealer's oldest open invoices; what it cannot settle stays open as a
    credit balance."""
    issued_on = issued_on or timezone.localdate()
    account = credit_account_lock(dealer_id=return_request.dealer_id)
    note = Invoice.objects.create(
        number=f"tmp-{return_request.number}", kind=InvoiceKind.CREDIT_NOTE,
        dealer_id=return_request.dealer_id, return_request=return_request,
        issued_on=issued_on, due_on=issued_on, amount=-return_request.amount)
    number_assign(note, prefix="CN", day=issued_on)
    CreditAccount.objects.filter(pk=account.pk).update(
        receivable=F("receivable") - return_request.amount)
    open_invoices = Invoice.objects.filter(
        dealer_id=return_request.dealer_id, kind=InvoiceKind.INVOICE,
        status=InvoiceStatus.OPEN).order_by("due_on", "id")
    for invoice in open_invoices:
        left = -note.open_amount
        if left <= 0:
            break
        settled = min(left, invoice.open_amount)
        invoice.paid_amount += settled
        invoice.status = InvoiceStatus.PAID if invoice.paid_amount >= invoice.amount \
            else InvoiceStatus.OPEN
        invoice.save(update_fields=["paid_amount", "status", "updated_at"])
        note.paid_amount -= settled
    note.status = InvoiceStatus.PAID if note.paid_amount <= note.amount else InvoiceStatus.OPEN
    note.save(update_fields=["paid_amount", "status", "updated_at"])
    return note
