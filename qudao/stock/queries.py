"""Reads of stock and flow: reports, stock position, sell-through and missing reports.

Each starts from the user's scope. Sums are grouped in the database; Python only shapes
the grouped rows (one per product or month) for the page.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.agreements import queries as agreement_queries
from qudao.agreements.choices import AgreementStatus
from qudao.agreements.models import Agreement
from qudao.core.pagination import filters_copy
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.orders.models import ShipmentLine
from qudao.stock.filters import StockReportFilter
from qudao.stock.models import FlowLine, StockLine, StockReport
from qudao.stock.periods import add_months, month_end, month_start

SALES_WINDOW_DAYS = 90
DEFAULT_REPORT_DAY = 10
# Shipments on or after this day of the month count as "month end" (压货 shows there).
MONTH_END_FROM_DAY = 25
STOCKOUT, OVERSTOCK = "stockout", "overstock"
FLAG_LABELS = {STOCKOUT: _("Stock-out risk"), OVERSTOCK: _("Overstock")}
TENTH = Decimal("0.1")
CENT = Decimal("0.01")


def _sum_of(model: Any, field: str = "quantity") -> Subquery:
    rows = (model.objects.filter(report=OuterRef("pk")).order_by().values("report")
            .annotate(total=Sum(field)).values("total"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _count_of(model: Any) -> Subquery:
    rows = (model.objects.filter(report=OuterRef("pk")).order_by().values("report")
            .annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def report_list(*, user: Any, filters: dict | None = None) -> QuerySet[StockReport]:
    """Reports of the dealers the user may see, newest month first, with their totals."""
    reports = (dealer_rows(StockReport.objects.all(), user)
               .select_related("dealer", "submitted_by")
               .annotate(stock_quantity=_sum_of(StockLine), flow_quantity=_sum_of(FlowLine),
                         stock_line_count=_count_of(StockLine),
                         flow_line_count=_count_of(FlowLine))
               .order_by("-period", "dealer__code"))
    return StockReportFilter(filters_copy(filters), queryset=reports).qs


def report_get(*, user: Any, pk: int) -> StockReport:
    """One report of a visible dealer with its totals; StockReport.DoesNotExist otherwise."""
    return report_list(user=user).get(pk=pk)


def report_lines(*, report: StockReport) -> tuple[QuerySet[StockLine], QuerySet[FlowLine]]:
    """The report's stock lines by SKU and its flow lines by date, with what pages show."""
    stock = report.stock_lines.select_related("product").order_by("product__sku")
    flow = (report.flow_lines.select_related("product", "customer", "territory")
            .order_by("sold_on", "id"))
    return stock, flow


def _visible_or_404(user: Any, dealer: Dealer) -> None:
    if not visible_dealers(user).filter(pk=dealer.pk).exists():
        raise Dealer.DoesNotExist


def stock_terms(dealer: Dealer, day: datetime.date) -> dict[str, Any]:
    terms = (agreement_queries.agreements_in_force(dealer_id=dealer.pk, day=day)
             .order_by("-start_date", "-id")
             .values("safety_stock_days", "max_stock_days", "flow_report_day").first())
    return terms or {"safety_stock_days": None, "max_stock_days": None,
                     "flow_report_day": None}


def _flag(quantity: int, days: Decimal | None, safety: int | None,
          maximum: int | None) -> str:
    if days is None:
        # Stock with no sales at all in the window is dead stock: over any maximum.
        return OVERSTOCK if quantity > 0 and maximum is not None else ""
    if safety is not None and days < safety:
        return STOCKOUT
    if maximum is not None and days > maximum:
        return OVERSTOCK
    return ""


