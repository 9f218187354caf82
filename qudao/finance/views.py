"""Money pages: credit status (finance home), invoices, payments, aging, overdue, the
dealer statement, the deposit ledger and monthly collections."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import Column, export_response
from qudao.core.pagination import paginate
from qudao.core.views import list_render
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.finance import queries, services
from qudao.finance.choices import AGING_BUCKETS, DepositKind, InvoiceKind
from qudao.finance.exceptions import CreditLimitInvalid, DepositInvalid, PaymentInvalid
from qudao.finance.filters import CreditFilter, InvoiceFilter, PaymentFilter
from qudao.finance.forms import CreditLimitForm, DepositForm, PaymentForm, PeriodForm, VoidForm
from qudao.finance.models import CreditAccount, Invoice, Payment

VIEW = "finance.view_finance"
EXPORT = "finance.export_finance"
NAV = "finance"
STATEMENT_PAGE = 100


def _dealer(request, pk: int) -> Dealer:
    return get_object_or_404(visible_dealers(request.user).select_related("territory"), pk=pk)


def _list_page(request, template: str, partial: str, context: dict):
    context.setdefault("active_nav", NAV)
    return list_render(request, context, template=template, partial=partial)


def _as_of(request) -> date:
    return parse_date(request.GET.get("as_of") or "") or timezone.localdate()


# --- Credit status (finance home) --------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def credit_list(request):
    """Every visible dealer's credit: limit, used, available, overdue; filters and export."""
    if request.user.is_dealer_user:
        return redirect("finance:my_statement")
    today = timezone.localdate()
    page = paginate(request, queries.credit_status_list(user=request.user, filters=request.GET,
                                                        today=today))
    for account in page.object_list:
        account.days_past_due = queries.days_past_due(account.oldest_due_on, today)
    form = CreditFilter(request.GET or None, queryset=CreditAccount.objects.none()).form
    return _list_page(request, "finance/credit_list.html", "finance/_credit_results.html",
                      {"page": page, "filter_form": form})


CREDIT_COLUMNS = [
    Column("code", _("Dealer code")), Column("name", _("Dealer")),
    Column("region", _("Region")), Column("limit", _("Credit limit"), kind="decimal"),
    Column("receivable", _("Open receivables"), kind="decimal"),
    Column("reserved", _("Approved, not shipped"), kind="decimal"),
    Column("available", _("Available credit"), kind="decimal"),
    Column("usage", _("Usage %"), kind="decimal"),
    Column("overdue", _("Overdue"), kind="decimal"),
    Column("days", _("Oldest days past due"), kind="int"),
    Column("deposit", _("Deposit balance"), kind="decimal"),
]


@login_required
@permission_required(EXPORT, raise_exception=True)
def credit_export(request):
    today = timezone.localdate()
    accounts = queries.credit_status_list(user=request.user, filters=request.GET, today=today)
    rows = ([a.dealer.code, a.dealer.name, a.dealer.territory.display_name, a.limit,
             a.receivable, a.reserved, a.available, a.usage_percent, a.overdue,
             queries.days_past_due(a.oldest_due_on, today), a.deposit_balance]
            for a in accounts.iterator(chunk_size=2000))
    return export_response(filename="credit", columns=CREDIT_COLUMNS, rows=rows)


@login_required
@permission_required("finance.change_credit", raise_exception=True)
def credit_limit(request, dealer_pk: int):
    """Change a dealer's credit limit, with the reason kept on the audit trail."""
    dealer = _dealer(request, dealer_pk)
    account = queries.credit_status_get(user=request.user, dealer=dealer)
    form = CreditLimitForm(request.POST or None, initial={"limit": account.limit})
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_limit_adjust(actor=request.user, dealer=dealer,
                                         limit=form.cleaned_data["limit"],
                                         reason=form.cleaned_data["reason"])
        except CreditLimitInvalid as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Credit limit changed."))
            return redirect("finance:statement", dealer_pk=dealer.pk)
    return render(request, "finance/credit_limit.html",
                  {"form": form, "dealer": dealer, "account": account, "active_nav": NAV})


# --- Invoices ----------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def invoice_list(request):
    page = paginate(request, queries.invoice_list(user=request.user, filters=request.GET))
    form = InvoiceFilter(request.GET or None, queryset=Invoice.objects.none()).form
    return _list_page(request, "finance/invoice_list.html", "finance/_invoice_results.html",
                      {"page": page, "filter_form": form, "today": timezone.localdate()})


