"""Reads of money, each starting from the user's scope (visible_dealers)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qudao.core.pagination import filters_copy
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.finance.choices import AGING_BUCKETS, InvoiceKind, InvoiceStatus
from qudao.finance.filters import CreditFilter, DealerRegionFilter, InvoiceFilter, PaymentFilter
from qudao.finance.models import CreditAccount, DepositEntry, Invoice, Payment

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _open_amount():
    return ExpressionWrapper(F("amount") - F("paid_amount"), output_field=MONEY)


def _overdue_invoices(today: date) -> QuerySet[Invoice]:
    return Invoice.objects.filter(status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE,
                                  due_on__lt=today)


def days_past_due(due_on: date | None, today: date) -> int | None:
    """Whole days `today` is past `due_on` (None when nothing is due)."""
    return None if due_on is None else (today - due_on).days


# --- Credit status ---------------------------------------------------------------------------


def credit_status_list(*, user: Any, filters: dict | None = None,
                       today: date | None = None) -> QuerySet[CreditAccount]:
    """Credit accounts of the visible dealers with limit, receivable, reserved, available,
    usage, the overdue amount and the oldest overdue due date (one query with subqueries).

    Filters: q (dealer code or name), region (territory name, its subtree included),
    high_usage (credit used ≥ 80%), has_overdue, sort.
    """
    today = today or timezone.localdate()
    overdue = _overdue_invoices(today).filter(dealer_id=OuterRef("dealer_id")).order_by()
    overdue_sum = overdue.values("dealer_id").annotate(s=Sum(_open_amount())).values("s")
    oldest = overdue.values("dealer_id").annotate(m=Min("due_on")).values("m")
    used = ExpressionWrapper(F("receivable") + F("reserved"), output_field=MONEY)
    accounts = (
        dealer_rows(CreditAccount.objects.all(), user)
        .select_related("dealer", "dealer__territory")
        .annotate(
            used=used,
            used5=ExpressionWrapper(used * 5, output_field=MONEY),
            limit4=ExpressionWrapper(F("limit") * 4, output_field=MONEY),
            available_amount=ExpressionWrapper(F("limit") - F("receivable") - F("reserved"),
                                               output_field=MONEY),
            # Multiplying by 100.0 first keeps SQLite from integer division on whole yuan.
            usage=Case(When(limit__gt=0, then=ExpressionWrapper(
                used * Value(Decimal("100.0")) / F("limit"), output_field=MONEY)),
                default=None, output_field=MONEY),
            overdue=Coalesce(Subquery(overdue_sum, output_field=MONEY), Value(ZERO),
                             output_field=MONEY),
            oldest_due_on=Subquery(oldest),
        )
    )
    data = filters_copy(filters)
    data.setdefault("sort", "code")
    return CreditFilter(data, queryset=accounts).qs


def credit_status_get(*, user: Any, dealer: Any, today: date | None = None) -> CreditAccount:
    """The credit status of one visible dealer (an empty account if it has none yet)."""
    account = credit_status_list(user=user, today=today).filter(dealer_id=dealer.pk).first()
    if account is None:
        account = CreditAccount(dealer=dealer)
        account.used = account.used5 = account.limit4 = account.available_amount = ZERO
        account.usage, account.overdue, account.oldest_due_on = None, ZERO, None
    return account


# --- Invoices, payments ----------------------------------------------------------------------


def invoice_list(*, user: Any, filters: dict | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes of the visible dealers, newest first."""
    invoices = (dealer_rows(Invoice.objects.all(), user)
                .select_related("dealer").order_by("-issued_on", "-id"))
    return InvoiceFilter(filters_copy(filters), queryset=invoices).qs


def invoice_get(*, user: Any, pk: int) -> Invoice:
    """One invoice of a visible dealer with its allocations; Http404 otherwise."""
    return get_object_or_404(
        dealer_rows(Invoice.objects.all(), user)
        .select_related("dealer", "shipment", "shipment__order", "return_request"), pk=pk)


def invoice_allocations(*, invoice: Invoice) -> QuerySet:
    """Payments that settled the invoice."""
    return invoice.allocations.select_related("payment").order_by("payment__received_on", "id")


def payment_list(*, user: Any, filters: dict | None = None) -> QuerySet[Payment]:
    """Payments of the visible dealers, newest first."""
    payments = (dealer_rows(Payment.objects.all(), user)
                .select_related("dealer").order_by("-received_on", "-id"))
    return PaymentFilter(filters_copy(filters), queryset=payments).qs


def payment_get(*, user: Any, pk: int) -> Payment:
    """One payment of a visible dealer; Http404 otherwise."""
    return get_object_or_404(
        dealer_rows(Payment.objects.all(), user)
        .select_related("dealer", "recorded_by", "voided_by")
        .prefetch_related("allocations__invoice"), pk=pk)


def open_invoices(*, user: Any, dealer_id: int) -> QuerySet[Invoice]:
    """The visible dealer's open invoices, oldest due first: what a payment can settle."""
    return (dealer_rows(Invoice.objects.all(), user).filter(dealer_id=dealer_id,
                                   kind=InvoiceKind.INVOICE, status=InvoiceStatus.OPEN)
            .order_by("due_on", "issued_on", "id"))


