"""The alert scan against DuckDB on the same facts, the facts rebuild against a GROUP BY,
and an incremental scan after a day of new orders.

Prints: alerts: dealers=N lines=N rebuild_seconds=... groupby_seconds=... scan_seconds=...
duckdb_seconds=... ratio=... incremental_seconds=...

- dealers: dealers the full scan judged (those with facts in its window); lines: order lines.
- rebuild_seconds: `facts_rebuild()` over all order lines (one run);
  groupby_seconds: the plain GROUP BY of the same lines by dealer and month of
  `bench/facts.py` (same code; best of 2 after a warm-up).
- scan_seconds: `scan(periods=(last, last))` for the last complete month with every rule
  switched on, after deleting that month's alerts so it writes them again (best of 2). Its
  phases (panel read and build, rule evaluation, alert rows, writes, notifications) go to
  stderr.
- duckdb_seconds: the same rules' hits for the same month computed by DuckDB from the same
  facts (bench/_alerts_duckdb.py: reading the facts of the scan's window, the balances
  before it, the dealers, the stock terms and the sub-dealer counts out of PostgreSQL by
  COPY, loading them into DuckDB, building the panel and judging every rule, the channel
  review over the dealer rules' findings last; no writes) (best of 3). Its hits must equal
  the scan's alerts rule by rule; a difference is listed on stderr. Then (untimed) the
  findings of the last six complete months (`services.findings`, nothing written) against
  DuckDB's for the same months, rule by rule and month by month.
- ratio = scan_seconds / duckdb_seconds (target: within 3).
- incremental_seconds: `scan_changed()` after 300 dealers placed 2 approved orders each
  and `facts_refresh()` took them in (its time goes to stderr): it judges the dealers the
  refresh recorded as changed (`FactsRun.changed`). The orders are dated the
  last day of the last complete month (entered late, say by an import): orders dated today
  belong to a month no scan judges yet, and scan_changed rightly passes them over. The
  orders are then cancelled, the facts refreshed, the orders deleted and any facts row
  they alone had created removed, so the facts are as they were (checked, on stderr); the
  alerts the incremental scan may have raised stay, like the full scan's.

Run it on the large demo data. It first runs ANALYZE (untimed): plans over tables never
analysed are not what production sees. Each timed run starts after a garbage collection
(the same for the scan, DuckDB and the incremental scan). BENCH_ALERTS_QUICK=1 keeps the
facts as they are (a refresh, no rebuild, no GROUP BY: both print as "-") and runs the scan
and DuckDB once each.
"""

import datetime
import gc
import os
import random
import runpy
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from qudao.alerts import panel as alerts_panel
from qudao.alerts import services as alerts_services
from qudao.alerts.detectors import DETECTORS
from qudao.alerts.engine import window_for
from qudao.alerts.models import Alert, Rule
from qudao.alerts.services import scanning as alerts_scan
from qudao.analytics import services as facts_services
from qudao.analytics.models import DealerMonth
from qudao.orders.choices import OrderChannel, OrderStatus
from qudao.orders.models import Order, OrderLine

BENCH_DIR = Path(__file__).resolve().parent
DUCK = runpy.run_path(str(BENCH_DIR / "_alerts_duckdb.py"))
GROUP_BY = runpy.run_path(str(BENCH_DIR / "facts.py"))["_group_by"]
QUICK = os.environ.get("BENCH_ALERTS_QUICK", "") not in ("", "0")
NEW_ORDER_PREFIX = "BENCH-ALERTS-"
NEW_DEALERS, ORDERS_EACH = 300, 2


def _log(message: str) -> None:
    print(f"[alerts] {message}", file=sys.stderr, flush=True)


def _collected() -> None:
    """Collect Python's garbage before a timed run: what the runs before left behind (the
    DuckDB hits, the scans' alert rows) would otherwise be traversed by a full collection
    inside whichever run comes next (one took 60 ms of a 0.24 s incremental scan)."""
    gc.collect()


def _seconds(work: Callable[[], Any]) -> float:
    _collected()
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


# -- the scan, with the time of its phases --------------------------------------------------

