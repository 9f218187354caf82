"""Stock and flow pages: report list, form, Excel upload, detail, stock position, missing."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from qudao.catalog.models import Product, ProductStatus
from qudao.core import audit
from qudao.core.excel import ImportFailed, export_response, template_response
from qudao.core.exceptions import NotAllowed
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.stock import importer, queries, services
from qudao.stock.exceptions import StockReportInvalid
from qudao.stock.filters import StockReportFilter
from qudao.stock.forms import ReportTargetForm, ReportUploadForm, last_month
from qudao.stock.models import ReportSource, StockReport
from qudao.stock.periods import month_start, period_parse

NAV = "stock"
SEARCH_SHOWN = 10


def _dealer(request, pk: int) -> Dealer:
    dealer = visible_dealers(request.user).select_related("territory").filter(pk=pk).first()
    if dealer is None:
        raise Http404
    return dealer


@login_required
@permission_required("stock.view_stock", raise_exception=True)
def report_list(request):
    """Reports in the user's scope, filtered by dealer, month and source; HTMX swaps the
    table."""
    reports = queries.report_list(user=request.user, filters=request.GET)
    context = {
        "page": paginate(request, reports), "query": query_without_page(request),
        "filter_form": StockReportFilter(request.GET or None,
                                         queryset=StockReport.objects.none()).form,
        "active_nav": NAV,
    }
    return list_render(request, context, template="stock/report_list.html",
                       partial="stock/_results.html")


@login_required
@permission_required("stock.export_stock", raise_exception=True)
def report_export(request):
    """The report list as Excel, with the page's filters."""
    reports = queries.report_list(user=request.user, filters=request.GET)
    rows = (importer.export_row(r) for r in reports.iterator(chunk_size=2000))
    return export_response(filename="stock-reports", columns=importer.EXPORT_COLUMNS, rows=rows)


def _customers(dealer: Dealer) -> list[Dealer]:
    return list(Dealer.objects.filter(services.descendants(dealer)).only("id", "code", "name")
                .order_by("code"))


def _posted_lines(request) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    post = request.POST
    stock = list(zip(post.getlist("stock-product"), post.getlist("stock-quantity"),
                     strict=False))
    keys = ("sold_on", "product_id", "quantity", "customer_id", "customer_name",
            "batch_number")
    columns = [post.getlist(f"flow-{key}") for key in keys]
    flow = [{key: (value or None) if key == "customer_id" else value
             for key, value in zip(keys, row, strict=False)} for row in zip(*columns,
                                                                             strict=False)]
    return stock, flow


def _rows_for_page(stock: list, flow: list, errors: list[dict[str, Any]]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The posted (or saved) lines again, with their products and errors, to show the form."""
    ids = {str(pid) for pid, _q in stock} | {str(line["product_id"]) for line in flow}
    products = Product.objects.in_bulk([int(pk) for pk in ids if str(pk).isdigit()])
    by_line: dict[tuple[str, int], list[str]] = {}
    general = []
    for error in errors:
        if error["line"]:
            by_line.setdefault((error["section"], error["line"]), []).append(error["message"])
        else:
            general.append(error["message"])

    def product(pk: Any) -> Product | None:
        return products.get(int(pk)) if str(pk).isdigit() else None

    stock_rows = [{"product": product(pid), "product_id": pid, "quantity": qty,
                   "errors": by_line.get(("stock", n), [])}
                  for n, (pid, qty) in enumerate(stock, start=1)]
    flow_rows = [{**line, "product": product(line["product_id"]),
                  "customer_id": str(line.get("customer_id") or ""),
                  "errors": by_line.get(("flow", n), [])}
                 for n, line in enumerate(flow, start=1)]
    return stock_rows, flow_rows, general


@login_required
@permission_required("stock.add_report", raise_exception=True)
def report_form(request):
    """Report a month's stock and flow: first the dealer and month, then the lines (the
    month's saved lines are shown again, so resubmitting corrects them)."""
    initial = {"period": request.GET.get("period") or last_month()}
    data = request.POST if request.method == "POST" else (
        request.GET.copy() if "period" in request.GET else None)
    if request.GET.get("dealer", "").isdigit():
        # Links from dealer pages name the dealer by id; the form asks for its code.
        chosen = visible_dealers(request.user).filter(pk=request.GET["dealer"]).first()
        initial["dealer_code"] = chosen.code if chosen else ""
        if data is not None and request.method != "POST":
            data.setdefault("dealer_code", initial["dealer_code"])
    target = ReportTargetForm(data, user=request.user, initial=initial)
    context: dict[str, Any] = {"target_form": target, "active_nav": NAV}
    if not target.is_valid():
        return render(request, "stock/report_form.html", context)
    dealer, period = target.chosen_dealer(), target.cleaned_data["period"]
    errors: list[dict[str, Any]] = []
    if request.method == "POST":
        stock, flow = _posted_lines(request)
        source = ReportSource.PORTAL if request.user.is_dealer_user else ReportSource.STAFF
        try:
            report = services.stock_report_submit(actor=request.user, dealer=dealer,
                                                  period=period, stock_lines=stock,
                                                  flow_lines=flow, source=source)
        except StockReportInvalid as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        except NotAllowed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Report for %(month)s saved.") % {
                "month": f"{period:%Y-%m}"})
            return redirect("stock:report_detail", pk=report.pk)
    else:
        saved = StockReport.objects.filter(dealer=dealer, period=period).first()
        stock, flow = [], []
        if saved is not None:
            stock_lines, flow_lines = queries.report_lines(report=saved)
            stock = [(line.product_id, line.quantity) for line in stock_lines]
            flow = [{"sold_on": f"{line.sold_on:%Y-%m-%d}", "product_id": line.product_id,
                     "quantity": line.quantity, "customer_id": line.customer_id,
                     "customer_name": line.customer_name, "batch_number": line.batch_number}
                    for line in flow_lines]
            context["existing"] = saved
    stock_rows, flow_rows, general = _rows_for_page(stock, flow, errors)
    context.update({"dealer": dealer, "period": period, "stock_rows": stock_rows,
                    "flow_rows": flow_rows, "general_errors": general,
                    "customers": _customers(dealer)})
    return render(request, "stock/report_form.html", context)


