"""The economic effect of the channel (R-EV-09..12): sales against last year and target, by
channel level and by product category, the market share, channel expenses and their ratio
to sales, and what the channel earns.

Product cost is not kept in the catalog, so gross margin cannot be computed: the
profitability figure is plainly sales less channel expenses (a contribution), and the
price realization (paid against list price) shows the discounts given.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Substr

from qudao.analytics.models import DealerMonth
from qudao.catalog.models import Category
from qudao.dealers.choices import ChannelLevel
from qudao.orders.choices import SALES_STATUSES
from qudao.orders.models import OrderLine
from qudao.performance.choices import ExpenseCategory
from qudao.performance.models import ChannelExpense, MarketSize
from qudao.performance.periods import Period
from qudao.performance.scope import region_dealer_filter
from qudao.stock.periods import add_months
from qudao.territories.models import Territory

ZERO = Decimal("0.00")
TREND_MONTHS = 12


def _pct(part: Any, whole: Any) -> Decimal | None:
    from qudao.performance.report import share

    return share(part, whole)


def _growth(now: Decimal, before: Decimal) -> Decimal | None:
    if not before:
        return None
    return _pct(now - before, before)


def economics(*, user: Any, region: Territory | None, period: Period) -> dict[str, Any]:
    trend_months = [add_months(period.last, -n) for n in range(TREND_MONTHS - 1, -1, -1)]
    facts = DealerMonth.objects.filter(region_dealer_filter(user, region))
    monthly = {row["month"]: row for row in facts.filter(
        month__gte=add_months(trend_months[0], -12), month__lte=period.last)
        .order_by().values("month").annotate(sales=Sum("order_amount"),
                                             target=Sum("target_amount"),
                                             listed=Sum("list_amount"))}

    def total(months: list[datetime.date], key: str) -> Decimal:
        return sum((monthly[m][key] or ZERO for m in months if m in monthly), ZERO)

    sales = total(period.months, "sales")
    last_year = total(period.shifted(-12), "sales")
    target = total(period.months, "target")
    listed = total(period.months, "listed")
    expenses = _expenses(region=region, months=trend_months)
    period_expenses = {code: sum((expenses["cells"].get((m, code), ZERO)
                                  for m in period.months), ZERO)
                       for code in ExpenseCategory.values}
    expense_total = sum(period_expenses.values(), ZERO)
    market = market_size(region=region, year=period.start.year)
    market_base = (market * len(period.months) / 12) if market else None
    trend_sales = [monthly[m]["sales"] if m in monthly else ZERO for m in trend_months]
    trend_expenses = [sum((expenses["cells"].get((m, c), ZERO)
                           for c in ExpenseCategory.values), ZERO) for m in trend_months]
    return {
        "sales": sales, "last_year": last_year, "growth": _growth(sales, last_year),
        "target": target, "target_share": _pct(sales, target),
        "price_realization": _pct(sales, listed),
        "by_level": sales_by_level(user=user, region=region, period=period),
        "by_category": sales_by_category(user=user, region=region, period=period),
        "market_size": market, "market_share": _pct(sales, market_base),
        "expenses": [{"code": code, "label": ExpenseCategory(code).label,
                      "amount": period_expenses[code],
                      "share": _pct(period_expenses[code], sales)}
                     for code in ExpenseCategory.values],
        "expense_total": expense_total, "expense_ratio": _pct(expense_total, sales),
        "contribution": sales - expense_total,
        "contribution_share": _pct(sales - expense_total, sales),
        "trend": {
            "months": [f"{m:%Y-%m}" for m in trend_months],
            "sales": [float(v) for v in trend_sales],
            "last_year": [float(monthly[add_months(m, -12)]["sales"])
                          if add_months(m, -12) in monthly else None for m in trend_months],
            "target": [float(monthly[m]["target"]) if m in monthly else 0.0
                       for m in trend_months],
            "expenses": [float(v) for v in trend_expenses],
            "expense_ratio": [round(float(e / s) * 100, 2) if s else None
                              for e, s in zip(trend_expenses, trend_sales, strict=True)],
        },
    }


def sales_by_level(*, user: Any, region: Territory | None,
                   period: Period) -> list[dict[str, Any]]:
    """Sales per channel level in the period, last year's same months and the target."""
    now = Q(month__in=period.months)
    before = Q(month__in=period.shifted(-12))
    rows = {row["dealer__channel_level"]: row for row in DealerMonth.objects.filter(
        region_dealer_filter(user, region)).filter(now | before).order_by()
        .values("dealer__channel_level").annotate(
        sales=Sum("order_amount", filter=now), last_year=Sum("order_amount", filter=before),
        target=Sum("target_amount", filter=now))}
    result = []
    for level in ChannelLevel:
        row = rows.get(level.value)
        if row is None:
            continue
        sales, last_year = row["sales"] or ZERO, row["last_year"] or ZERO
        target = row["target"] or ZERO
        if not (sales or last_year or target):
            continue
        result.append({"code": level.value, "label": level.label, "sales": sales,
                       "last_year": last_year, "growth": _growth(sales, last_year),
                       "target": target, "target_share": _pct(sales, target)})
    return result


def sales_by_category(*, user: Any, region: Territory | None,
                      period: Period) -> list[dict[str, Any]]:
    """Sales per top-level product category in the period, from the order lines of sales
    orders (the facts carry no product); largest first."""
    steplen = Category.steplen
    rows = list(OrderLine.objects.filter(
        region_dealer_filter(user, region), order__status__in=SALES_STATUSES,
        ordered_on__gte=period.first, ordered_on__lte=period.end)
        .annotate(top=Substr("product__category__path", 1, steplen)).order_by()
        .values("top").annotate(sales=Sum("amount")))
    names = {c.path: c for c in Category.objects.filter(path__in=[r["top"] for r in rows])}
    total = sum((r["sales"] or ZERO for r in rows), ZERO)
    result = [{"label": (names[r["top"]].name if r["top"] in names else "—"),
               "sales": r["sales"] or ZERO, "share": _pct(r["sales"], total)} for r in rows]
    return sorted(result, key=lambda r: -r["sales"])


def _expenses(*, region: Territory | None, months: list[datetime.date]) -> dict[str, Any]:
    """Channel expenses entered for the region or below, per (month, category)."""
    expenses = ChannelExpense.objects.filter(month__gte=months[0], month__lte=months[-1])
    if region is not None:
        expenses = expenses.filter(territory__path__startswith=region.path)
    cells = {(row["month"], row["category"]): row["amount"] or ZERO for row in
             expenses.order_by().values("month", "category").annotate(amount=Sum("amount"))}
    return {"cells": cells}


def market_size(*, region: Territory | None, year: int) -> Decimal | None:
    """The region's market in the year: its own entry, else the sum of the entries below
    it that have no entry above them (a province's size counts once, not again through
    its cities); None when nothing was entered."""
    sizes = MarketSize.objects.filter(year=year)
    if region is not None:
        sizes = sizes.filter(territory__path__startswith=region.path)
    entries = dict(sizes.values_list("territory__path", "amount"))
    if not entries:
        return None
    step = Territory.steplen
    top = [path for path in entries
           if not any(path[:step * depth] in entries for depth in range(1, len(path) // step))]
    return sum((entries[path] for path in top), ZERO)