class _Phases:
    """Wraps the functions a scan calls so their time adds up per phase; undone on exit.

    The wrappers cost a function call each (a few per rule): nothing next to the work.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        own = name in vars(owner)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start

        setattr(owner, name, timed)
        self._undo.append((lambda: setattr(owner, name, original)) if own
                          else (lambda: delattr(owner, name)))

    def __enter__(self) -> "_Phases":
        self.wrap(alerts_panel, "_facts", "panel: facts read")
        self.wrap(alerts_panel, "_openings", "panel: balances before")
        self.wrap(alerts_panel, "_dealers", "panel: dealers read")
        for name in ("_stock_terms", "_sub_dealers", "_children_ordering",
                     "_children_in_panel"):
            self.wrap(alerts_panel, name, "panel: terms and network")
        self.wrap(alerts_scan, "build_panel", "panel")
        self.wrap(alerts_scan, "evaluate", "rules: evaluate")
        self.wrap(alerts_scan, "_alert_rows", "alert rows (Python)")
        self.wrap(alerts_scan, "_Managers", "managers read")
        self.wrap(Alert.objects, "bulk_create", "alerts: bulk insert")
        self.wrap(alerts_scan, "_notify", "notifications")
        return self

    def __exit__(self, *exc: Any) -> None:
        for undo in reversed(self._undo):
            undo()

    def report(self, total: float) -> str:
        s = self.seconds
        panel_reads = sum(s[k] for k in ("panel: facts read", "panel: balances before",
                                         "panel: dealers read", "panel: terms and network"))
        parts = {
            "panel: facts read (COPY+CSV)": s["panel: facts read"],
            "panel: balances before": s["panel: balances before"],
            "panel: dealers read": s["panel: dealers read"],
            "panel: stock terms, sub-dealers, network": s["panel: terms and network"],
            "panel: joins and running columns": s["panel"] - panel_reads,
            "rules: evaluate": s["rules: evaluate"],
            "alert rows (Python)": s["alert rows (Python)"],
            "managers read": s["managers read"],
            "alerts: bulk insert": s["alerts: bulk insert"],
            "notifications": s["notifications"],
        }
        parts["other (rules, dealers, count, run row)"] = total - sum(parts.values())
        return "; ".join(f"{k} {v:.2f}s ({v / total:.0%})" for k, v in parts.items())


def _scan(last: datetime.date, rules: list[Rule]) -> tuple[float, Any, _Phases]:
    Alert.objects.filter(period=last).delete()
    _collected()
    with _Phases() as phases:
        start = time.perf_counter()
        run = alerts_services.scan(periods=(last, last), rules=rules)
        seconds = time.perf_counter() - start
    return seconds, run, phases


# -- DuckDB against the scan ------------------------------------------------------------------

def _compare(run: Any, found: dict[str, list[tuple[int, datetime.date]]],
             rules: list[Rule]) -> int:
    """Rule by rule, the scan's alerts against DuckDB's hits; returns the differences."""
    raised: dict[str, set[str]] = defaultdict(set)
    for code, key in Alert.objects.filter(scan=run).values_list("rule__code", "subject_key"):
        raised[code].add(key)
    differences = 0
    for rule in rules:
        duck = {DUCK["subject_of"](rule, subject) for subject, _month in found[rule.code]}
        scan = raised.get(rule.code, set())
        line = f"  {rule.code:28} scan={len(scan):6d} duckdb={len(duck):6d}"
        if duck != scan:
            differences += len(duck ^ scan)
            line += (f"  MISMATCH only_scan={sorted(scan - duck)[:5]} "
                     f"only_duckdb={sorted(duck - scan)[:5]}")
        _log(line)
    return differences


def _compare_months(periods: tuple[datetime.date, datetime.date], rules: list[Rule]) -> int:
    """Rule by rule and month by month, the scan's findings over several months (nothing
    written) against DuckDB's; returns the differences."""
    mine = alerts_services.findings(periods, rules)
    duck = DUCK["hits"](periods, window_for(periods), rules)
    differences = 0
    for rule in rules:
        scan = {(subject, month) for subject, month in
                mine[rule.code].select("subject", "month").iter_rows()}
        theirs = set(duck[rule.code])
        if scan != theirs:
            differences += len(scan ^ theirs)
            _log(f"  {rule.code:28} MISMATCH in {periods[0]:%Y-%m}..{periods[1]:%Y-%m}: "
                 f"only_scan={sorted(scan - theirs)[:5]} only_duckdb={sorted(theirs - scan)[:5]}")
    _log(f"{periods[0]:%Y-%m}..{periods[1]:%Y-%m}: "
         f"{sum(len(v) for v in duck.values())} findings, "
         + ("equal rule by rule and month by month" if not differences
            else f"MISMATCH: {differences} subject-months differ"))
    return differences