def stock_position(*, user: Any, dealer: Dealer,
                   as_of: datetime.date | None = None) -> dict[str, Any]:
    """Per SKU: the last reported quantity, average daily sell-out, days of stock and a flag.

    The quantity is the dealer's latest report for a month up to `as_of` (a SKU sold but
    left out of it has 0). Average daily sell-out is the flow reported over the 90 days up
    to that month's end (or `as_of` if earlier); a dealer with no flow at all in those days
    is measured by the shipments it received instead (sell-in). Days of stock compare with
    the agreement in force: under safety_stock_days is a stock-out risk, over max_stock_days
    overstock (R-AG-14, R-OP-07). Raises Dealer.DoesNotExist if the user may not see it.
    A constant number of queries (at most six).
    """
    _visible_or_404(user, dealer)
    as_of = as_of or timezone.localdate()
    report = (StockReport.objects.filter(dealer=dealer, period__lte=month_start(as_of))
              .order_by("-period").values("id", "period", "submitted_at").first())
    basis = min(month_end(report["period"]), as_of) if report else as_of
    start = basis - datetime.timedelta(days=SALES_WINDOW_DAYS - 1)
    terms = stock_terms(dealer, as_of)
    products: dict[int, dict[str, Any]] = {}
    if report:
        for row in (StockLine.objects.filter(report_id=report["id"])
                    .values("product_id", "product__sku", "product__name", "quantity")):
            products[row["product_id"]] = {**row, "sold": 0}
    sold = list(FlowLine.objects.filter(report__dealer=dealer, sold_on__range=(start, basis))
                .order_by().values("product_id", "product__sku", "product__name")
                .annotate(sold=Sum("quantity")))
    sales_basis = "flow"
    if not sold:
        sales_basis = "shipments"
        sold = list(ShipmentLine.objects
                    .filter(shipment__dealer=dealer,
                            shipment__shipped_on__range=(start, basis))
                    .order_by().values("product_id", "product__sku", "product__name")
                    .annotate(sold=Sum("quantity")))
    for row in sold:
        line = products.setdefault(row["product_id"], {**row, "quantity": 0})
        line["sold"] = row["sold"]
    safety, maximum = terms["safety_stock_days"], terms["max_stock_days"]
    lines = []
    for line in sorted(products.values(), key=lambda item: item["product__sku"]):
        sold_qty, quantity = line["sold"], line["quantity"]
        days = (Decimal(quantity * SALES_WINDOW_DAYS) / sold_qty).quantize(TENTH, ROUND_HALF_UP) \
            if sold_qty else None
        flag = _flag(quantity, days, safety, maximum)
        lines.append({
            "product_id": line["product_id"], "sku": line["product__sku"],
            "name": line["product__name"], "quantity": quantity, "sold_90d": sold_qty,
            "daily_sales": (Decimal(sold_qty) / SALES_WINDOW_DAYS).quantize(CENT, ROUND_HALF_UP),
            "days_of_stock": days, "flag": flag, "flag_label": FLAG_LABELS.get(flag, ""),
        })
    return {
        "dealer_id": dealer.pk, "as_of": as_of,
        "report_id": report["id"] if report else None,
        "report_period": report["period"] if report else None,
        "basis_date": basis, "window_start": start,
        "sales_basis": sales_basis if sold else None,
        "safety_stock_days": safety, "max_stock_days": maximum, "lines": lines,
        "stockout_count": sum(1 for line in lines if line["flag"] == STOCKOUT),
        "overstock_count": sum(1 for line in lines if line["flag"] == OVERSTOCK),
    }


def sell_through(*, user: Any, dealer: Dealer, as_of: datetime.date | None = None,
                 limit: int = 200, months: int = 12) -> dict[str, Any]:
    """What share of each shipment the dealer has sold on, and sell-in vs sell-out by month.

    The dealer's reported flow of a product is allocated to its shipments of that product
    oldest first (FIFO): a shipment line counts as sold up to what the flow covers once the
    older lines are used up. Lines are listed newest first (at most `limit`), with per
    product totals. The monthly series (last `months` months up to `as_of`) compare units
    shipped to the dealer (sell-in) with units it reported sold (sell-out), and the share
    shipped from day 25 on, where month-end stuffing (压货) shows (R-OP-09).
    Raises Dealer.DoesNotExist if the user may not see it. Five queries.
    """
    _visible_or_404(user, dealer)
    as_of = as_of or timezone.localdate()
    flow_totals = dict(FlowLine.objects.filter(report__dealer=dealer).order_by()
                       .values_list("product_id").annotate(total=Sum("quantity")))
    shipped = (ShipmentLine.objects.filter(shipment__dealer=dealer)
               .annotate(running=Window(Sum("quantity"), partition_by=[F("product_id")],
                                        order_by=[F("shipment__shipped_on").asc(),
                                                  F("id").asc()]))
               .values("id", "product_id", "product__sku", "product__name", "batch_number",
                       "quantity", "shipment_id", "shipment__number", "shipment__shipped_on",
                       "running")
               .order_by("-shipment__shipped_on", "-id")[:limit])
    lines = []
    for row in shipped:
        flow = flow_totals.get(row["product_id"], 0)
        before = row["running"] - row["quantity"]
        sold = max(0, min(row["quantity"], flow - before))
        lines.append({
            "shipment_line_id": row["id"], "shipment_id": row["shipment_id"],
            "shipment_number": row["shipment__number"],
            "shipped_on": row["shipment__shipped_on"], "product_id": row["product_id"],
            "sku": row["product__sku"], "name": row["product__name"],
            "batch_number": row["batch_number"], "shipped": row["quantity"], "sold": sold,
            "share": (Decimal(sold * 100) / row["quantity"]).quantize(TENTH, ROUND_HALF_UP),
        })
    products = []
    for row in (ShipmentLine.objects.filter(shipment__dealer=dealer).order_by()
                .values("product_id", "product__sku", "product__name")
                .annotate(shipped=Sum("quantity")).order_by("product__sku")):
        sold = min(row["shipped"], flow_totals.get(row["product_id"], 0))
        products.append({"product_id": row["product_id"], "sku": row["product__sku"],
                         "name": row["product__name"], "shipped": row["shipped"],
                         "sold": sold, "on_hand_estimate": row["shipped"] - sold,
                         "share": (Decimal(sold * 100) / row["shipped"]).quantize(
                             TENTH, ROUND_HALF_UP)})
    first = add_months(month_start(as_of), -(months - 1))
    sell_in = {row["month"]: row for row in (
        ShipmentLine.objects.filter(shipment__dealer=dealer,
                                    shipment__shipped_on__range=(first, as_of))
        .annotate(month=TruncMonth("shipment__shipped_on")).order_by().values("month")
        .annotate(units=Sum("quantity"),
                  late=Sum(Case(When(shipment__shipped_on__day__gte=MONTH_END_FROM_DAY,
                                     then="quantity"), default=Value(0)))))}
    sell_out = dict(FlowLine.objects.filter(report__dealer=dealer,
                                            report__period__range=(first, as_of))
                    .order_by().values_list("report__period").annotate(units=Sum("quantity")))
    series: dict[str, list[Any]] = {"months": [], "sell_in": [], "sell_out": [],
                                    "month_end_share": []}
    for index in range(months):
        month = add_months(first, index)
        got = _as_month_row(sell_in, month)
        series["months"].append(f"{month:%Y-%m}")
        series["sell_in"].append(got["units"])
        series["sell_out"].append(sell_out.get(month, 0))
        series["month_end_share"].append(
            float((Decimal(got["late"] * 100) / got["units"]).quantize(TENTH))
            if got["units"] else 0)
    return {"dealer_id": dealer.pk, "lines": lines, "products": products, "series": series,
            "flow_total": sum(flow_totals.values())}


