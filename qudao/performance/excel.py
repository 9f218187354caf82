"""Excel sheets of channel performance: the report, the KPI ranking, and channel expenses
both ways (the import is all-or-nothing, with every row's errors)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.core.excel import Column, ImportFailed, RowError, read_rows
from qudao.performance import services
from qudao.performance.choices import ExpenseCategory
from qudao.performance.models import ChannelExpense
from qudao.stock.periods import period_parse
from qudao.territories.models import Territory

EXPENSE_COLUMNS = [
    Column("region", gettext_lazy("Region code"), required=True),
    Column("month", gettext_lazy("Month (YYYY-MM)"), required=True),
    Column("category", gettext_lazy("Category"), required=True),
    Column("amount", gettext_lazy("Amount (CNY)"), required=True, kind="decimal"),
    Column("note", gettext_lazy("Note")),
]
EXPORT_COLUMNS = EXPENSE_COLUMNS + [Column("region_name", gettext_lazy("Region")),
                                    Column("entered_by", gettext_lazy("Entered by"))]
REPORT_COLUMNS = [Column("aspect", gettext_lazy("Aspect")),
                  Column("indicator", gettext_lazy("Indicator")),
                  Column("value", gettext_lazy("Value")),
                  Column("note", gettext_lazy("How it is counted"))]
KPI_COLUMNS = [Column("rank", gettext_lazy("Rank"), kind="int"),
               Column("rep", gettext_lazy("Sales rep")),
               Column("total", gettext_lazy("KPI total"), kind="decimal")]


def expense_row(expense: ChannelExpense) -> list[Any]:
    return [expense.territory.code, f"{expense.month:%Y-%m}", expense.category, expense.amount,
            expense.note, expense.territory.display_name, str(expense.created_by or "")]


def _category_names() -> dict[str, str]:
    names = {value: value for value in ExpenseCategory.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update({str(label).lower(): value for value, label in ExpenseCategory.choices})
    return names


def expenses_import(*, actor: Any, upload: Any) -> int:
    """Save the expenses of an Excel sheet, all or none (R-EV-11). Raises ImportFailed with
    every row's errors: an unknown region, a bad month or category, a negative amount."""
    rows, errors = read_rows(upload, EXPENSE_COLUMNS)
    headers = {column.key: str(column.header) for column in EXPENSE_COLUMNS}
    codes = {str(r.get("region") or "").strip() for _n, r in rows}
    territories = {t.code: t for t in Territory.objects.filter(code__in=codes)}
    categories = _category_names()
    reported = {(e.row, e.column) for e in errors}
    prepared = []
    for number, record in rows:
        values: dict[str, Any] = {"note": record.get("note") or "",
                                  "amount": record.get("amount")}
        code = str(record.get("region") or "").strip()
        values["territory"] = territories.get(code)
        if code and values["territory"] is None:
            errors.append(RowError(number, headers["region"],
                                   _("Unknown region code “%(value)s”.") % {"value": code}))
            reported.add((number, headers["region"]))
        try:
            values["month"] = period_parse(record.get("month")) if record.get("month") else None
        except ValueError as exc:
            values["month"] = None
            errors.append(RowError(number, headers["month"], str(exc)))
            reported.add((number, headers["month"]))
        category = str(record.get("category") or "").strip()
        values["category"] = categories.get(category.lower(), category)
        for field, why in services.expense_check(actor=actor, values=values).items():
            header = headers.get({"territory": "region"}.get(field, field), field)
            if (number, header) not in reported:
                errors.append(RowError(number, header, why))
        prepared.append(values)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: (e.row, e.column)))
    if not prepared:
        raise ImportFailed([RowError(2, "", _("The sheet has no expense rows."))])
    return services.expenses_write(actor=actor, rows=prepared)


def _percent(value: Decimal | None) -> str:
    if value is None:
        return _("n/a")
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def _plain(value: Any) -> Any:
    return _("n/a") if value is None else value


