"""Every write of stock and flow reports: validated as a whole, scoped, atomic and audited."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.catalog.models import Product, ProductStatus
from qudao.core import audit
from qudao.core.exceptions import NotAllowed
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.stock.exceptions import StockReportInvalid
from qudao.stock.models import FlowLine, ReportSource, StockLine, StockReport
from qudao.stock.periods import month_end, month_start
from qudao.territories.models import Territory

# A quantity beyond this is a typing slip, and would overflow the column anyway.
MAX_QUANTITY = 100_000_000
FLOW_FIELDS = ("sold_on", "product_id", "quantity", "customer_id", "customer_name",
               "territory_id", "batch_number")


class _Errors:
    """Faults found while checking a report, in the order of its lines."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, section: str, line: int, field: str, message: str) -> None:
        self.items.append({"section": section, "line": line, "field": field,
                           "message": str(message)})


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        text = str(value).strip()
        return int(text) if text else None
    except (TypeError, ValueError):
        return None


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def descendants(dealer: Dealer) -> Q:
    """Dealers below `dealer` in the network (the tree is at most four levels deep)."""
    return Q(parent=dealer) | Q(parent__parent=dealer) | Q(parent__parent__parent=dealer)


def _check_quantity(errors: _Errors, section: str, line: int, value: Any,
                    minimum: int) -> int | None:
    quantity = _as_int(value)
    if quantity is None:
        errors.add(section, line, "quantity", _("Enter a whole number."))
    elif quantity < minimum:
        errors.add(section, line, "quantity",
                   _("The quantity must be at least %(min)d.") % {"min": minimum})
    elif quantity > MAX_QUANTITY:
        errors.add(section, line, "quantity", _("The quantity is too large."))
    else:
        return quantity
    return None


def _check_product(errors: _Errors, section: str, line: int, value: Any,
                   products: dict[int, Product]) -> Product | None:
    product = products.get(_as_int(value) or 0)
    if product is None:
        errors.add(section, line, "product_id", _("Unknown product."))
    elif product.status != ProductStatus.ACTIVE:
        errors.add(section, line, "product_id",
                   _("%(product)s is not on sale.") % {"product": product})
    else:
        return product
    return None


def stock_report_check(
    *, actor: Any, dealer: Dealer, period: Any,
    stock_lines: list[tuple[Any, Any]], flow_lines: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[StockLine], list[FlowLine]]:
    """Every fault of a report, and its lines as unsaved rows when there is none.

    Rules: the period is the first day of a month, not after the current month; at least
    one line; stock lines name an on-sale product once each with a quantity of 0 or more;
    flow lines have a date within the period, an on-sale product, a quantity of 1 or more,
    a customer (a dealer below this one that the actor may see, or a name), and optionally
    a known region and a batch number. A constant number of queries whatever the lines.
    """
    errors = _Errors()
    period_day = _as_date(period)
    if period_day is None or period_day.day != 1:
        errors.add("report", 0, "period", _("The period is the first day of a month."))
        period_day = None
    elif period_day > month_start(timezone.localdate()):
        errors.add("report", 0, "period", _("A report cannot be for a future month."))
    if not stock_lines and not flow_lines:
        errors.add("report", 0, "lines", _("Report at least one stock or flow line."))

    product_ids = {_as_int(pid) for pid, _qty in stock_lines}
    product_ids |= {_as_int(line.get("product_id")) for line in flow_lines}
    products = Product.objects.in_bulk([pk for pk in product_ids if pk])
    customer_ids = {_as_int(line.get("customer_id")) for line in flow_lines} - {None}
    customers = set()
    if customer_ids:
        below = Dealer.objects.filter(descendants(dealer), pk__in=customer_ids)
        if not actor.is_dealer_user:
            below = below.filter(pk__in=visible_dealers(actor).values("pk"))
        customers = set(below.values_list("pk", flat=True))
    territory_ids = {_as_int(line.get("territory_id")) for line in flow_lines} - {None}
    territories = set(Territory.objects.filter(pk__in=territory_ids)
                      .values_list("pk", flat=True)) if territory_ids else set()

    stock_rows: list[StockLine] = []
    seen: set[int] = set()
    for number, (product_id, raw_quantity) in enumerate(stock_lines, start=1):
        product = _check_product(errors, "stock", number, product_id, products)
        quantity = _check_quantity(errors, "stock", number, raw_quantity, 0)
        if product is not None and product.pk in seen:
            errors.add("stock", number, "product_id",
                       _("%(product)s is reported twice.") % {"product": product})
        elif product is not None and quantity is not None:
            seen.add(product.pk)
            stock_rows.append(StockLine(product=product, quantity=quantity))

    flow_rows: list[FlowLine] = []
    for number, line in enumerate(flow_lines, start=1):
        unknown = set(line) - set(FLOW_FIELDS)
        if unknown:
            errors.add("flow", number, sorted(unknown)[0], _("Unknown field."))
        sold_on = _as_date(line.get("sold_on"))
        if sold_on is None:
            errors.add("flow", number, "sold_on", _("Enter the date of the sale."))
        elif period_day is not None and not period_day <= sold_on <= month_end(period_day):
            errors.add("flow", number, "sold_on",
                       _("%(day)s is outside the reported month %(month)s.") % {
                           "day": sold_on, "month": f"{period_day:%Y-%m}"})
        product = _check_product(errors, "flow", number, line.get("product_id"), products)
        quantity = _check_quantity(errors, "flow", number, line.get("quantity"), 1)
        customer_id = _as_int(line.get("customer_id"))
        name = str(line.get("customer_name") or "").strip()
        if line.get("customer_id") not in (None, "") and customer_id not in customers:
            errors.add("flow", number, "customer_id",
                       _("The customer is not a dealer below %(dealer)s.") % {
                           "dealer": dealer.name})
        elif customer_id is None and not name:
            errors.add("flow", number, "customer_name",
                       _("Name the customer the goods were sold to."))
        if len(name) > 120:
            errors.add("flow", number, "customer_name", _("At most 120 characters."))
        territory_id = _as_int(line.get("territory_id"))
        if line.get("territory_id") not in (None, "") and territory_id not in territories:
            errors.add("flow", number, "territory_id", _("Unknown region."))
        batch = str(line.get("batch_number") or "").strip()
        if len(batch) > 32:
            errors.add("flow", number, "batch_number", _("At most 32 characters."))
        if not errors.items:
            flow_rows.append(FlowLine(sold_on=sold_on, product=product, quantity=quantity,
                                      customer_id=customer_id, customer_name=name,
                                      territory_id=territory_id, batch_number=batch))
    return errors.items, stock_rows, flow_rows


