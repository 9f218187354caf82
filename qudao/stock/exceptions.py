"""Errors of stock and flow reports."""

from typing import Any

from django.utils.translation import gettext as _

from qudao.core.exceptions import DomainError


class StockReportInvalid(DomainError):
    """The report breaks a rule; nothing was saved.

    `errors` lists every fault found, each {"section": "report" | "stock" | "flow",
    "line": line number counted from 1 (0 for the report itself), "field", "message"}.
    """

    code = "stock_report_invalid"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0]
        where = (_("%(section)s line %(line)d") % {"section": first["section"],
                                                   "line": first["line"]}
                 if first["line"] else "")
        message = _("The report has %(count)d error(s); nothing was saved.") % {
            "count": len(errors)}
        if where:
            message = f"{message} {where}, {first['field']}: {first['message']}"
        else:
            message = f"{message} {first['field']}: {first['message']}"
        super().__init__(message, errors=errors)
        self.errors = errors