# -- a day of new orders, and taking it back -------------------------------------------------

def _facts_rows(dealers: list[int], month: datetime.date) -> dict[tuple[int, datetime.date],
                                                                  tuple]:
    fields = ["dealer_id", "month", *facts_services.MEASURES]
    return {(row[0], row[1]): row for row in DealerMonth.objects.filter(
        dealer_id__in=dealers, month=month).values_list(*fields)}


def _pick_dealers(last: datetime.date) -> list[int]:
    """NEW_DEALERS of the dealers that ordered last month, the same ones every run."""
    candidates = sorted(DealerMonth.objects.filter(month=last, order_count__gt=0)
                        .values_list("dealer_id", flat=True))
    return sorted(random.Random(2026).sample(candidates, min(NEW_DEALERS, len(candidates))))


def _add_day(dealers: list[int], day: datetime.date) -> None:
    """Each dealer places ORDERS_EACH approved orders of 1-5 lines dated `day` (written in
    bulk, as an import would: no credit or stock side effects)."""
    rng = random.Random(2027)
    prices = {}
    for product, list_price, unit_price in (OrderLine.objects.order_by("-id").values_list(
            "product_id", "list_price", "unit_price")[:5000]):
        prices.setdefault(product, (list_price, unit_price))
    products = sorted(prices)
    now = timezone.now()
    orders, lines = [], []
    for dealer in dealers:
        for _n in range(ORDERS_EACH):
            chosen = [(p, rng.randint(1, 20)) for p in rng.sample(products, rng.randint(1, 5))]
            amount = sum((prices[p][1] * q for p, q in chosen), Decimal("0.00"))
            orders.append(Order(number=f"{NEW_ORDER_PREFIX}{len(orders):05d}", dealer_id=dealer,
                                status=OrderStatus.APPROVED, channel=OrderChannel.REP,
                                ordered_on=day, total_amount=amount,
                                total_quantity=sum(q for _p, q in chosen), submitted_at=now,
                                approved_at=now))
            lines.append(chosen)
    Order.objects.bulk_create(orders)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, dealer_id=order.dealer_id, ordered_on=day, product_id=p,
                  quantity=q, list_price=prices[p][0], unit_price=prices[p][1],
                  amount=prices[p][1] * q)
        for order, chosen in zip(orders, lines, strict=True) for p, q in chosen],
        batch_size=2000)


def _take_back(dealers: list[int] | None = None, month: datetime.date | None = None,
               before: dict[tuple[int, datetime.date], tuple] | None = None) -> None:
    """Cancel the added orders, refresh the facts (which then count them no more), delete
    them, and drop the facts rows that only they had created."""
    added = Order.objects.filter(number__startswith=NEW_ORDER_PREFIX)
    if not added.exists():
        return
    added.update(status=OrderStatus.CANCELLED, updated_at=timezone.now())
    facts_services.facts_refresh()
    OrderLine.objects.filter(order__number__startswith=NEW_ORDER_PREFIX).delete()
    added.delete()
    if dealers is not None and month is not None and before is not None:
        after = _facts_rows(dealers, month)
        extra = [key for key in after if key not in before]
        for dealer, key_month in extra:
            DealerMonth.objects.filter(dealer_id=dealer, month=key_month).delete()
        restored = _facts_rows(dealers, month)
        fields = ["dealer_id", "month", *facts_services.MEASURES]
        differ = sorted({fields[i] for key, row in restored.items() if key in before
                         for i, value in enumerate(row) if before[key][i] != value})
        ok = restored.keys() == before.keys() and not differ
        _log(f"restored: {'ok' if ok else 'FACTS DIFFER in ' + ', '.join(differ)} "
             f"({len(extra)} facts rows the new orders had created removed)")


def _incremental(last: datetime.date) -> tuple[float, float, Any]:
    """(scan_changed seconds, facts_refresh seconds, the incremental scan run)."""
    dealers = _pick_dealers(last)
    before = _facts_rows(dealers, last)
    try:
        _add_day(dealers, alerts_panel.add_months(last, 1) - datetime.timedelta(days=1))
        refresh_seconds = _seconds(facts_services.facts_refresh)
        with _Phases() as phases:
            phases.wrap(alerts_scan, "_changed_since_last_scan", "changed dealers")
            phases.wrap(facts_services, "changed_dealer_months",
                        "changed dealer-months searched (fallback)")
            _collected()
            start = time.perf_counter()
            run = alerts_services.scan_changed()
            seconds = time.perf_counter() - start
        _log("incremental scan phases: " + "; ".join(
            f"{k} {v:.3f}s" for k, v in phases.seconds.items()))
        return seconds, refresh_seconds, run
    finally:
        _take_back(dealers, last, before)