def report_rows(report: dict[str, Any]) -> list[list[Any]]:
    """The report as (aspect, indicator, value, how it is counted) rows."""
    org, ops = report["organization"], report["operations"]
    svc, econ = report["service"], report["economics"]
    management, operating = _("Management organization"), _("Operating status")
    service, economic = _("Service quality"), _("Economic effect")
    rows = [
        [management, _("Sales reps"), org["reps"], ""],
        [management, _("Active dealers (not terminals)"), org["dealers"], ""],
        [management, _("Reps per 100 dealers"), _plain(org["reps_per_100"]), ""],
        [management, _("Dealers per rep"), _plain(org["dealers_per_rep"]), ""],
        [management, _("Dealers with an assigned rep"), _percent(org["with_rep_share"]), ""],
        [management, _("Areas with a regional manager"), _percent(org["manager_share"]),
         f"{org['areas_covered']} / {org['areas']}"],
        [management, _("Terminals called or visited"), _percent(org["terminal_share"]),
         f"{org['terminals_reached']} / {org['terminals']}"],
        [management, _("Reps' average KPI score"), _plain(org["kpi_average"]), ""],
        [operating, _("Sell-in (order amount)"), ops["sell_in"], ""],
        [operating, _("Sell-out quantity (flow reports)"), ops["sold"], ""],
        [operating, _("Sell-through"), _percent(ops["sell_through"]), ""],
        [operating, _("Collected"), ops["collected"], ""],
        [operating, _("Collection rate"), _percent(ops["collection_rate"]),
         _("collected ÷ invoiced")],
        [operating, _("Days sales outstanding"), _plain(ops["dso"]),
         _("receivable at the end ÷ invoiced × days")],
        [operating, _("Over 30 days overdue at the end"), ops["overdue30"], ""],
        [operating, _("Dealers ordering regularly"), _percent(ops["regular_share"]),
         _("ordering in at least %(n)d of the months") % {"n": ops["regular_months"]}],
        [operating, _("Customers sold to per month"), _plain(ops["customers_per_month"]), ""],
        [operating, _("Channel conflicts"), _plain(ops["conflicts"]), ""],
    ]
    indicator = ops["indicator"]
    if indicator is not None:
        rows += [[operating, _("Relationship and interaction"), indicator.relationship,
                  indicator.note],
                 [operating, _("Member satisfaction"), indicator.satisfaction, ""],
                 [operating, _("Channel atmosphere"), indicator.atmosphere, ""]]
    rows += [
        [service, _("Service requests"), svc["requests"], ""],
        [service, _("First response on time"), _percent(svc["response_share"]), ""],
        [service, _("Resolved on time"), _percent(svc["resolution_share"]), ""],
        [service, _("Average hours to first response"), _plain(svc["response_hours"]), ""],
        [service, _("Average hours to resolution"), _plain(svc["resolution_hours"]), ""],
        [service, _("Complaints"), svc["complaints"], ""],
        [service, _("Average hours to handle a complaint"), _plain(svc["complaint_hours"]),
         ""],
        [service, _("Days from order to delivery"), _plain(svc["delivery_days"]), ""],
        [economic, _("Sales"), econ["sales"], ""],
        [economic, _("Sales, same months last year"), econ["last_year"], ""],
        [economic, _("Growth on last year"), _percent(econ["growth"]), ""],
        [economic, _("Target"), econ["target"], ""],
        [economic, _("Sales against target"), _percent(econ["target_share"]), ""],
        [economic, _("Market share"), _percent(econ["market_share"]), ""],
        [economic, _("Channel expenses"), econ["expense_total"], ""],
        [economic, _("Expense ratio"), _percent(econ["expense_ratio"]),
         _("channel expenses ÷ sales")],
        [economic, _("Sales less channel expenses"), econ["contribution"],
         _("no product cost is kept: not a gross margin")],
    ]
    rows += [[economic, _("Sales: %(level)s") % {"level": row["label"]}, row["sales"], ""]
             for row in econ["by_level"]]
    rows += [[economic, _("Sales: %(category)s") % {"category": row["label"]}, row["sales"], ""]
             for row in econ["by_category"]]
    rows += [[economic, _("Expenses: %(category)s") % {"category": row["label"]},
              row["amount"], ""] for row in econ["expenses"]]
    return rows


def kpi_columns(rows: list[dict[str, Any]]) -> list[Column]:
    items = rows[0]["items"] if rows else []
    return KPI_COLUMNS + [Column(f"{item['code']}_score", f"{item['label']}")
                          for item in items] + [
        Column("sales", gettext_lazy("Sales")), Column("rating", gettext_lazy("Rating")),
        Column("ratings", gettext_lazy("Ratings"), kind="int"),
        Column("flagged", gettext_lazy("Poorly rated")),
        Column("trained", gettext_lazy("Training person-times"), kind="int"),
        Column("signed", gettext_lazy("Agreements signed"), kind="int")]


def kpi_row(row: dict[str, Any]) -> list[Any]:
    rating = row["rating"] or {}
    return [row["rank"], str(row["rep"]), row["total"],
            *[item["score"] for item in row["items"]], row["sales"], rating.get("average"),
            rating.get("count", 0), _("yes") if row["flagged"] else "", row["trained"],
            row["agreements_signed"]]