INVOICE_COLUMNS = [
    Column("number", _("Invoice number")), Column("kind", _("Kind")),
    Column("code", _("Dealer code")), Column("name", _("Dealer")),
    Column("issued_on", _("Issued on"), kind="date"), Column("due_on", _("Due on"), kind="date"),
    Column("amount", _("Amount"), kind="decimal"), Column("paid", _("Paid"), kind="decimal"),
    Column("open", _("Open"), kind="decimal"), Column("status", _("Status")),
]


@login_required
@permission_required(EXPORT, raise_exception=True)
def invoice_export(request):
    invoices = queries.invoice_list(user=request.user, filters=request.GET)
    rows = ([i.number, i.get_kind_display(), i.dealer.code, i.dealer.name, i.issued_on,
             i.due_on, i.amount, i.paid_amount, i.open_amount, i.get_status_display()]
            for i in invoices.iterator(chunk_size=2000))
    return export_response(filename="invoices", columns=INVOICE_COLUMNS, rows=rows)


@login_required
@permission_required(VIEW, raise_exception=True)
def invoice_detail(request, pk: int):
    invoice = queries.invoice_get(user=request.user, pk=pk)
    return render(request, "finance/invoice_detail.html", {
        "invoice": invoice, "allocations": queries.invoice_allocations(invoice=invoice),
        "today": timezone.localdate(), "active_nav": NAV})


# --- Payments ----------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def payment_list(request):
    page = paginate(request, queries.payment_list(user=request.user, filters=request.GET))
    form = PaymentFilter(request.GET or None, queryset=Payment.objects.none()).form
    return _list_page(request, "finance/payment_list.html", "finance/_payment_results.html",
                      {"page": page, "filter_form": form})


PAYMENT_COLUMNS = [
    Column("number", _("Payment number")), Column("code", _("Dealer code")),
    Column("name", _("Dealer")), Column("received_on", _("Received on"), kind="date"),
    Column("amount", _("Amount"), kind="decimal"),
    Column("allocated", _("Allocated"), kind="decimal"),
    Column("unallocated", _("Unallocated"), kind="decimal"),
    Column("method", _("Payment method")), Column("reference", _("Bank reference")),
    Column("voided_on", _("Voided on"), kind="date"),
]


@login_required
@permission_required(EXPORT, raise_exception=True)
def payment_export(request):
    payments = queries.payment_list(user=request.user, filters=request.GET)
    rows = ([p.number, p.dealer.code, p.dealer.name, p.received_on, p.amount,
             p.allocated_amount, p.unallocated, p.get_method_display(), p.reference,
             p.voided_on] for p in payments.iterator(chunk_size=2000))
    return export_response(filename="payments", columns=PAYMENT_COLUMNS, rows=rows)


@login_required
@permission_required("finance.add_payment", raise_exception=True)
def payment_create(request):
    """Record a payment; the dealer's open invoices load beside it (HTMX) for an explicit
    allocation, left empty to settle the oldest due first."""
    initial = {"dealer": request.GET.get("dealer")} if request.GET.get("dealer") else None
    form = PaymentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                actor=request.user, dealer=data["dealer"], amount=data["amount"],
                received_on=data["received_on"], method=data["method"],
                reference=data["reference"], note=data["note"],
                allocations=form.allocations())
        except PaymentInvalid as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Payment %(number)s recorded.") % {
                "number": payment.number})
            return redirect("finance:payment_detail", pk=payment.pk)
    dealer_id = form.data.get("dealer") or request.GET.get("dealer")
    context = {"form": form, "active_nav": NAV,
               **_open_invoices_context(request, dealer_id, form.data)}
    return render(request, "finance/payment_form.html", context)


def _open_invoices_context(request, dealer_id, data) -> dict:
    if not dealer_id or not str(dealer_id).isdigit():
        return {"open_invoices": None}
    invoices = list(queries.open_invoices(user=request.user, dealer_id=int(dealer_id))[:200])
    for invoice in invoices:
        invoice.typed = data.get(f"alloc_{invoice.pk}", "")
    return {"open_invoices": invoices, "explicit": data.get("explicit") == "1",
            "today": timezone.localdate()}