# -- the run ----------------------------------------------------------------------------------

def _analyze(table: str = "") -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def run(repeat: int = 1) -> str:
    """The figure line (`repeat` is not used: the runs per measure are fixed above)."""
    if connection.vendor != "postgresql":
        raise SystemExit("the alerts bench reads the facts by COPY: run it on PostgreSQL")
    lines = OrderLine.objects.count()
    if not lines:
        raise SystemExit("no order lines: load demo data first (qudao demo-data --scale large)")
    if Order.objects.filter(number__startswith=NEW_ORDER_PREFIX).exists():
        _log("orders of an interrupted run found: taking them back first")
        _take_back()
    # Plans over tables never analysed are not production's (a server may run without
    # autovacuum, and bulk-loaded demo data is never analysed otherwise): a facts refresh
    # of 300 dealers took 6-9 s so instead of 2.
    _log(f"ANALYZE: {_seconds(_analyze):.1f}s")
    if QUICK and DealerMonth.objects.exists():
        rebuild, group_by = "-", "-"
        facts_services.facts_refresh()  # the facts run the incremental scan starts from
    else:
        GROUP_BY()  # warm the cache for both sides alike
        group_by = f"{min(_seconds(GROUP_BY) for _ in range(2)):.2f}"
        _log(f"group by: {group_by}s")
        rebuild = f"{_seconds(facts_services.facts_rebuild):.2f}"
        _log(f"facts rebuild: {rebuild}s ({DealerMonth.objects.count()} dealer-months)")
        _analyze(DealerMonth._meta.db_table)

    last = alerts_services.last_complete_month()
    periods = (last, last)
    # The rules over the facts: a product rule reads service requests (not in the facts, and
    # not mirrored in DuckDB), so both sides judge the same rules.
    rules = [rule for rule in Rule.objects.filter(enabled=True).prefetch_related("territories")
             if DETECTORS[rule.signal].subject != "product"]
    scans = [_scan(last, rules) for _ in range(1 if QUICK else 2)]
    scan_seconds, _run, phases = min(scans, key=lambda s: s[0])
    scan_run = scans[-1][1]  # each scan deleted the alerts of the one before
    _log(f"scan of {last:%Y-%m}: {', '.join(f'{s[0]:.2f}s' for s in scans)}; "
         f"{scan_run.raised} alerts, {scan_run.dealers} dealers, {len(rules)} rules")
    _log(f"scan phases (best run): {phases.report(scan_seconds)}")

    duck_runs = []
    found: dict[str, list] = {}
    for _ in range(1 if QUICK else 3):
        _collected()
        start = time.perf_counter()
        found = DUCK["hits"](periods, window_for(periods), rules)
        duck_runs.append(time.perf_counter() - start)
    duckdb_seconds = min(duck_runs)
    _log(f"duckdb: {', '.join(f'{s:.2f}s' for s in duck_runs)}; hits per rule:")
    differences = _compare(scan_run, found, rules)
    _log("duckdb hits equal the scan's alerts" if not differences
         else f"MISMATCH: {differences} subject(s) differ between the scan and DuckDB")
    _compare_months((alerts_panel.add_months(last, -5), last), rules)

    incremental_seconds, refresh_seconds, inc_run = _incremental(last)
    _log(f"incremental: facts_refresh {refresh_seconds:.2f}s, scan_changed "
         f"{incremental_seconds:.2f}s ({inc_run.dealers if inc_run else 0} dealers judged, "
         f"{inc_run.raised if inc_run else 0} new alerts)")
    return (f"alerts: dealers={scan_run.dealers} lines={lines} rebuild_seconds={rebuild} "
            f"groupby_seconds={group_by} scan_seconds={scan_seconds:.2f} "
            f"duckdb_seconds={duckdb_seconds:.2f} ratio={scan_seconds / duckdb_seconds:.2f} "
            f"incremental_seconds={incremental_seconds:.2f}")
