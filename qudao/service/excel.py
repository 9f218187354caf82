"""Service requests and the on-time report as sheets."""

from typing import Any

from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from qudao.core.excel import Column
from qudao.service.models import ServiceRequest

EXPORT_COLUMNS = [
    Column("number", _("Request number")),
    Column("created_at", _("Raised at")),
    Column("dealer_code", _("Dealer code")),
    Column("dealer_name", _("Dealer")),
    Column("function", _("Type")),
    Column("department", _("Department")),
    Column("priority", _("Priority")),
    Column("subject", _("Subject")),
    Column("status", _("Status")),
    Column("channel", _("Raised through")),
    Column("assignee", _("Assigned to")),
    Column("first_response_due", _("First response due")),
    Column("first_response_at", _("First response at")),
    Column("response_on_time", _("Responded in time")),
    Column("resolution_due", _("Resolution due")),
    Column("resolved_at", _("Resolved at")),
    Column("resolution_on_time", _("Resolved in time")),
    Column("overdue", _("Overdue now")),
    Column("rating", _("Satisfaction"), kind="int"),
    Column("product", _("Product SKU")),
]

REPORT_COLUMNS = [
    Column("month", _("Month")),
    Column("department", _("Department")),
    Column("function", _("Type")),
    Column("requests", _("Requests"), kind="int"),
    Column("response_on_time", _("First responses in time"), kind="int"),
    Column("response_late", _("First responses late"), kind="int"),
    Column("response_share", _("Responded in time (%)"), kind="float"),
    Column("resolution_on_time", _("Resolutions in time"), kind="int"),
    Column("resolution_late", _("Resolutions late"), kind="int"),
    Column("resolution_share", _("Resolved in time (%)"), kind="float"),
    Column("rating", _("Average satisfaction"), kind="float"),
]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _gettext("yes") if value else _gettext("no")


def export_row(request: ServiceRequest) -> list[Any]:
    return [request.number, request.created_at, request.dealer.code, request.dealer.name,
            request.function.display_name, request.department, request.get_priority_display(),
            request.subject, request.get_status_display(), request.get_channel_display(),
            str(request.assignee or ""), request.first_response_due, request.first_response_at,
            _yes_no(request.response_on_time), request.resolution_due, request.resolved_at,
            _yes_no(request.resolution_on_time), _yes_no(request.is_overdue), request.rating,
            request.product.sku if request.product_id else ""]


def _percent(share: Any) -> float | None:
    # A share is not money: a number Excel can chart, to a tenth of a percent.
    return None if share is None else round(float(share) * 100, 1)


def report_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per month and function that had requests."""
    rows = []
    for group in report["groups"]:
        for row in group["functions"]:
            for month, cell in zip(report["months"], row.cells, strict=True):
                if not cell.requests:
                    continue
                rows.append([f"{month:%Y-%m}", row.department, row.label, cell.requests,
                             cell.response_on_time, cell.response_late,
                             _percent(cell.response_share), cell.resolution_on_time,
                             cell.resolution_late, _percent(cell.resolution_share),
                             None if cell.rating is None else float(cell.rating)])
    return rows