# --- Aging and overdue -----------------------------------------------------------------------


def _bucket_condition(as_of: date, low: int | None, high: int | None) -> Q:
    """Invoices `low`..`high` days past due on `as_of`, as a range of due dates (days past
    due = as_of - due_on), which every database compares the same way and can index."""
    condition = Q()
    if low is not None:
        condition &= Q(due_on__lte=as_of - timedelta(days=low))
    if high is not None:
        condition &= Q(due_on__gte=as_of - timedelta(days=high))
    return condition


def aging(*, user: Any, as_of: date | None = None, filters: dict | None = None
          ) -> dict[str, Any]:
    """Open receivables per visible dealer in the AGING_BUCKETS by days past due on `as_of`.

    One grouped query gives the per-dealer rows (a QuerySet of dicts, to paginate) and one
    aggregate the totals row. Amounts are what is still open now on the invoices issued by
    `as_of`; open credit notes are shown apart as "credits" and lower the total.
    """
    as_of = as_of or timezone.localdate()
    invoices = dealer_rows(Invoice.objects.all(), user).filter(status=InvoiceStatus.OPEN,
                                                                issued_on__lte=as_of)
    invoices = DealerRegionFilter(filters_copy(filters), queryset=invoices).qs
    sums = {}
    for key, _label, low, high in AGING_BUCKETS:
        sums[key] = Coalesce(Sum(Case(
            When(Q(kind=InvoiceKind.INVOICE) & _bucket_condition(as_of, low, high),
                 then=_open_amount()), default=Value(ZERO), output_field=MONEY)),
            Value(ZERO), output_field=MONEY)
    sums["credits"] = Coalesce(Sum(Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=_open_amount()), default=Value(ZERO),
        output_field=MONEY)), Value(ZERO), output_field=MONEY)
    sums["total"] = Coalesce(Sum(_open_amount()), Value(ZERO), output_field=MONEY)
    rows = (invoices.order_by().values("dealer_id", "dealer__code", "dealer__name")
            .annotate(**sums).order_by("dealer__code"))
    totals = invoices.aggregate(**sums)
    return {"as_of": as_of, "rows": rows, "totals": totals,
            "buckets": [(key, label) for key, label, _low, _high in AGING_BUCKETS]}


def overdue_list(*, user: Any, filters: dict | None = None,
                 today: date | None = None) -> QuerySet[Invoice]:
    """Open invoices of the visible dealers past their due date, the longest overdue first.
    Filters: q (dealer), region, min_days (at least so many days past due)."""
    today = today or timezone.localdate()
    data = filters_copy(filters)
    invoices = (dealer_rows(_overdue_invoices(today), user)
                .select_related("dealer", "dealer__territory")
                .annotate(open=_open_amount()).order_by("due_on", "id"))
    try:
        min_days = int(data.get("min_days") or 0)
    except (TypeError, ValueError):
        min_days = 0
    if min_days > 0:
        invoices = invoices.filter(due_on__lte=today - timedelta(days=min_days))
    return DealerRegionFilter(data, queryset=invoices).qs


# --- Statement -------------------------------------------------------------------------------


@dataclass
class StatementEntry:
    day: date
    kind: str  # invoice | credit_note | payment | payment_void
    number: str
    pk: int
    debit: Decimal  # raises what the dealer owes
    credit: Decimal  # lowers it
    balance: Decimal = ZERO
    note: str = ""

    @property
    def amount(self) -> Decimal:
        return self.debit - self.credit


