"""Server time of the dealer list, dealer detail and dashboard on the current database.

Prints: pages: dealers=N list_ms=... filtered_ms=... detail_ms=... dashboard_ms=... queries=...
Each figure is the median of `repeat` requests through Django's test client as an HQ admin
(who sees every dealer), so it measures the server's work without a network in between.
Run it on the large demo data (`qudao demo-data --scale large`); the target is < 150 ms.
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qudao.accounts.models import User
from qudao.dealers.models import Dealer


def _median_ms(client: Client, url: str, repeat: int) -> tuple[float, int]:
    client.get(url)  # warm caches and the connection
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(queries.captured_queries)


def run(repeat: int = 20) -> str:
    admin = User.objects.filter(role="hq_admin", is_active=True).first()
    if admin is None:
        raise SystemExit("no HQ admin: load demo data first (qudao demo-data --scale large)")
    client = Client()
    client.force_login(admin)
    dealers = Dealer.objects.count()
    busiest = (Dealer.objects.filter(channel_level="tier1").order_by("-id").first()
               or Dealer.objects.first())
    list_ms, list_q = _median_ms(client, "/dealers/", repeat)
    filtered_ms, _q = _median_ms(client, "/dealers/?q=商贸&status=active&sort=name&page=3",
                                 repeat)
    detail_ms, detail_q = _median_ms(client, f"/dealers/{busiest.pk}/", repeat)
    dashboard_ms, dash_q = _median_ms(client, "/", repeat)
    return (f"pages: dealers={dealers} list_ms={list_ms:.1f} filtered_ms={filtered_ms:.1f} "
            f"detail_ms={detail_ms:.1f} dashboard_ms={dashboard_ms:.1f} "
            f"queries={list_q}/{detail_q}/{dash_q}")
