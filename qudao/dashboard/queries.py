"""The home dashboard's figures: dealer counts in one GROUP BY, and the trade widgets
(sales against target, collections, overdue) each in one grouped query."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qudao.agreements import targets
from qudao.dealers import queries as dealer_queries
from qudao.dealers.choices import ChannelLevel, DealerStatus, Grade
from qudao.dealers.scoping import visible_dealers
from qudao.finance.choices import AGING_BUCKETS, InvoiceKind, InvoiceStatus
from qudao.finance.models import Invoice, Payment
from qudao.orders.models import Order

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)


def _series(counts: dict[str, int], choices: Any, blank_label: str) -> list[dict[str, Any]]:
    series = [{"key": value, "label": str(label), "count": counts.get(value, 0)}
              for value, label in choices.choices]
    if counts.get(""):
        series.append({"key": "", "label": blank_label, "count": counts[""]})
    return series


def figures(*, user: Any) -> dict[str, Any]:
    """Dealer counts by status, grade, channel level and 大区 for what the user may see.

    One scan of the visible dealers grouped by all four at once (a few hundred groups at
    most), summed per dimension here, instead of four scans.
    """
    cube = dealer_queries.counts_cube(user=user)
    sums: dict[str, dict[str, int]] = {"status": {}, "grade": {}, "channel_level": {},
                                       "region": {}}
    for row in cube:
        for dimension, totals in sums.items():
            key = row[dimension] or ""
            totals[key] = totals.get(key, 0) + row["n"]
    regions = dealer_queries.region_names(list(sums["region"]))
    by_region = sorted(((regions.get(path, path), n) for path, n in sums["region"].items()),
                       key=lambda item: -item[1])
    return {
        "total": sum(sums["status"].values()),
        "by_status": _series(sums["status"], DealerStatus, _("None")),
        "by_grade": _series(sums["grade"], Grade, _("Not graded")),
        "by_channel_level": _series(sums["channel_level"], ChannelLevel, _("None")),
        "by_region": [{"key": name, "label": name, "count": n} for name, n in by_region],
    }


def _month_key(value: Any) -> datetime.date:
    """TruncMonth gives a date here, a datetime on some backends: the month's first day."""
    return value.date() if isinstance(value, datetime.datetime) else value


def _months(today: datetime.date, count: int = 12) -> list[datetime.date]:
    index = today.year * 12 + today.month - 1
    return [datetime.date((index - back) // 12, (index - back) % 12 + 1, 1)
            for back in range(count - 1, -1, -1)]


def sales_by_month(*, dealers: QuerySet, first: datetime.date,
                   today: datetime.date) -> dict[datetime.date, Decimal]:
    """Sales (orders approved or later, by order date) per month up to today: one GROUP BY.

    Reads order totals (each the sum of its lines) rather than the lines: a fifth of the rows.
    """
    rows = (Order.objects.filter(dealer__in=dealers, status__in=targets.SALES_STATUSES,
                                 ordered_on__range=(first, today))
            .annotate(month=TruncMonth("ordered_on")).order_by().values("month")
            .annotate(total=Sum("total_amount")))
    return {_month_key(row["month"]): row["total"] for row in rows}


def collections_by_month(*, dealers: QuerySet, first: datetime.date,
                         today: datetime.date) -> dict[datetime.date, Decimal]:
    """Payments received (回款) per month: one GROUP BY."""
    rows = (Payment.objects.filter(dealer__in=dealers, received_on__range=(first, today))
            .annotate(month=TruncMonth("received_on")).order_by().values("month")
            .annotate(total=Sum("amount")))
    return {_month_key(row["month"]): row["total"] for row in rows}


def aging(*, dealers: QuerySet, today: datetime.date) -> dict[str, Any]:
    """Open invoice balances by days past due (finance.choices.AGING_BUCKETS): one query."""
    open_amount = ExpressionWrapper(F("amount") - F("paid_amount"), output_field=MONEY)
    sums = {}
    for key, _label, low, high in AGING_BUCKETS:
        # Days past due d = today - due_on; low <= d <= high means
        # today - high <= due_on <= today - low.
        condition = Q()
        if low is not None:
            condition &= Q(due_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(due_on__gte=today - datetime.timedelta(days=high))
        sums[key] = Sum(Case(When(condition, then=open_amount), default=Value(ZERO),
                             output_field=MONEY), output_field=MONEY)
    totals = (Invoice.objects.filter(dealer__in=dealers, status=InvoiceStatus.OPEN,
                                     kind=InvoiceKind.INVOICE).aggregate(**sums))
    buckets = [{"key": key, "label": str(label), "amount": (totals[key] or ZERO)}
               for key, label, _low, _high in AGING_BUCKETS]
    overdue = sum((b["amount"] for b in buckets if b["key"] != "current"), ZERO)
    return {"buckets": buckets, "overdue": overdue,
            "open": sum((b["amount"] for b in buckets), ZERO)}


def trade_figures(*, user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """Sales against target with pace, monthly sales, collections, overdue and aging, and
    the dealers furthest behind, for the dealers the user may see (a dealer user: its own).

    Widgets the user's role may not see are left out. A fixed number of queries (at most
    eight), whatever the number of dealers, orders or payments.
    """
    today = today or timezone.localdate()
    dealers = visible_dealers(user)
    months = _months(today)
    labels = [f"{m:%Y-%m}" for m in months]
    figures: dict[str, Any] = {"months": labels}
    if user.has_perm("orders.view_order"):
        sales = sales_by_month(dealers=dealers, first=months[0], today=today)
        goal = targets.target_by_month(dealers=dealers, first=months[0],
                                       last=datetime.date(today.year, 12, 31))
        figures["progress"] = targets.progress_from_months(day=today, targets=goal,
                                                           actuals=sales)
        figures["sales_series"] = {
            "months": labels, "sales": [float(sales.get(m, ZERO)) for m in months],
            "targets": [float(goal.get(m, ZERO)) for m in months]}
        if not user.is_dealer_user:
            figures["lagging"] = targets.lagging_dealers(dealers=dealers, day=today)
    if user.has_perm("finance.view_finance"):
        paid = collections_by_month(dealers=dealers, first=months[0], today=today)
        figures["collections_series"] = {
            "months": labels, "amounts": [float(paid.get(m, ZERO)) for m in months]}
        figures["collected_this_month"] = paid.get(months[-1], ZERO)
        figures["aging"] = aging(dealers=dealers, today=today)
    return figures


TRADE_CACHE_SECONDS = 300


def trade_figures_cached(*, user: Any) -> dict[str, Any]:
    """trade_figures, kept for five minutes per role and scope: over millions of order lines
    the sums take a second or more, and a dashboard may be a few minutes behind (the page
    says as of when). TODO(issue 4): read the dealer-month facts instead."""
    if user.is_dealer_user:
        scope = f"dealer{user.dealer_id}"
    elif user.sees_all_dealers:
        scope = "all"
    else:
        scope = f"user{user.pk}"
    today = timezone.localdate()
    key = f"dashboard:trade:{user.role}:{scope}:{today:%Y%m%d}:{translation.get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = trade_figures(user=user, today=today)
        figures["as_of"] = timezone.localtime()
        cache.set(key, figures, TRADE_CACHE_SECONDS)
    return figures