@login_required
@permission_required("finance.add_payment", raise_exception=True)
def payment_open_invoices(request):
    """HTMX partial: the chosen dealer's open invoices with an amount box each."""
    return render(request, "finance/_open_invoices.html",
                  _open_invoices_context(request, request.GET.get("dealer"), request.GET))


@login_required
@permission_required(VIEW, raise_exception=True)
def payment_detail(request, pk: int):
    payment = queries.payment_get(user=request.user, pk=pk)
    return render(request, "finance/payment_detail.html", {
        "payment": payment, "void_form": VoidForm(), "active_nav": NAV})


@login_required
@permission_required("finance.add_payment", raise_exception=True)
@require_POST
def payment_void(request, pk: int):
    payment = queries.payment_get(user=request.user, pk=pk)
    form = VoidForm(request.POST)
    try:
        services.payment_void(actor=request.user, payment=payment,
                              reason=form.data.get("reason", ""))
    except PaymentInvalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Payment %(number)s voided; the invoices it settled are "
                                    "open again.") % {"number": payment.number})
    return redirect("finance:payment_detail", pk=payment.pk)


# --- Aging and overdue -------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def aging(request):
    report = queries.aging(user=request.user, as_of=_as_of(request), filters=request.GET)
    page = paginate(request, report["rows"])
    for row in page.object_list:
        row["bucket_values"] = [row[key] for key, _label in report["buckets"]]
    report["totals"]["bucket_values"] = [report["totals"][key] for key, _l in report["buckets"]]
    return _list_page(request, "finance/aging.html", "finance/_aging_results.html",
                      {"page": page, "report": report})


@login_required
@permission_required(EXPORT, raise_exception=True)
def aging_export(request):
    report = queries.aging(user=request.user, as_of=_as_of(request), filters=request.GET)
    columns = ([Column("code", _("Dealer code")), Column("name", _("Dealer"))]
               + [Column(key, label, kind="decimal") for key, label, *_r in AGING_BUCKETS]
               + [Column("credits", _("Credit notes"), kind="decimal"),
                  Column("total", _("Total"), kind="decimal")])
    keys = [key for key, *_r in AGING_BUCKETS] + ["credits", "total"]
    rows = [[row["dealer__code"], row["dealer__name"], *[row[k] for k in keys]]
            for row in report["rows"]]
    rows.append([_("Total"), "", *[report["totals"][k] for k in keys]])
    return export_response(filename=f"aging-{report['as_of']:%Y%m%d}", columns=columns,
                           rows=rows)


@login_required
@permission_required(VIEW, raise_exception=True)
def overdue_list(request):
    today = timezone.localdate()
    page = paginate(request, queries.overdue_list(user=request.user, filters=request.GET,
                                                  today=today))
    for invoice in page.object_list:
        invoice.days_past_due = queries.days_past_due(invoice.due_on, today)
    return _list_page(request, "finance/overdue_list.html", "finance/_overdue_results.html",
                      {"page": page})


@login_required
@permission_required(EXPORT, raise_exception=True)
def overdue_export(request):
    today = timezone.localdate()
    invoices = queries.overdue_list(user=request.user, filters=request.GET, today=today)
    columns = [Column("number", _("Invoice number")), Column("code", _("Dealer code")),
               Column("name", _("Dealer")), Column("region", _("Region")),
               Column("due_on", _("Due on"), kind="date"),
               Column("days", _("Days past due"), kind="int"),
               Column("open", _("Open"), kind="decimal")]
    rows = ([i.number, i.dealer.code, i.dealer.name, i.dealer.territory.display_name, i.due_on,
             queries.days_past_due(i.due_on, today), i.open]
            for i in invoices.iterator(chunk_size=2000))
    return export_response(filename="overdue", columns=columns, rows=rows)


# --- Statement ---------------------------------------------------------------------------

KIND_LABELS = {InvoiceKind.INVOICE: InvoiceKind.INVOICE.label,
               InvoiceKind.CREDIT_NOTE: InvoiceKind.CREDIT_NOTE.label}


def _kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind) or {"payment": _("Payment"),
                                          "payment_void": _("Payment voided")}[kind])


def _statement(request, dealer: Dealer) -> dict:
    date_from, date_to = PeriodForm(request.GET).period()
    report = queries.statement(user=request.user, dealer=dealer, date_from=date_from,
                               date_to=date_to)
    for entry in report["entries"]:
        entry.label = _kind_label(entry.kind)
    return report


