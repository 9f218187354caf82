"""Server time of the trade pages on the current database (run it on the large demo data).

Prints: trade_pages: order_lines=N orders_ms=... orders_filtered_ms=... order_ms=...
statement_ms=... credit_ms=... aging_ms=... invoices_ms=... agreements_ms=... stock_ms=...
dashboard_ms=... alerts_board_ms=... alerts_ms=... alert_ms=... queries=a/b/c/...
Each figure is the median of `repeat` requests through Django's test client as an HQ admin
(who sees every dealer); the target for lists is < 150 ms.
"""

import runpy
from pathlib import Path

from django.db.models import Count
from django.test import Client

from qudao.accounts.models import User
from qudao.alerts.models import Alert
from qudao.orders.models import Order, OrderLine

_median_ms = runpy.run_path(str(Path(__file__).with_name("pages.py")))["_median_ms"]


def run(repeat: int = 20) -> str:
    admin = User.objects.filter(role="hq_admin", is_active=True).first()
    if admin is None:
        raise SystemExit("no HQ admin: load demo data first (qudao demo-data --scale large)")
    order = Order.objects.order_by("-id").first()
    if order is None:
        raise SystemExit("no orders: load demo data first (qudao demo-data --scale large)")
    client = Client()
    client.force_login(admin)
    # The dealer with the most orders has the longest statement.
    busiest = (Order.objects.values("dealer_id").annotate(n=Count("id")).order_by("-n")
               .first()["dealer_id"])
    pages = [
        ("orders", "/orders/"),
        ("orders_filtered", "/orders/?status=closed&dealer=恒&page=3"),
        ("orders_by_number", "/orders/?number=SO2501"),
        ("order", f"/orders/{order.pk}/"),
        ("statement", f"/finance/dealers/{busiest}/statement/?date_from=2023-01-01"),
        ("credit", "/finance/"),
        ("aging", "/finance/aging/"),
        ("invoices", "/finance/invoices/"),
        ("agreements", "/agreements/"),
        ("stock", "/stock/"),
        ("dashboard", "/"),
        ("alerts_board", "/alerts/"),
        ("alerts", "/alerts/list/?state=all"),
    ]
    alert = Alert.objects.order_by("-id").first()
    if alert is not None:
        pages.append(("alert", f"/alerts/{alert.pk}/"))
    figures, queries = [], []
    for name, url in pages:
        ms, count = _median_ms(client, url, repeat)
        figures.append(f"{name}_ms={ms:.1f}")
        queries.append(str(count))
    lines = OrderLine.objects.count()
    return f"trade_pages: order_lines={lines} {' '.join(figures)} queries={'/'.join(queries)}"
