"""Writes of money: the credit account's balances, receivables, payments, deposits.

Every function that moves a balance locks the dealer's CreditAccount row first
(`credit_account_lock`): it is the one row parallel orders, shipments and payments of a
dealer queue on, so a check and the write it guards see the same balances.
"""

import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.agreements.choices import PaymentMethod
from qudao.core import audit
from qudao.core.numbering import number_assign
from qudao.finance.choices import DepositKind, InvoiceKind, InvoiceStatus
from qudao.finance.exceptions import CreditLimitInvalid, DepositInvalid, PaymentInvalid
from qudao.finance.models import (
    CreditAccount,
    DepositEntry,
    Invoice,
    Payment,
    PaymentAllocation,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def credit_account_lock(*, dealer_id: int) -> CreditAccount:
    """The dealer's credit account, locked for the rest of the transaction (created empty
    the first time). Call inside transaction.atomic."""
    locked = CreditAccount.objects.select_for_update()
    account = locked.filter(dealer_id=dealer_id).first()
    if account is None:  # the first time only: create it, then lock it like any other
        CreditAccount.objects.get_or_create(dealer_id=dealer_id)
        account = locked.get(dealer_id=dealer_id)
    return account


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
    credits = Payment.objects.filter(dealer_id=shipment.dealer_id, voided_on__isnull=True,
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


# --- Payments (回款) -------------------------------------------------------------------


def _money(value, *, field: str, error: type) -> Decimal:
    """`value` as a Decimal of cents, or `error` naming the field."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise error(_("%(value)s is not an amount.") % {"value": value},
                    {field: _("Enter an amount.")}) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise error(_("%(value)s is not an amount in yuan and fen.") % {"value": value},
                    {field: _("Enter an amount with at most two decimals.")})
    return amount.quantize(CENT)


def _allocations_check(*, dealer, amount: Decimal,
                       allocations: list[tuple[int, Decimal]]) -> list[tuple[Invoice, Decimal]]:
    """Explicit allocations as (locked invoice, amount), or PaymentInvalid naming each fault.

    Each invoice must be an open invoice of the same dealer, each amount positive and no
    more than what is still open on it, and all of them together no more than the payment.
    """
    wanted: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    for invoice_id, value in allocations:
        part = _money(value, field=f"allocations.{invoice_id}", error=PaymentInvalid)
        if part <= 0:
            errors[f"allocations.{invoice_id}"] = _("An allocated amount must be positive.")
        wanted[int(invoice_id)] = wanted.get(int(invoice_id), ZERO) + part
    invoices = {row.pk: row for row in Invoice.objects.select_for_update().filter(
        pk__in=list(wanted), dealer_id=dealer.pk)}
    for invoice_id, part in wanted.items():
        invoice = invoices.get(invoice_id)
        key = f"allocations.{invoice_id}"
        if invoice is None:
            errors[key] = _("Invoice %(id)s is not an invoice of %(dealer)s.") % {
                "id": invoice_id, "dealer": dealer.name}
        elif invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.OPEN:
            errors[key] = _("Invoice %(number)s is not open.") % {"number": invoice.number}
        elif part > invoice.open_amount:
            errors[key] = _("%(amount)s is more than the %(open)s still open on invoice "
                            "%(number)s.") % {"amount": part, "open": invoice.open_amount,
                                              "number": invoice.number}
    total = sum(wanted.values(), ZERO)
    if total > amount:
        errors["allocations"] = _("The allocations add up to %(total)s, more than the payment "
                                  "of %(amount)s.") % {"total": total, "amount": amount}
    if errors:
        raise PaymentInvalid(_("The payment's allocation is not valid: %(why)s") % {
            "why": " ".join(str(e) for e in errors.values())}, errors)
    return [(invoices[invoice_id], part) for invoice_id, part in wanted.items()]


def payment_record(*, actor, dealer, amount, received_on: date, method: str,
                   reference: str = "", allocations: list[tuple[int, Decimal]] | None = None,
                   external_ref: str | None = None, note: str = "") -> Payment:
    """Record money received from a dealer and settle its invoices with it.

    Without `allocations` the payment settles the dealer's open invoices oldest due first;
    with them, exactly the invoices and amounts given (see _allocations_check). What is
    not allocated stays on the payment as a prepayment that the next invoice consumes
    (receivable_raise). The same `external_ref` for the same dealer returns the payment
    already recorded, so a bank import or an API retry never counts money twice.
    Raises PaymentInvalid; nothing is written then. The permission is the caller's check.
    """
    amount = _money(amount, field="amount", error=PaymentInvalid)
    if amount <= 0:
        raise PaymentInvalid(_("A payment must be more than zero."),
                             {"amount": _("Enter an amount above zero.")})
    if received_on is None or received_on > timezone.localdate():
        raise PaymentInvalid(_("The date received cannot be in the future."),
                             {"received_on": _("Enter the date the money arrived.")})
    if method not in PaymentMethod.values:
        raise PaymentInvalid(_("Unknown payment method %(method)s.") % {"method": method},
                             {"method": _("Choose a payment method.")})
    external_ref = (external_ref or "").strip() or None
    with transaction.atomic():
        # The account lock also serialises retries with the same external reference.
        account = credit_account_lock(dealer_id=dealer.pk)
        if external_ref:
            existing = Payment.objects.filter(dealer_id=dealer.pk,
                                              external_ref=external_ref).first()
            if existing is not None:
                return existing
        chosen = (None if allocations is None else
                  _allocations_check(dealer=dealer, amount=amount, allocations=allocations))
        payment = Payment.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:20]}", dealer_id=dealer.pk, received_on=received_on,
            amount=amount, method=method, reference=reference, external_ref=external_ref,
            note=note, recorded_by=actor if getattr(actor, "pk", None) else None)
        number_assign(payment, prefix="PM", day=received_on)
        if chosen is None:
            open_invoices = Invoice.objects.select_for_update().filter(
                dealer_id=dealer.pk, kind=InvoiceKind.INVOICE,
                status=InvoiceStatus.OPEN).order_by("due_on", "issued_on", "id")
            chosen = []
            left = amount
            for invoice in open_invoices:
                if left <= 0:
                    break
                part = min(left, invoice.open_amount)
                if part > 0:
                    chosen.append((invoice, part))
                    left -= part
        for invoice, part in chosen:
            allocation_make(account=account, payment=payment, invoice=invoice, amount=part)
        audit.record(actor=actor, target=payment, subject=dealer, event="payment.recorded",
                     data={"number": payment.number, "amount": amount,
                           "received_on": received_on, "method": method,
                           "reference": reference,
                           "allocations": {inv.number: str(part) for inv, part in chosen},
                           "unallocated": payment.unallocated})
        return payment


def payment_void(*, actor, payment: Payment, reason: str) -> Payment:
    """Cancel a payment recorded in error: the invoices it settled open again and the
    dealer's receivable rises by what it had settled. Raises PaymentInvalid for a payment
    already void or without a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentInvalid(_("Give the reason for voiding payment %(number)s.") % {
            "number": payment.number}, {"reason": _("This field is required.")})
    with transaction.atomic():
        account = credit_account_lock(dealer_id=payment.dealer_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.is_void:
            raise PaymentInvalid(_("Payment %(number)s is already void.") % {
                "number": payment.number})
        reopened = {}
        allocations = list(payment.allocations.select_related("invoice")
                           .order_by("invoice_id"))
        invoices = {row.pk: row for row in Invoice.objects.select_for_update().filter(
            pk__in=[a.invoice_id for a in allocations])}
        for allocation in allocations:
            invoice = invoices[allocation.invoice_id]
            invoice.paid_amount -= allocation.amount
            invoice.status = InvoiceStatus.OPEN
            invoice.save(update_fields=["paid_amount", "status", "updated_at"])
            reopened[invoice.number] = str(allocation.amount)
        settled = sum((a.amount for a in allocations), ZERO)
        payment.allocations.all().delete()
        CreditAccount.objects.filter(pk=account.pk).update(
            receivable=F("receivable") + settled)
        payment.allocated_amount = ZERO
        payment.voided_on = timezone.localdate()
        payment.void_reason = reason
        payment.voided_by = actor if getattr(actor, "pk", None) else None
        payment.save(update_fields=["allocated_amount", "voided_on", "void_reason",
                                    "voided_by", "updated_at"])
        audit.record(actor=actor, target=payment, subject=payment.dealer,
                     event="payment.voided",
                     data={"number": payment.number, "amount": payment.amount,
                           "reason": reason, "reopened": reopened})
        return payment


# --- Market deposit (保证金) -------------------------------------------------------------


def _deposit_move(*, actor, dealer, kind: str, amount, reason: str,
                  occurred_on: date | None, agreement=None) -> DepositEntry:
    amount = _money(amount, field="amount", error=DepositInvalid)
    if amount <= 0:
        raise DepositInvalid(_("A deposit amount must be more than zero."),
                             {"amount": _("Enter an amount above zero.")})
    reason = (reason or "").strip()
    if kind == DepositKind.DEDUCTED and not reason:
        raise DepositInvalid(_("Say why the deposit of %(dealer)s is deducted (e.g. a "
                               "cross-region selling fine).") % {"dealer": dealer.name},
                             {"reason": _("This field is required.")})
    occurred_on = occurred_on or timezone.localdate()
    with transaction.atomic():
        account = credit_account_lock(dealer_id=dealer.pk)
        before = account.deposit_balance
        after = before + amount if kind == DepositKind.RECEIVED else before - amount
        if after < 0:
            raise DepositInvalid(
                _("The deposit balance of %(dealer)s is %(balance)s; %(amount)s cannot be "
                  "taken from it.") % {"dealer": dealer.name, "balance": before,
                                       "amount": amount},
                {"amount": _("At most %(balance)s.") % {"balance": before}})
        account.deposit_balance = after
        account.save(update_fields=["deposit_balance", "updated_at"])
        entry = DepositEntry.objects.create(
            dealer_id=dealer.pk, agreement=agreement, kind=kind, amount=amount,
            occurred_on=occurred_on, reason=reason, balance_after=after,
            recorded_by=actor if getattr(actor, "pk", None) else None)
        audit.record(actor=actor, target=entry, subject=dealer, event=f"deposit.{kind}",
                     data={"amount": amount, "reason": reason, "balance_before": before,
                           "balance_after": after, "occurred_on": occurred_on})
        return entry


def deposit_receive(*, actor, dealer, amount, reason: str = "", occurred_on: date | None = None,
                    agreement=None) -> DepositEntry:
    """Record market deposit (市场保证金) paid in by the dealer. Raises DepositInvalid."""
    return _deposit_move(actor=actor, dealer=dealer, kind=DepositKind.RECEIVED, amount=amount,
                         reason=reason, occurred_on=occurred_on, agreement=agreement)


def deposit_deduct(*, actor, dealer, amount, reason: str,
                   occurred_on: date | None = None) -> DepositEntry:
    """Take a penalty (e.g. a 窜货 fine) from the dealer's deposit; the reason is required and
    the balance may not go below zero. Raises DepositInvalid."""
    return _deposit_move(actor=actor, dealer=dealer, kind=DepositKind.DEDUCTED, amount=amount,
                         reason=reason, occurred_on=occurred_on)


def deposit_refund(*, actor, dealer, amount, reason: str = "",
                   occurred_on: date | None = None) -> DepositEntry:
    """Pay deposit back to the dealer (at the end of the agreement); never more than the
    balance. Raises DepositInvalid."""
    return _deposit_move(actor=actor, dealer=dealer, kind=DepositKind.REFUNDED, amount=amount,
                         reason=reason, occurred_on=occurred_on)


# --- Credit limit and the balances' check ------------------------------------------------


def credit_limit_adjust(*, actor, dealer, limit, reason: str) -> CreditAccount:
    """Change the dealer's credit limit (授信额度) by finance's decision, with the reason on
    the audit trail. Raises CreditLimitInvalid for a negative limit or no reason."""
    limit = _money(limit, field="limit", error=CreditLimitInvalid)
    errors = {}
    if limit < 0:
        errors["limit"] = _("The credit limit cannot be negative.")
    if not (reason or "").strip():
        errors["reason"] = _("This field is required.")
    if errors:
        raise CreditLimitInvalid(_("The credit limit of %(dealer)s was not changed: %(why)s") % {
            "dealer": dealer.name, "why": " ".join(str(e) for e in errors.values())}, errors)
    with transaction.atomic():
        account = credit_account_lock(dealer_id=dealer.pk)
        before = account.limit
        account.limit = limit
        account.save(update_fields=["limit", "updated_at"])
        audit.record(actor=actor, target=account, subject=dealer, event="credit.limit_changed",
                     data={"limit": [before, limit], "reason": reason.strip()})
        return account


def credit_balances_recomputed(*, dealer_ids: list[int] | None = None) -> dict[int, dict]:
    """What receivable and reserved should be per dealer, from the rows, in two GROUP BYs:
    receivable = open amounts of open invoices and credit notes; reserved = the unshipped
    amount of the lines of approved or partially shipped orders."""
    from qudao.orders.choices import CREDIT_HOLDING_STATUSES
    from qudao.orders.models import OrderLine

    invoices = Invoice.objects.filter(status=InvoiceStatus.OPEN)
    lines = OrderLine.objects.filter(order__status__in=CREDIT_HOLDING_STATUSES)
    if dealer_ids is not None:
        invoices = invoices.filter(dealer_id__in=dealer_ids)
        lines = lines.filter(order__dealer_id__in=dealer_ids)
    result: dict[int, dict] = {}
    for dealer_id, receivable in (invoices.order_by().values_list("dealer_id")
                                  .annotate(s=Sum(F("amount") - F("paid_amount")))):
        result.setdefault(dealer_id, {"receivable": ZERO, "reserved": ZERO})
        result[dealer_id]["receivable"] = Decimal(receivable or 0).quantize(CENT)
    unshipped = ExpressionWrapper((F("quantity") - F("shipped_quantity")) * F("unit_price"),
                                  output_field=DecimalField(max_digits=16, decimal_places=2))
    for dealer_id, reserved in (lines.order_by().values_list("order__dealer_id")
                                .annotate(s=Sum(unshipped))):
        result.setdefault(dealer_id, {"receivable": ZERO, "reserved": ZERO})
        result[dealer_id]["reserved"] = Decimal(reserved or 0).quantize(CENT)
    return result


def credit_account_recompute(*, dealer_id: int) -> dict:
    """{"receivable", "reserved"} as the dealer's rows say they should be; compare with the
    CreditAccount's running balances to find drift (tests, `check_credit`)."""
    return credit_balances_recomputed(dealer_ids=[dealer_id]).get(
        dealer_id, {"receivable": ZERO, "reserved": ZERO})