def statement(*, user: Any, dealer: Any, date_from: date, date_to: date) -> dict[str, Any]:
    """The dealer's statement of account (对账单) from `date_from` to `date_to`.

    Opening balance = invoices and credit notes issued before the period minus payments
    received before it (a voided payment counts again from the day it was voided); then
    every document of the period by date with the running balance; closing balance = the
    last running balance. A constant six queries whatever the number of rows.
    Raises Http404 if the dealer is not visible to the user.
    """
    dealer = get_object_or_404(visible_dealers(user), pk=dealer.pk)
    invoices = Invoice.objects.filter(dealer_id=dealer.pk).exclude(status=InvoiceStatus.VOID)
    payments = Payment.objects.filter(dealer_id=dealer.pk)
    invoiced_before = invoices.filter(issued_on__lt=date_from).aggregate(
        s=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["s"]
    paid = payments.aggregate(
        paid=Coalesce(Sum("amount", filter=Q(received_on__lt=date_from)), Value(ZERO),
                      output_field=MONEY),
        voided=Coalesce(Sum("amount", filter=Q(voided_on__lt=date_from)), Value(ZERO),
                        output_field=MONEY))
    opening = (Decimal(invoiced_before) - Decimal(paid["paid"])
               + Decimal(paid["voided"])).quantize(CENT)
    entries: list[StatementEntry] = []
    for row in invoices.filter(issued_on__gte=date_from, issued_on__lte=date_to).values(
            "pk", "number", "kind", "issued_on", "due_on", "amount"):
        amount = row["amount"]
        entries.append(StatementEntry(
            day=row["issued_on"], kind=row["kind"], number=row["number"], pk=row["pk"],
            debit=amount if amount > 0 else ZERO, credit=-amount if amount < 0 else ZERO,
            note=str(row["due_on"]) if row["kind"] == InvoiceKind.INVOICE else ""))
    for row in payments.filter(received_on__gte=date_from, received_on__lte=date_to).values(
            "pk", "number", "received_on", "amount", "reference"):
        entries.append(StatementEntry(day=row["received_on"], kind="payment",
                                      number=row["number"], pk=row["pk"], debit=ZERO,
                                      credit=row["amount"], note=row["reference"]))
    for row in payments.filter(voided_on__gte=date_from, voided_on__lte=date_to).values(
            "pk", "number", "voided_on", "amount", "void_reason"):
        entries.append(StatementEntry(day=row["voided_on"], kind="payment_void",
                                      number=row["number"], pk=row["pk"], debit=row["amount"],
                                      credit=ZERO, note=row["void_reason"]))
    # Same day: documents in the order they were written (invoices, then money).
    order = {"invoice": 0, "credit_note": 1, "payment": 2, "payment_void": 3}
    entries.sort(key=lambda e: (e.day, order[e.kind], e.pk))
    balance = opening
    for entry in entries:
        balance += entry.amount
        entry.balance = balance
    return {
        "dealer": dealer, "date_from": date_from, "date_to": date_to,
        "opening_balance": opening, "entries": entries, "closing_balance": balance,
        "total_debit": sum((e.debit for e in entries), ZERO),
        "total_credit": sum((e.credit for e in entries), ZERO),
    }


# --- Deposits, collections, dealer panel -----------------------------------------------------


def deposit_ledger(*, user: Any, dealer: Any) -> QuerySet[DepositEntry]:
    """The visible dealer's deposit movements, newest first (balance_after in entry order).
    Raises Http404 if the dealer is not visible."""
    dealer = get_object_or_404(visible_dealers(user), pk=dealer.pk)
    return (DepositEntry.objects.filter(dealer_id=dealer.pk).select_related("recorded_by")
            .order_by("-id"))


def deposit_balance(*, dealer_id: int) -> Decimal:
    return (CreditAccount.objects.filter(dealer_id=dealer_id)
            .values_list("deposit_balance", flat=True).first() or ZERO)


def _month_start(day: date, back: int) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def monthly_collections(*, user: Any, months: int = 12, today: date | None = None,
                        dealer_id: int | None = None) -> list[dict[str, Any]]:
    """Invoiced and collected amount per month over the last `months` months (R-OP-13/14):
    invoices issued and payments received (void ones left out), two GROUP BY queries."""
    today = today or timezone.localdate()
    start = _month_start(today, months - 1)
    dealers = visible_dealers(user)
    invoices = Invoice.objects.filter(dealer__in=dealers, kind=InvoiceKind.INVOICE,
                                      issued_on__gte=start, issued_on__lte=today)
    payments = Payment.objects.filter(dealer__in=dealers, voided_on__isnull=True,
                                      received_on__gte=start, received_on__lte=today)
    if dealer_id is not None:
        invoices = invoices.filter(dealer_id=dealer_id)
        payments = payments.filter(dealer_id=dealer_id)

    def by_month(rows, field):
        grouped = (rows.order_by().annotate(month=TruncMonth(field)).values("month")
                   .annotate(s=Sum("amount"), n=Count("id")))
        return {(g["month"].year, g["month"].month): g for g in grouped}

    invoiced = by_month(invoices, "issued_on")
    collected = by_month(payments, "received_on")
    series = []
    for back in range(months - 1, -1, -1):
        first = _month_start(today, back)
        key = (first.year, first.month)
        series.append({
            "month": f"{first:%Y-%m}",
            "invoiced": Decimal(invoiced.get(key, {}).get("s") or 0).quantize(Decimal("0.01")),
            "collected": Decimal(collected.get(key, {}).get("s") or 0).quantize(
                Decimal("0.01")),
            "invoices": invoiced.get(key, {}).get("n", 0),
            "payments": collected.get(key, {}).get("n", 0),
        })
    return series


def dealer_panel(*, user: Any, dealer: Any, today: date | None = None) -> dict[str, Any]:
    """The money panel of the dealer page: credit status, overdue, deposit balance, the
    newest payments. `allowed` is False (and nothing is read) for roles without
    finance.view_finance."""
    if not user.has_perm("finance.view_finance"):
        return {"allowed": False}
    today = today or timezone.localdate()
    account = credit_status_get(user=user, dealer=dealer, today=today)
    return {
        "allowed": True,
        "dealer": dealer,
        "account": account,
        "oldest_days_past_due": days_past_due(account.oldest_due_on, today),
        "open_invoices": open_invoices(user=user, dealer_id=dealer.pk).count(),
        "recent_payments": list(payment_list(user=user, filters={"dealer": dealer.pk})[:3]),
    }
