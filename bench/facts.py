"""Dealer-month facts: a full rebuild against a plain GROUP BY of the same order lines.

Prints: facts: lines=N dealer_months=M rebuild_seconds=... groupby_seconds=... ratio=...
refresh_seconds=...
groupby_seconds is a plain GROUP BY of all order lines by dealer and month (amount and
quantity) in the same database; rebuild_seconds is `facts_rebuild` (lines, orders,
invoices, payments and targets, written to the facts table); ratio = rebuild / groupby
(target ≤ 1.5). refresh_seconds is `facts_refresh` after a day's worth of orders changed
(the newest 1/1000 of the orders touched). Run it on the large demo data.
"""

import time

from django.db import connection
from django.utils import timezone

from qudao.analytics import services
from qudao.analytics.models import DealerMonth
from qudao.orders.models import Order, OrderLine


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _group_by() -> None:
    month = ("date_trunc('month', ordered_on)" if connection.vendor == "postgresql"
             else "date(ordered_on, 'start of month')")
    with connection.cursor() as cursor:
        # The outer sums make the engine compute every group's sums: under a bare count(*)
        # PostgreSQL drops aggregates nobody reads.
        cursor.execute(f"SELECT count(*), SUM(a), SUM(q) FROM (SELECT dealer_id, {month}, "  # noqa: S608
                       f"SUM(amount) AS a, SUM(quantity) AS q FROM {OrderLine._meta.db_table} "
                       "GROUP BY 1, 2) AS g")
        cursor.fetchone()


def run(repeat: int = 1) -> str:
    lines = OrderLine.objects.count()
    if not lines:
        raise SystemExit("no order lines: load demo data first (qudao demo-data --scale large)")
    _group_by()  # warm the cache for both sides alike
    groupby_seconds = min(_seconds(_group_by) for _ in range(2))
    rebuild_seconds = min(_seconds(services.facts_rebuild) for _ in range(2))
    recent = Order.objects.order_by("-id").values("pk")[: max(1, Order.objects.count() // 1000)]
    Order.objects.filter(pk__in=list(recent.values_list("pk", flat=True))).update(
        updated_at=timezone.now())
    refresh_seconds = _seconds(services.facts_refresh)
    return (f"facts: lines={lines} dealer_months={DealerMonth.objects.count()} "
            f"rebuild_seconds={rebuild_seconds:.2f} groupby_seconds={groupby_seconds:.2f} "
            f"ratio={rebuild_seconds / groupby_seconds:.2f} refresh_seconds={refresh_seconds:.2f}")