def _statement_page(request, dealer: Dealer, *, own: bool):
    report = _statement(request, dealer)
    page = paginate(request, report["entries"], per_page=STATEMENT_PAGE)
    return _list_page(request, "finance/statement.html", "finance/_statement_results.html",
                      {"report": report, "page": page, "dealer": dealer, "own": own})


@login_required
@permission_required(VIEW, raise_exception=True)
def statement(request, dealer_pk: int):
    """A dealer's statement of account: opening balance, documents with the running
    balance, closing balance; printable and exportable."""
    return _statement_page(request, _dealer(request, dealer_pk), own=False)


@login_required
@permission_required(VIEW, raise_exception=True)
def my_statement(request):
    """The dealer portal's "My statement": the logged-in dealer's own statement."""
    if not request.user.is_dealer_user or not request.user.dealer_id:
        raise Http404
    return _statement_page(request, _dealer(request, request.user.dealer_id), own=True)


@login_required
@permission_required(VIEW, raise_exception=True)
def statement_export(request, dealer_pk: int):
    dealer = _dealer(request, dealer_pk)
    report = _statement(request, dealer)
    columns = [Column("day", _("Date"), kind="date"), Column("kind", _("Document")),
               Column("number", _("Number")), Column("debit", _("Debit"), kind="decimal"),
               Column("credit", _("Credit"), kind="decimal"),
               Column("balance", _("Balance"), kind="decimal"), Column("note", _("Note"))]
    rows = [[report["date_from"], _("Opening balance"), "", None, None,
             report["opening_balance"], ""]]
    rows += [[e.day, e.label, e.number, e.debit or None, e.credit or None, e.balance, e.note]
             for e in report["entries"]]
    rows.append([report["date_to"], _("Closing balance"), "", report["total_debit"],
                 report["total_credit"], report["closing_balance"], ""])
    return export_response(filename=f"statement-{dealer.code}", columns=columns, rows=rows)


# --- Deposits and collections ------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def deposit_ledger(request, dealer_pk: int):
    dealer = _dealer(request, dealer_pk)
    entries = queries.deposit_ledger(user=request.user, dealer=dealer)
    return _list_page(request, "finance/deposit_ledger.html", "finance/_deposit_results.html", {
        "dealer": dealer, "page": paginate(request, entries),
        "balance": queries.deposit_balance(dealer_id=dealer.pk), "form": DepositForm()})


DEPOSIT_MOVES = {DepositKind.RECEIVED: services.deposit_receive,
                 DepositKind.DEDUCTED: services.deposit_deduct,
                 DepositKind.REFUNDED: services.deposit_refund}


@login_required
@permission_required("finance.change_deposit", raise_exception=True)
@require_POST
def deposit_move(request, dealer_pk: int):
    """Receive, deduct (penalty) or refund deposit; errors come back on the ledger page."""
    dealer = _dealer(request, dealer_pk)
    form = DepositForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            DEPOSIT_MOVES[data["kind"]](actor=request.user, dealer=dealer,
                                        amount=data["amount"], reason=data["reason"],
                                        occurred_on=data["occurred_on"])
        except DepositInvalid as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Deposit updated."))
            return redirect("finance:deposit_ledger", dealer_pk=dealer.pk)
    entries = queries.deposit_ledger(user=request.user, dealer=dealer)
    return render(request, "finance/deposit_ledger.html", {
        "dealer": dealer, "page": paginate(request, entries),
        "balance": queries.deposit_balance(dealer_id=dealer.pk), "form": form,
        "query": "", "active_nav": NAV}, status=400)


@login_required
@permission_required(VIEW, raise_exception=True)
def collections(request):
    """Invoiced and collected per month, for finance's monthly channel analysis."""
    try:
        months = min(max(int(request.GET.get("months") or 12), 1), 36)
    except ValueError:
        months = 12
    series = queries.monthly_collections(user=request.user, months=months)
    chart = {"months": [s["month"] for s in series],
             "invoiced": [str(s["invoiced"]) for s in series],
             "collected": [str(s["collected"]) for s in series],
             "labels": {"invoiced": _("Invoiced"), "collected": _("Collected")}}
    return render(request, "finance/collections.html", {
        "series": series, "chart": chart, "months": months, "active_nav": NAV})