@login_required
@permission_required("stock.add_report", raise_exception=True)
def product_search(request):
    """HTMX: on-sale products matching the typed SKU or name, each adding a form row."""
    text = request.GET.get("q", "").strip()
    products = []
    if text:
        products = list(Product.objects.filter(status=ProductStatus.ACTIVE)
                        .filter(sku__istartswith=text).order_by("sku")[:SEARCH_SHOWN]
                        or Product.objects.filter(status=ProductStatus.ACTIVE,
                                                  name__icontains=text)
                        .order_by("sku")[:SEARCH_SHOWN])
    return render(request, "stock/_product_choices.html", {
        "products": products, "section": request.GET.get("section", "stock"),
        "dealer_id": request.GET.get("dealer", ""), "text": text})


@login_required
@permission_required("stock.add_report", raise_exception=True)
def line_row(request):
    """HTMX: one empty stock or flow row for the chosen product."""
    product = Product.objects.filter(pk=request.GET.get("product") or 0,
                                     status=ProductStatus.ACTIVE).first()
    if product is None:
        raise Http404
    if request.GET.get("section") == "flow":
        dealer = _dealer(request, int(request.GET.get("dealer") or 0))
        period = request.GET.get("period", "")
        row = {"product": product, "product_id": product.pk, "quantity": "",
               "sold_on": f"{period}-01" if len(period) == 7 else "", "customer_id": "",
               "customer_name": "", "batch_number": "", "errors": []}
        return render(request, "stock/_flow_row.html",
                      {"row": row, "customers": _customers(dealer)})
    row = {"product": product, "product_id": product.pk, "quantity": "", "errors": []}
    return render(request, "stock/_stock_row.html", {"row": row})


@login_required
@permission_required("stock.add_report", raise_exception=True)
def report_upload(request):
    """Upload a stock sheet and a flow sheet for a dealer and month; every error is listed
    and nothing is saved unless both are clean."""
    kind = request.GET.get("template")
    if kind in ("stock", "flow"):
        columns = importer.STOCK_COLUMNS if kind == "stock" else importer.FLOW_COLUMNS
        return template_response(filename=f"{kind}-report-template", columns=columns)
    form = ReportUploadForm(request.POST or None, request.FILES or None, user=request.user,
                            initial={"period": last_month()})
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = importer.report_import(
                actor=request.user, dealer=form.chosen_dealer(),
                period=form.cleaned_data["period"],
                stock_upload=form.cleaned_data.get("stock_file"),
                flow_upload=form.cleaned_data.get("flow_file"))
        except ImportFailed as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        except NotAllowed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Report for %(month)s saved.") % {
                "month": f"{report.period:%Y-%m}"})
            return redirect("stock:report_detail", pk=report.pk)
    return render(request, "stock/report_upload.html",
                  {"form": form, "errors": errors, "active_nav": NAV})


@login_required
@permission_required("stock.view_stock", raise_exception=True)
def report_detail(request, pk: int):
    """One month's report: stock on hand, sales by customer, and its history."""
    try:
        report = queries.report_get(user=request.user, pk=pk)
    except StockReport.DoesNotExist:
        raise Http404 from None
    stock, flow = queries.report_lines(report=report)
    terms = queries.stock_terms(report.dealer, report.period)
    due = queries.report_due_on(report.period, terms["flow_report_day"])
    return render(request, "stock/report_detail.html", {
        "report": report, "stock_lines": stock, "flow_lines": flow,
        "history": audit.history(report)[:20],
        "late": timezone.localtime(report.submitted_at).date() > due,
        "active_nav": NAV,
    })


def _as_of(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@permission_required("stock.view_stock", raise_exception=True)
def stock_position(request, dealer_pk: int):
    """A dealer's stock per SKU with days of stock and flags, sell-in vs sell-out by month,
    and the sell-through of its latest shipments."""
    dealer = _dealer(request, dealer_pk)
    as_of = _as_of(request)
    position = queries.stock_position(user=request.user, dealer=dealer, as_of=as_of)
    through = queries.sell_through(user=request.user, dealer=dealer, as_of=as_of, limit=100)
    return render(request, "stock/stock_position.html", {
        "dealer": dealer, "position": position, "through": through,
        "series": through["series"], "active_nav": NAV,
        "report_url": reverse("stock:report_form") + "?" + urlencode({"dealer": dealer.pk}),
    })


@login_required
@permission_required("stock.view_stock", raise_exception=True)
def missing_list(request):
    """Dealers whose report for the month is past its due day (default: last month)."""
    try:
        period = month_start(period_parse(request.GET.get("period") or last_month()))
    except ValueError:
        period = month_start(period_parse(last_month()))
    page = paginate(request, queries.missing_reports(user=request.user, period=period))
    for dealer in page.object_list:
        dealer.due_on = queries.report_due_on(period, dealer.due_day)
    context = {"page": page, "period": period, "query": query_without_page(request),
               "active_nav": NAV}
    return list_render(request, context, template="stock/missing_list.html",
                       partial="stock/_missing_results.html")
