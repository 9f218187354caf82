"""Stock and flow reports from Excel: two sheets (files), stock on hand and sales made.

Each file is checked whole; the report is saved through `stock_report_submit` only when
neither has an error, and then replaces the month's report like any other submission.
Headers may be in Chinese or English (or the column keys).
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.catalog.models import Product
from qudao.core.excel import Column, ImportFailed, RowError, read_rows
from qudao.dealers.models import Dealer
from qudao.stock import services
from qudao.stock.exceptions import StockReportInvalid
from qudao.stock.models import ReportSource, StockReport
from qudao.territories.models import Territory

STOCK_COLUMNS = [
    Column("sku", gettext_lazy("SKU"), required=True),
    Column("quantity", gettext_lazy("Quantity on hand"), required=True, kind="int"),
]
FLOW_COLUMNS = [
    Column("sold_on", gettext_lazy("Date"), required=True, kind="date"),
    Column("sku", gettext_lazy("SKU"), required=True),
    Column("quantity", gettext_lazy("Quantity"), required=True, kind="int"),
    Column("customer_code", gettext_lazy("Customer dealer code")),
    Column("customer_name", gettext_lazy("Customer name")),
    Column("territory_code", gettext_lazy("Region code")),
    Column("batch_number", gettext_lazy("Batch number")),
]
EXPORT_COLUMNS = [
    Column("dealer_code", gettext_lazy("Dealer code")),
    Column("dealer_name", gettext_lazy("Dealer")),
    Column("period", gettext_lazy("Month")),
    Column("source", gettext_lazy("Source")),
    Column("submitted_at", gettext_lazy("Submitted at")),
    Column("stock_lines", gettext_lazy("SKUs in stock")),
    Column("stock_quantity", gettext_lazy("Quantity on hand")),
    Column("flow_lines", gettext_lazy("Flow lines")),
    Column("flow_quantity", gettext_lazy("Quantity sold")),
]
# Service field -> sheet column key, to point a service error at the right cell.
_FIELD_COLUMN = {"product_id": "sku", "quantity": "quantity", "sold_on": "sold_on",
                 "customer_id": "customer_code", "customer_name": "customer_name",
                 "territory_id": "territory_code", "batch_number": "batch_number"}


def export_row(report: StockReport) -> list[Any]:
    return [report.dealer.code, report.dealer.name, f"{report.period:%Y-%m}",
            report.get_source_display(), report.submitted_at, report.stock_line_count,
            report.stock_quantity, report.flow_line_count, report.flow_quantity]


def _label(section: str) -> str:
    return _("Stock") if section == "stock" else _("Flow")


def _header(section: str, key: str) -> str:
    columns = STOCK_COLUMNS if section == "stock" else FLOW_COLUMNS
    header = next((str(c.header) for c in columns if c.key == key), key)
    return f"{_label(section)} · {header}"


def _read(section: str, upload: Any, columns: list[Column]
          ) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    if upload is None:
        return [], []
    try:
        rows, errors = read_rows(upload, columns)
    except ImportFailed as exc:
        return [], [RowError(e.row, f"{_label(section)} · {e.column}" if e.column
                             else _label(section), e.message) for e in exc.errors]
    return rows, [RowError(e.row, f"{_label(section)} · {e.column}", e.message)
                  for e in errors]


def report_import(*, actor: Any, dealer: Dealer, period: datetime.date,
                  stock_upload: Any = None, flow_upload: Any = None) -> StockReport:
    """Save the month's report from a stock sheet and a flow sheet (either may be absent).

    Raises ImportFailed with every error by sheet, row and column; nothing is saved then.
    NotAllowed passes through as from the service.
    """
    if stock_upload is None and flow_upload is None:
        raise ImportFailed([RowError(0, "", _("Upload a stock sheet, a flow sheet or both."))])
    stock_rows, errors = _read("stock", stock_upload, STOCK_COLUMNS)
    flow_rows, flow_errors = _read("flow", flow_upload, FLOW_COLUMNS)
    errors += flow_errors
    skus = {r.get("sku") for _n, r in stock_rows + flow_rows if r.get("sku")}
    products = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk"))
    codes = {r.get("customer_code") for _n, r in flow_rows if r.get("customer_code")}
    customers = dict(Dealer.objects.filter(code__in=codes).values_list("code", "pk"))
    regions = {r.get("territory_code") for _n, r in flow_rows if r.get("territory_code")}
    territories = dict(Territory.objects.filter(code__in=regions).values_list("code", "pk"))

    def lookup(section: str, number: int, key: str, value: Any, known: dict) -> Any:
        if not value:
            return None
        if value not in known:
            errors.append(RowError(number, _header(section, key),
                                   _("Unknown code “%(value)s”.") % {"value": value}))
        return known.get(value)

    stock_lines = [(lookup("stock", n, "sku", r.get("sku"), products), r.get("quantity"))
                   for n, r in stock_rows]
    flow_lines = [{
        "sold_on": r.get("sold_on"),
        "product_id": lookup("flow", n, "sku", r.get("sku"), products),
        "quantity": r.get("quantity"),
        "customer_id": lookup("flow", n, "customer_code", r.get("customer_code"), customers),
        "customer_name": r.get("customer_name") or "",
        "territory_id": lookup("flow", n, "territory_code", r.get("territory_code"),
                               territories),
        "batch_number": r.get("batch_number") or "",
    } for n, r in flow_rows]
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: (e.column.split(" · ")[0], e.row)))
    try:
        return services.stock_report_submit(
            actor=actor, dealer=dealer, period=period, stock_lines=stock_lines,
            flow_lines=flow_lines, source=ReportSource.EXCEL)
    except StockReportInvalid as exc:
        numbers = {"stock": [n for n, _r in stock_rows], "flow": [n for n, _r in flow_rows]}
        raise ImportFailed([
            RowError(numbers[e["section"]][e["line"] - 1] if e["line"] else 0,
                     _header(e["section"], _FIELD_COLUMN.get(e["field"], e["field"]))
                     if e["section"] in numbers else e["field"], e["message"])
            for e in exc.errors]) from exc
