"""Demo stock reports: month-end stock and product flow of most trading tier-1 dealers.

Runs after orders.demo and reads back what each dealer received (shipped quantities per
product and month, one GROUP BY per chunk of dealers); the dealer sells most of what it
holds to its own sub-dealers and terminals (FlowLine.customer) or to end customers, and
keeps the rest as stock. Some months are never reported (a missing report is one of the
things Qudao flags). Written in bulk (qudao.orders.history), without audit events.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from qudao.dealers.choices import ChannelLevel
from qudao.dealers.models import Dealer
from qudao.orders import history as h
from qudao.orders.models import OrderLine
from qudao.stock.models import FlowLine, ReportSource, StockLine, StockReport

PRODUCTS_PER_REPORT = {"small": 6, "large": 12}
END_CUSTOMERS = ["本地连锁超市", "学校食堂", "餐饮酒店", "社区团购平台", "企事业单位福利采购",
                 "批发市场散客"]
SOURCES = [ReportSource.PORTAL] * 6 + [ReportSource.EXCEL] * 3 + [ReportSource.STAFF]
CHUNK = 200


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Write monthly stock reports with stock and flow lines for ~85% of trading tier-1s."""
    trade = ctx["trade"]
    window: h.Window = trade["window"]
    reporters = [plan for plan in trade["plans"] if plan.level == ChannelLevel.TIER1
                 and plan.pattern != h.ONE_ORDER and rng.random() < 0.85]
    ids = ctx.setdefault("trade_ids", h.Ids())
    sink = h.RowSink([
        (StockReport, ["id", "dealer_id", "period", "source", "submitted_at", "created_at",
                       "updated_at"]),
        (StockLine, ["report_id", "product_id", "quantity"]),
        (FlowLine, ["report_id", "sold_on", "product_id", "quantity", "customer_id",
                    "customer_name", "territory_id", "batch_number"]),
    ])
    bar = h.progress(len(reporters), "stock", "dealer", enabled=scale == "large")
    limit = PRODUCTS_PER_REPORT[scale]
    for start in range(0, len(reporters), CHUNK):
        chunk = reporters[start:start + CHUNK]
        received: dict[int, dict[date, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
        rows = (OrderLine.objects.filter(dealer_id__in=[p.pk for p in chunk],
                                         shipped_quantity__gt=0)
                .annotate(month=TruncMonth("ordered_on")).values("dealer_id", "product_id",
                                                                 "month")
                .annotate(quantity=Sum("shipped_quantity")).order_by())
        for row in rows:
            month = row["month"]
            month = month.date() if hasattr(month, "date") else month
            received[row["dealer_id"]][month][row["product_id"]] = row["quantity"]
        children: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for pk, parent, territory, name in Dealer.objects.filter(
                parent_id__in=[p.pk for p in chunk]).order_by("pk").values_list(
                "pk", "parent_id", "territory_id", "name"):
            children[parent].append((pk, territory, name))
        for plan in chunk:
            _reports(rng, plan, window=window, received=received[plan.pk],
                     children=children[plan.pk], limit=limit, sink=sink, ids=ids)
            bar.update()
        sink.maybe_flush()
    bar.close()
    ctx["trade_written"].update(sink.finish())


def _reports(rng: random.Random, plan: h.DealerPlan, *, window: h.Window,
             received: dict[date, dict[int, int]], children: list[tuple[int, int, str]],
             limit: int, sink: h.RowSink, ids: h.Ids) -> None:
    stock: dict[int, int] = {}
    for month in window.months[:-1]:
        if month < plan.joined:
            continue
        arrived = received.get(month, {})
        for product, quantity in arrived.items():
            stock[product] = stock.get(product, 0) + quantity
        submitted = h.add_months(month, 1) + timedelta(days=rng.randint(0, 11))
        if submitted >= window.today or not stock:
            continue
        sold: dict[int, int] = {}
        for product in list(stock):
            # About 40 days of stock on hand: inside the agreements' safety (15-30 days)
            # and maximum stock, as a dealer that keeps its agreement holds.
            out = int(stock[product] * rng.uniform(0.38, 0.48))
            if out > 0:
                sold[product] = out
                stock[product] -= out
        if rng.random() < 0.08:
            continue  # the dealer did not report this month
        report = ids.take(StockReport)
        moment = h.at(submitted, rng.randint(9, 20))
        sink.add(StockReport, (report, plan.pk, month, rng.choice(SOURCES), moment, moment,
                               moment))
        held = sorted((q, p) for p, q in stock.items() if q > 0)[-limit:]
        sink.extend(StockLine, ((report, product, quantity) for quantity, product in held))
        top = sorted(((q, p) for p, q in sold.items()), reverse=True)[:limit]
        days = h.month_days(month)
        for quantity, product in top:
            parts = min(quantity, rng.randint(1, 3))
            left = quantity
            for n in range(parts):
                part = left if n == parts - 1 else max(1, left // (parts - n))
                left -= part
                sold_on = month + timedelta(days=rng.randint(0, days - 1))
                batch = (f"{sold_on - timedelta(days=rng.randint(20, 60)):%Y%m%d}"
                         f"L{rng.randint(1, 12):02d}" if rng.random() < 0.5 else "")
                if children and rng.random() < 0.75:
                    customer, territory, name = rng.choice(children)
                    sink.add(FlowLine, (report, sold_on, product, part, customer, name,
                                        territory, batch))
                else:
                    sink.add(FlowLine, (report, sold_on, product, part, None,
                                        rng.choice(END_CUSTOMERS), plan.territory_id, batch))