def _as_month_row(rows: dict[Any, dict[str, Any]], month: datetime.date) -> dict[str, int]:
    """The grouped row of `month` (TruncMonth gives a date, or a datetime on some backends)."""
    for key, row in rows.items():
        day = key.date() if isinstance(key, datetime.datetime) else key
        if day == month:
            return {"units": row["units"] or 0, "late": row["late"] or 0}
    return {"units": 0, "late": 0}


def report_due_on(period: datetime.date, due_day: int | None) -> datetime.date:
    """The last day to report `period`: the agreement's day (default 10) of the next month."""
    return add_months(period, 1).replace(day=due_day or DEFAULT_REPORT_DAY)


def missing_reports(*, user: Any, period: datetime.date,
                    today: datetime.date | None = None) -> QuerySet[Dealer]:
    """Visible dealers with an active agreement in force during `period` and no report for
    it once its due day (the agreement's flow_report_day, default 10, of the next month) has
    passed (R-AG-10). Each carries `due_day` and `last_period` (its latest report). One query.
    """
    today = today or timezone.localdate()
    period = month_start(period)
    if today < add_months(period, 1):
        return Dealer.objects.none()
    # In the month after the period a dealer is late once the day passed its due day; any
    # later, every dealer without the report is.
    cutoff = today.day if today < add_months(period, 2) else 99
    agreements = (Agreement.objects
                  .filter(dealer=OuterRef("pk"), status=AgreementStatus.ACTIVE,
                          start_date__lte=month_end(period), end_date__gte=period)
                  .annotate(day=Coalesce("flow_report_day", Value(DEFAULT_REPORT_DAY)))
                  .order_by("day").values("day")[:1])
    last = (StockReport.objects.filter(dealer=OuterRef("pk")).order_by()
            .values("dealer").annotate(last=Max("period")).values("last"))
    return (visible_dealers(user)
            .annotate(due_day=Subquery(agreements, output_field=IntegerField()))
            .filter(due_day__isnull=False, due_day__lt=cutoff)
            .exclude(pk__in=StockReport.objects.filter(period=period).values("dealer_id"))
            .annotate(last_period=Subquery(last))
            .select_related("territory", "assigned_rep").order_by("code"))


def dealer_panel(*, user: Any, dealer: Dealer) -> dict[str, Any]:
    """The stock panel of the dealer page: last report, days-of-stock flags, missing report.

    "Missing" looks at last month's report once its due day has passed.
    """
    today = timezone.localdate()
    last = (StockReport.objects.filter(dealer=dealer).order_by("-period")
            .values("id", "period", "submitted_at", "source").first())
    position = stock_position(user=user, dealer=dealer, as_of=today)
    period = add_months(month_start(today), -1)
    missing = (missing_reports(user=user, period=period, today=today)
               .filter(pk=dealer.pk).values("due_day").first())
    return {
        "dealer": dealer, "last_report": last, "position": position,
        "flagged": [line for line in position["lines"] if line["flag"]][:5],
        "missing_period": period if missing else None,
        "missing_due_on": report_due_on(period, missing["due_day"]) if missing else None,
        "can_report": user.has_perm("stock.add_report"),
    }


def report_exists(*, user: Any, dealer: Dealer, period: datetime.date) -> bool:
    """Whether the dealer already reported `period` (a new submission then replaces it)."""
    return dealer_rows(StockReport.objects.all(), user).filter(dealer=dealer,
                                                               period=period).exists()