def _totals(stock: Iterable[Any], flow: Iterable[Any]) -> dict[str, int]:
    stock, flow = list(stock), list(flow)
    return {"stock_lines": len(stock), "stock_quantity": sum(r.quantity for r in stock),
            "flow_lines": len(flow), "flow_quantity": sum(r.quantity for r in flow)}


def _saved_totals(report: StockReport) -> dict[str, int]:
    stock = report.stock_lines.aggregate(n=Count("id"), q=Sum("quantity"))
    flow = report.flow_lines.aggregate(n=Count("id"), q=Sum("quantity"))
    return {"stock_lines": stock["n"], "stock_quantity": stock["q"] or 0,
            "flow_lines": flow["n"], "flow_quantity": flow["q"] or 0}


@transaction.atomic
def stock_report_submit(
    *, actor: Any, dealer: Dealer, period: datetime.date,
    stock_lines: list[tuple[Any, Any]], flow_lines: list[dict[str, Any]],
    source: str = ReportSource.PORTAL,
) -> StockReport:
    """Record the dealer's stock at the end of `period` and its sales during it.

    One report per dealer and month: submitting again replaces the report's lines, and
    the audit trail keeps the line counts and quantities before and after. Dealer users
    report for their own dealer, staff with stock.add_report for dealers they may see.
    Raises NotAllowed, or StockReportInvalid listing every fault by line and field;
    either way nothing is written.
    """
    if not actor.has_perm("stock.add_report"):
        raise NotAllowed(_("Your role may not report stock."))
    if not visible_dealers(actor).filter(pk=dealer.pk).exists():
        raise NotAllowed(_("%(dealer)s is outside your scope.") % {"dealer": dealer.name})
    if source not in ReportSource.values:
        raise StockReportInvalid([{"section": "report", "line": 0, "field": "source",
                                   "message": _("Unknown source.")}])
    errors, stock_rows, flow_rows = stock_report_check(
        actor=actor, dealer=dealer, period=period, stock_lines=stock_lines,
        flow_lines=flow_lines)
    if errors:
        raise StockReportInvalid(errors)
    period = _as_date(period)
    now = timezone.now()
    # Lock the month's report so two submissions of it replace lines one after the other.
    report = StockReport.objects.select_for_update().filter(dealer=dealer, period=period).first()
    if report is None:
        report = StockReport.objects.create(dealer=dealer, period=period, source=source,
                                            submitted_at=now, submitted_by=actor)
        before = None
    else:
        before = _saved_totals(report)
        before["source"] = report.source
        report.stock_lines.all().delete()
        report.flow_lines.all().delete()
        report.source, report.submitted_at, report.submitted_by = source, now, actor
        report.save(update_fields=["source", "submitted_at", "submitted_by", "updated_at"])
    for row in [*stock_rows, *flow_rows]:
        row.report = report
    StockLine.objects.bulk_create(stock_rows)
    FlowLine.objects.bulk_create(flow_rows)
    after = _totals(stock_rows, flow_rows)
    after["source"] = source
    if before is None:
        audit.record(actor=actor, target=report, event="stock_report.submitted", data=after)
    else:
        audit.record(actor=actor, target=report, event="stock_report.updated",
                     data={key: [before[key], value] for key, value in after.items()})
    return report
