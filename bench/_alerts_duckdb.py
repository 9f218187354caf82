"""The alert rules' hit conditions in DuckDB SQL, over the same facts the scan reads.

`bench/alerts.py` times this against `qudao.alerts.services.scan` and compares the hits.
It is a second, independent reading of the rules (qudao/alerts/panel.py, detectors.py and
engine.py): the dealer-month panel with no gaps, window comparisons per dealer (last month,
the same month last year, trailing means and sums, running balances, year-to-date sums,
windows over the months with a stock report), peer medians per month and peer group over
every dealer (a rule's scope decides who is judged, not who the peers are), onset semantics
(a subject-month counts only when its condition did not hold the month before), and the
channel review over the dealer rules' findings of the same run.

What `hits()` includes, so its time compares with the scan's (which reads its own panel):
COPY of the facts of the scan's window and of the balances carried into it (the same
grouped query the panel runs), of the dealers in those facts with their territory path and
parent, of the provinces, of the stock terms of the agreements in force and of the count of
each dealer's sub-dealers, each to a CSV file in memory (/dev/shm) and loaded into an
in-memory DuckDB; building the panel there (sub-dealers ordering counted from the facts, as
the scan does); and one query per rule. It writes nothing: the scan's own time also covers
building its alert rows and writing them.
"""

import datetime
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import duckdb
from django.db import connection

from qudao.agreements.choices import AgreementStatus
from qudao.agreements.models import Agreement
from qudao.alerts.choices import Comparison
from qudao.alerts.detectors import DETECTORS, EPSILON, MISSING_FILL_MONTHS, SURGE_FLOOR
from qudao.alerts.engine import MIN_PEERS, params_of, subject_kind
from qudao.alerts.models import Rule
from qudao.alerts.panel import add_months
from qudao.analytics.models import DealerMonth
from qudao.dealers.models import Dealer
from qudao.territories.models import Territory, TerritoryLevel

# Panel column -> (SQL over the facts table, DuckDB type). Decimals travel as their text and
# DuckDB parses them as doubles (the nearest double, as the scan's Polars does); the flows of
# the overdue balances stay decimals, so their running sums are exact, as the scan's (in
# cents) are.
FACT_COLUMNS = {
    "dealer": ("dealer_id", "BIGINT"),
    "month": ("month", "DATE"),
    "amount": ("order_amount", "DOUBLE"),
    "list_amount": ("list_amount", "DOUBLE"),
    "quantity": ("order_quantity", "DOUBLE"),
    "orders": ("order_count", "DOUBLE"),
    "target": ("target_amount", "DOUBLE"),
    "allocated": ("allocated_amount", "DOUBLE"),
    "late_amount_days": ("late_amount_days", "DOUBLE"),
    "stock_reports": ("stock_reports", "DOUBLE"),
    "stock_quantity": ("stock_quantity", "DOUBLE"),
    "sold_quantity": ("sold_quantity", "DOUBLE"),
    "active_customers": ("active_customers", "DOUBLE"),
    "requests": ("requests", "DOUBLE"),
    "complaints": ("complaints", "DOUBLE"),
    "calls_in": ("calls_in", "DOUBLE"),
    "overdue_flow": ("(overdue_added - overdue_paid)", "DECIMAL(18,2)"),
    "overdue30_flow": ("(overdue30_added - overdue30_paid)", "DECIMAL(18,2)"),
    "first_order_day": ("first_order_day", "DATE"),
    "last_order_day": ("last_order_day", "DATE"),
}
OPENING_COLUMNS = {
    "dealer": ("dealer_id", "BIGINT"),
    "first_order_before": ("MIN(first_order_day)", "DATE"),
    "orders_before": ("SUM(order_count)", "DOUBLE"),
    "last_order_before": ("MAX(last_order_day)", "DATE"),
    "overdue_before": ("SUM(overdue_added - overdue_paid)", "DECIMAL(18,2)"),
    "overdue30_before": ("SUM(overdue30_added - overdue30_paid)", "DECIMAL(18,2)"),
}
DEALER_COLUMNS = {"dealer": "BIGINT", "path": "VARCHAR", "level": "VARCHAR",
                  "grade": "VARCHAR", "rep": "BIGINT", "parent": "BIGINT"}
TERM_COLUMNS = {"dealer": "BIGINT", "start_date": "DATE", "id": "BIGINT",
                "safety_days": "DOUBLE", "max_days": "DOUBLE"}
ZERO_FILLED = [c for c, (_sql, kind) in FACT_COLUMNS.items() if kind == "DOUBLE"]


def _copy(sql: str, params: list[Any], path: Path) -> None:
    """Stream a query's rows from PostgreSQL into a CSV file (COPY ... TO STDOUT)."""
    with (connection.cursor() as cursor, path.open("wb") as out,
          cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy):
        for chunk in copy:
            out.write(chunk)


def _load(con: duckdb.DuckDBPyConnection, table: str, path: Path, types: dict[str, str]
          ) -> None:
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header = false, "
                f"columns = {{{columns}}}, auto_detect = false)")


def read(con: duckdb.DuckDBPyConnection, first: datetime.date, last: datetime.date,
         workdir: Path) -> None:
    """The facts of the months first..last, the balances before them, the dealers in those
    facts, the provinces, the stock terms in force in `last` and the sub-dealer counts, from
    PostgreSQL into DuckDB tables."""
    facts = DealerMonth._meta.db_table
    dealers = Dealer._meta.db_table
    territories = Territory._meta.db_table
    agreements = Agreement._meta.db_table
    select = ", ".join(sql for sql, _kind in FACT_COLUMNS.values())
    _copy(f"SELECT {select} FROM {facts} WHERE month >= %s AND month <= %s",  # noqa: S608
          [first, last], workdir / "facts.csv")
    select = ", ".join(sql for sql, _kind in OPENING_COLUMNS.values())
    _copy(f"SELECT {select} FROM {facts} WHERE month < %s GROUP BY dealer_id",  # noqa: S608
          [first], workdir / "openings.csv")
    _copy(f"SELECT d.id, coalesce(t.path, ''), coalesce(d.channel_level, ''), "  # noqa: S608
          f"coalesce(d.grade, ''), d.assigned_rep_id, d.parent_id FROM {dealers} d "
          f"LEFT JOIN {territories} t ON t.id = d.territory_id WHERE d.id IN "
          f"(SELECT dealer_id FROM {facts} WHERE month >= %s AND month <= %s)",
          [first, last], workdir / "dealers.csv")
    _copy(f"SELECT path, id FROM {territories} WHERE level = %s",  # noqa: S608
          [TerritoryLevel.PROVINCE.value], workdir / "provinces.csv")
    month_end = add_months(last, 1) - datetime.timedelta(days=1)
    _copy(f"SELECT dealer_id, start_date, id, safety_stock_days, max_stock_days "  # noqa: S608
          f"FROM {agreements} WHERE status = %s AND start_date <= %s AND end_date >= %s",
          [AgreementStatus.ACTIVE.value, month_end, last], workdir / "terms.csv")
    _copy(f"SELECT parent_id, count(*) FROM {dealers} "  # noqa: S608
          "WHERE parent_id IS NOT NULL GROUP BY parent_id", [], workdir / "sub_dealers.csv")
    _load(con, "facts", workdir / "facts.csv",
          {name: kind for name, (_sql, kind) in FACT_COLUMNS.items()})
    _load(con, "openings", workdir / "openings.csv",
          {name: kind for name, (_sql, kind) in OPENING_COLUMNS.items()})
    _load(con, "dealers_raw", workdir / "dealers.csv", DEALER_COLUMNS)
    _load(con, "provinces", workdir / "provinces.csv", {"path": "VARCHAR", "id": "BIGINT"})
    _load(con, "terms_raw", workdir / "terms.csv", TERM_COLUMNS)
    _load(con, "sub_dealers", workdir / "sub_dealers.csv",
          {"dealer": "BIGINT", "sub_dealers": "DOUBLE"})


def build_panel(con: duckdb.DuckDBPyConnection, first: datetime.date,
                last: datetime.date) -> None:
    """Table `panel`: one row per dealer (with facts in the window) and month, no gaps,
    with the running figures the rules read (see qudao/alerts/panel.py)."""
    # Region: the province whose path is the longest prefix of the dealer's territory path.
    con.execute("""
        CREATE TABLE dealers AS
        SELECT d.dealer, d.path, d.level, d.grade, d.rep, d.parent,
               arg_max(p.id, length(p.path)) AS region_id
        FROM dealers_raw d LEFT JOIN provinces p ON starts_with(d.path, p.path)
        GROUP BY d.dealer, d.path, d.level, d.grade, d.rep, d.parent""")
    # The agreement in force: of two, the one that started later.
    con.execute("""
        CREATE TABLE terms AS
        SELECT dealer, safety_days, max_days FROM terms_raw
        QUALIFY row_number() OVER (PARTITION BY dealer ORDER BY start_date DESC, id DESC) = 1
        """)
    # How many of a dealer's sub-dealers ordered in each month.
    con.execute("""
        CREATE TABLE children AS
        SELECT d.parent AS dealer, f.month, CAST(count(*) AS DOUBLE) AS children_ordering
        FROM facts f JOIN dealers_raw d ON d.dealer = f.dealer
        WHERE f.orders > 0 AND d.parent IS NOT NULL
        GROUP BY d.parent, f.month""")
    zero = ", ".join(f"coalesce(f.{c}, 0.0) AS {c}" for c in ZERO_FILLED)
    con.execute(f"""
        CREATE TABLE panel AS
        WITH months AS (
            SELECT CAST(generate_series AS DATE) AS month
            FROM generate_series(DATE '{first}', DATE '{last}', INTERVAL 1 MONTH)),
        base AS (
            SELECT d.dealer, m.month, d.path, d.level, d.grade, d.rep, d.region_id, {zero},
                   coalesce(f.overdue_flow, 0) AS overdue_flow,
                   coalesce(f.overdue30_flow, 0) AS overdue30_flow,
                   coalesce(c.children_ordering, 0.0) AS children_ordering,
                   coalesce(s.sub_dealers, 0.0) AS sub_dealers, t.safety_days, t.max_days,
                   f.first_order_day, f.last_order_day, o.first_order_before,
                   o.orders_before, o.last_order_before, o.overdue_before, o.overdue30_before
            FROM dealers d CROSS JOIN months m
            LEFT JOIN facts f ON f.dealer = d.dealer AND f.month = m.month
            LEFT JOIN children c ON c.dealer = d.dealer AND c.month = m.month
            LEFT JOIN openings o ON o.dealer = d.dealer
            LEFT JOIN terms t ON t.dealer = d.dealer
            LEFT JOIN sub_dealers s ON s.dealer = d.dealer),
        running AS (
            SELECT *, last_day(month) AS month_end,
                   CAST(coalesce(region_id, 0) AS VARCHAR) || ':' || level AS grp,
                   sum(orders) OVER w + coalesce(orders_before, 0.0) AS orders_so_far,
                   -- last order days only grow month by month: the running maximum is
                   -- the last one seen so far
                   coalesce(max(last_order_day) OVER w, last_order_before)
                       AS last_order_so_far,
                   CAST(sum(overdue_flow) OVER w + coalesce(overdue_before, 0) AS DOUBLE)
                       AS overdue,
                   CAST(sum(overdue30_flow) OVER w + coalesce(overdue30_before, 0) AS DOUBLE)
                       AS overdue30,
                   min(first_order_day) OVER (PARTITION BY dealer) AS first_seen
            FROM base
            WINDOW w AS (PARTITION BY dealer ORDER BY month ROWS UNBOUNDED PRECEDING))
        SELECT * EXCLUDE (first_seen),
               CASE WHEN orders_so_far > 0 THEN coalesce(first_order_before, first_seen) END
                   AS first_order_ever
        FROM running""")


# -- the signals: each a SELECT over `src` (every dealer for a dealer's signal, the rule's
# dealers for a rep's or a region's) ------------------------------------------------------

W = "PARTITION BY dealer ORDER BY month"


def _frame(start: int, end: int) -> str:
    """Rows `start` to `end` before the current one (0 = the current row)."""
    upper = "CURRENT ROW" if end == 0 else f"{end} PRECEDING"
    return f"({W} ROWS BETWEEN {start} PRECEDING AND {upper})"


def _full(aggregate: str, column: str, window: int, end: int = 1) -> str:
    """The aggregate over the `window` months ending `end` months before this one; NULL
    unless all exist (a Polars rolling window with min_samples = window, shifted by
    `end`)."""
    frame = _frame(window - 1 + end, end)
    return (f"CASE WHEN count({column}) OVER {frame} = {window} "
            f"THEN {aggregate}({column}) OVER {frame} END")


def _order_drop(p: dict[str, Any]) -> tuple[str, bool]:
    # Months before the dealer's first order are no history: NULL, so a baseline reaching
    # into them is NULL too.
    column = "quantity" if p.get("measure") == "quantity" else "amount"
    history = f"CASE WHEN orders_so_far > 0 THEN {column} END"
    basis = p.get("basis", "trailing")
    if basis == "mom":
        baseline = f"lag({history}, 1) OVER ({W})"
    elif basis == "yoy":
        baseline = f"lag({history}, 12) OVER ({W})"
    else:
        baseline = _full("avg", history, int(p.get("window", 3)))
    return (f"SELECT dealer, month, grp, level, {column} AS value, {baseline} AS baseline "
            "FROM src", True)


def _change_columns(p: dict[str, Any], signal: str) -> str:
    """eligible and change over a (dealer, month, grp, level, value, baseline) SELECT."""
    min_base = float(p.get("min_base", 0))
    if signal == "price_drop":
        eligible = (f"amount >= {min_base!r} AND baseline IS NOT NULL "
                    "AND value IS NOT NULL")
    elif signal == "coverage_shrinking":
        eligible = f"value IS NOT NULL AND baseline >= {min_base!r}"
    elif signal in SURGES:
        # A surge needs min_base this month and divides by at least 1.
        return (f"value >= {min_base!r} AND baseline IS NOT NULL AS eligible, "
                f"value / greatest(baseline, {SURGE_FLOOR!r}) - 1 AS change")
    else:
        eligible = f"baseline >= {min_base!r}"
    return f"{eligible} AS eligible, value / baseline - 1 AS change"


def _price_drop(p: dict[str, Any]) -> tuple[str, bool]:
    window = int(p.get("window", 3))
    paid, listed = _full("sum", "amount", window), _full("sum", "list_amount", window)
    return (f"""SELECT dealer, month, grp, level, amount,
                   CASE WHEN list_amount > 0 THEN amount / list_amount END AS value,
                   CASE WHEN ({listed}) > 0 THEN ({paid}) / ({listed}) END AS baseline
               FROM src""", True)


def _target_lag(p: dict[str, Any]) -> tuple[str, bool]:
    ytd = "(PARTITION BY dealer, year(month) ORDER BY month ROWS UNBOUNDED PRECEDING)"
    return (f"SELECT dealer, month, grp, level, sum(amount) OVER {ytd} AS value, "
            f"sum(target) OVER {ytd} AS baseline FROM src", True)


def _stopped_ordering(p: dict[str, Any]) -> tuple[str, bool]:
    regular = int(p.get("regular_months", 3))
    min_days, factor = float(p.get("min_days", 45)), float(p.get("factor", 2.0))
    # The usual interval: 365 days over the orders of the 12 months up to the last month
    # with an order, carried forward through the silent months after it. A rhythm needs
    # two orders at least.
    year = f"sum(orders) OVER {_frame(11, 0)}"
    every = _full("sum", "CAST(orders > 0 AS INTEGER)", regular)
    limit = f"coalesce(greatest({min_days!r}, usual * {factor!r}), {min_days!r})"
    silent = "date_diff('day', last_order_so_far, month_end)"
    return (f"""SELECT dealer AS subject, month,
                   last_order_so_far IS NOT NULL AND orders_so_far >= 2 AND (
                       (orders = 0 AND coalesce(every = {regular}, false))
                       OR {silent} > {limit}) AS hit
               FROM (SELECT *, 365.0 / last_value(year_orders IGNORE NULLS) OVER (
                                   {W} ROWS UNBOUNDED PRECEDING) AS usual
                     FROM (SELECT dealer, month, month_end, orders, orders_so_far,
                                  last_order_so_far,
                                  CASE WHEN orders > 0 THEN {year} END AS year_orders,
                                  {every} AS every
                           FROM src) AS yearly) AS usual""", False)


def _first_order_only_select(p: dict[str, Any], extra: str = "") -> str:
    days = int(p.get("days", 60))
    age = "date_diff('day', first_order_ever, month_end)"
    return (f"SELECT dealer AS subject, month{extra}, first_order_ever, "
            f"first_order_ever IS NOT NULL AND orders_so_far = 1 AND {age} >= {days} AS hit "
            "FROM src")


def _first_order_only(p: dict[str, Any]) -> tuple[str, bool]:
    return _first_order_only_select(p), False


def _first_order_share(p: dict[str, Any]) -> tuple[str, bool]:
    group = "rep" if p.get("by", "rep") == "rep" else "region_id"
    limit = float(p.get("limit", 0.04))
    min_dealers = int(p.get("min_dealers", 10))
    single = _first_order_only_select(p, extra=f", {group} AS owner")
    return (f"""SELECT owner AS subject, month,
                   count(*) >= {min_dealers} AND avg(CAST(hit AS DOUBLE)) > {limit!r} AS hit
               FROM ({single}) AS single
               WHERE first_order_ever IS NOT NULL AND owner IS NOT NULL
               GROUP BY owner, month""", False)


def _overdue_aged(p: dict[str, Any]) -> tuple[str, bool]:
    min_base, rise = float(p.get("min_base", 0)), float(p.get("rise", 0.5))
    # Rising: by more than `rise`, or up to the minimum base from below it.
    baseline = f"coalesce(lag(overdue30, 1) OVER ({W}), 0.0)"
    return (f"SELECT dealer AS subject, month, overdue30 >= {min_base!r} AND ("
            f"{baseline} < {min_base!r} OR overdue30 > {baseline} * {1 + rise!r} "
            f"+ {EPSILON!r}) AS hit FROM src", False)


def _payment_delay(p: dict[str, Any]) -> tuple[str, bool]:
    window = int(p.get("window", 3))
    min_base, min_days = float(p.get("min_base", 0)), float(p.get("min_days", 20))
    more_days = float(p.get("more_days", 15))
    recent, year = _frame(window - 1, 0), _frame(window + 11, window)
    return (f"""SELECT dealer AS subject, month,
                   value IS NOT NULL AND recent_amount >= {min_base!r}
                   AND value >= {min_days!r} AND value - baseline >= {more_days!r} AS hit
               FROM (
                   SELECT dealer, month, recent_amount,
                       CASE WHEN recent_amount > {EPSILON!r}
                            THEN recent_days / recent_amount END AS value,
                       CASE WHEN year_amount > {EPSILON!r}
                            THEN year_days / year_amount ELSE 0.0 END AS baseline
                   FROM (SELECT dealer, month,
                             sum(allocated) OVER {recent} AS recent_amount,
                             sum(late_amount_days) OVER {recent} AS recent_days,
                             sum(allocated) OVER {year} AS year_amount,
                             sum(late_amount_days) OVER {year} AS year_days
                         FROM src) AS sums) AS judged""", False)


def _stock_days(p: dict[str, Any]) -> str:
    """Every panel row with sold_window and stock_days: the quantity on hand over the
    average daily quantity sold in the last `window` reports, on the rows with a report."""
    window = int(p.get("window", 3))
    reports = _frame(window - 1, 0)
    return f"""
        SELECT s.*, r.sold_window,
               CASE WHEN r.sold_window / r.days_window > {EPSILON!r}
                    THEN s.stock_quantity / (r.sold_window / r.days_window) END AS stock_days
        FROM src s LEFT JOIN (
            SELECT dealer, month,
                   CASE WHEN count(*) OVER {reports} = {window}
                        THEN sum(sold_quantity) OVER {reports} END AS sold_window,
                   CASE WHEN count(*) OVER {reports} = {window}
                        THEN sum(CAST(day(month_end) AS DOUBLE)) OVER {reports} END
                        AS days_window
            FROM src WHERE stock_reports > 0) AS r
        ON r.dealer = s.dealer AND r.month = s.month"""


def _lasting(condition: str, source: str) -> str:
    """The condition of the last report, carried through up to MISSING_FILL_MONTHS months
    without one."""
    carried = (f"last_value(CASE WHEN stock_reports > 0 THEN {condition} END IGNORE NULLS) "
               f"OVER {_frame(MISSING_FILL_MONTHS, 0)}")
    return f"SELECT dealer AS subject, month, coalesce({carried}, false) AS hit FROM ({source})"


def _stock_low(p: dict[str, Any]) -> tuple[str, bool]:
    min_base = float(p.get("min_base", 0))
    eligible = (f"coalesce(stock_days IS NOT NULL AND safety_days IS NOT NULL "
                f"AND sold_window >= {min_base!r}, false)")
    return _lasting(f"{eligible} AND stock_days < safety_days - {EPSILON!r}",
                    _stock_days(p)), False


def _stock_high(p: dict[str, Any]) -> tuple[str, bool]:
    min_base = float(p.get("min_base", 0))
    eligible = (f"coalesce(stock_days IS NOT NULL AND max_days IS NOT NULL AND max_days > 0 "
                f"AND sold_window >= {min_base!r}, false)")
    return _lasting(f"{eligible} AND stock_days > max_days + {EPSILON!r}",
                    _stock_days(p)), False


def _stock_report_missing(p: dict[str, Any]) -> tuple[str, bool]:
    # The report of the month before (due this month) missing after `regular` months in a
    # row with one.
    regular = int(p.get("regular_months", 3))
    return (f"""SELECT dealer AS subject, month,
                   coalesce(before = {regular}, false) AND last_sent = 0 AS hit
               FROM (SELECT dealer, month, {_full("sum", "sent", regular, end=2)} AS before,
                            lag(sent) OVER ({W}) AS last_sent
                     FROM (SELECT *, CAST(stock_reports > 0 AS INTEGER) AS sent FROM src)
                          AS s) AS r""", False)


def _network_reach(p: dict[str, Any]) -> tuple[str, bool]:
    # Months before any sub-dealer first ordered are no history.
    baseline = _full("avg", "network", int(p.get("window", 3)))
    return (f"""SELECT dealer, month, grp, level, children_ordering AS value,
                   {baseline} AS baseline
               FROM (SELECT *, CASE WHEN sum(children_ordering) OVER (
                                        {W} ROWS UNBOUNDED PRECEDING) > 0
                                    THEN children_ordering END AS network
                     FROM src) AS n""", True)


def _coverage_shrinking(p: dict[str, Any]) -> tuple[str, bool]:
    # Customers of this report against the average of the `window` reports before it.
    window = int(p.get("window", 3))
    before = _frame(window, 1)
    return (f"""SELECT s.dealer, s.month, s.grp, s.level,
                   CASE WHEN s.stock_reports > 0 THEN s.active_customers END AS value,
                   r.customers_before AS baseline
               FROM src s LEFT JOIN (
                   SELECT dealer, month,
                          CASE WHEN count(*) OVER {before} = {window}
                               THEN avg(active_customers) OVER {before} END
                               AS customers_before
                   FROM src WHERE stock_reports > 0) AS r
               ON r.dealer = s.dealer AND r.month = s.month""", True)


def _stagnant(p: dict[str, Any]) -> tuple[str, bool]:
    # The last twelve months against the twelve before (months before the first order are
    # no history).
    history = "CASE WHEN orders_so_far > 0 THEN amount END"
    return (f"""SELECT dealer, month, grp, level, year AS value,
                   lag(year, 12) OVER ({W}) AS baseline
               FROM (SELECT *, {_full("sum", history, 12, end=0)} AS year FROM src) AS y""",
            True)


def _channel_review(p: dict[str, Any]) -> tuple[str, bool]:
    # Per province and month: the share of its judged dealers (an alert, or an order in the
    # last twelve months) with an alert of a dealer rule of this run.
    share, min_dealers = float(p.get("share", 0.2)), int(p.get("min_dealers", 5))
    return (f"""SELECT region_id AS subject, month,
                   count(*) FILTER (WHERE alerted) >= {min_dealers}
                   AND avg(CAST(alerted AS DOUBLE)) >= {share - EPSILON!r} AS hit
               FROM (SELECT s.region_id, s.month, h.dealer IS NOT NULL AS alerted,
                            sum(s.orders) OVER (PARTITION BY s.dealer ORDER BY s.month
                                                ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
                                > 0 AS recent
                     FROM src s LEFT JOIN (SELECT DISTINCT subject AS dealer, month
                                           FROM rule_hits WHERE dealer_rule) AS h
                     ON h.dealer = s.dealer AND h.month = s.month
                     WHERE s.region_id IS NOT NULL) AS judged
               WHERE alerted OR recent
               GROUP BY region_id, month""", False)


def _count_trailing(column: str) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    def select(p: dict[str, Any]) -> tuple[str, bool]:
        history = f"CASE WHEN orders_so_far > 0 THEN {column} END"  # as for orders
        baseline = _full("avg", history, int(p.get("window", 3)))
        return (f"SELECT dealer, month, grp, level, {column} AS value, {baseline} AS baseline "
                "FROM src", True)
    return select


SURGES = {"complaint_surge": "complaints", "request_surge": "requests", "calls_jump": "calls_in"}

SIGNALS = {**{signal: _count_trailing(column) for signal, column in SURGES.items()},
           "calls_drop": _count_trailing("calls_in"), "order_drop": _order_drop,
           "price_drop": _price_drop, "target_lag": _target_lag,
           "stopped_ordering": _stopped_ordering, "first_order_only": _first_order_only,
           "first_order_share": _first_order_share, "overdue_aged": _overdue_aged,
           "payment_delay": _payment_delay, "stock_low": _stock_low,
           "stock_high": _stock_high, "stock_report_missing": _stock_report_missing,
           "network_reach": _network_reach, "coverage_shrinking": _coverage_shrinking,
           "stagnant": _stagnant, "channel_review": _channel_review}


def _guard(rule: Rule, p: dict[str, Any]) -> str:
    """A condition of the signal's own on top of the comparison (a stagnant dealer did not
    grow, whatever its peers did)."""
    if rule.signal == "stagnant":
        return f" AND coalesce(f0.change <= {float(p.get('max_growth', 0.0)) + EPSILON!r}, false)"
    return ""


def _quoted(values: Iterable[str]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _scope(rule: Rule) -> str:
    """The rule's dealers: territories (by path prefix), channel levels and grades."""
    conditions = ["true"]
    paths = [t.path for t in rule.territories.all()]
    if paths:
        conditions.append("(" + " OR ".join(f"starts_with(path, {_quoted([p])})"
                                            for p in paths) + ")")
    if rule.channel_levels:
        conditions.append(f"level IN ({_quoted(rule.channel_levels)})")
    if rule.grades:
        conditions.append(f"grade IN ({_quoted(rule.grades)})")
    return " AND ".join(conditions)


def rule_sql(rule: Rule, periods: tuple[datetime.date, datetime.date]) -> str:
    """The (subject, month) pairs where the rule's condition starts within the periods."""
    det = DETECTORS[rule.signal]
    p = params_of(rule)
    select, is_change = SIGNALS[rule.signal](p)
    # A dealer's signal reads every dealer (they are the peers) and judges the rule's; a
    # rep's or a region's counts the rule's dealers only.
    if det.subject == "dealer":
        ctes = ["src AS (SELECT * FROM panel)",
                f"scoped AS (SELECT dealer FROM dealers WHERE {_scope(rule)})"]
    else:
        ctes = [f"src AS (SELECT * FROM panel WHERE {_scope(rule)})"]
    # Only the periods and the month before them are judged (the onset looks one month
    # back): a dealer has every month in the panel, so its month before is that row. A
    # rep or region has only the months some dealer of theirs is judged in: all of them.
    since = f"DATE '{periods[0]}' - INTERVAL 1 MONTH"
    judged = f"month >= {since}" if det.subject == "dealer" else "true"
    if is_change:
        threshold = float(p.get("threshold", 0.3))
        direction = float(det.direction)  # a drop is bad: judge -change
        ctes += [
            f"f0 AS (SELECT *, {_change_columns(p, rule.signal)} FROM ({select}) AS s)",
            "judged AS (SELECT * FROM f0 WHERE eligible AND change IS NOT NULL "
            f"AND isfinite(change) AND {judged})",
            "groups AS (SELECT month, grp, level, median(change) AS group_median, "
            "count(*) AS peers FROM judged GROUP BY month, grp, level)",
            "levels AS (SELECT month, level, median(change) AS level_median, "
            "count(*) AS level_peers FROM judged GROUP BY month, level)",
            # Too few peers in the province: the channel level's median; too few there
            # too: none (judged on its own change).
            f"medians AS (SELECT g.month, g.grp, CASE WHEN g.peers >= {MIN_PEERS} "
            f"THEN g.group_median WHEN l.level_peers >= {MIN_PEERS} THEN l.level_median "
            "END AS peer_median "
            "FROM groups g LEFT JOIN levels l ON l.month = g.month AND l.level = g.level)",
        ]
        vertical = f"(f0.change * {direction!r})"
        horizontal = (f"(((1 + f0.change) / (1 + coalesce(m.peer_median, 0.0)) - 1) "
                      f"* {direction!r})")
        deviation = {Comparison.VERTICAL: vertical, Comparison.HORIZONTAL: horizontal,
                     Comparison.BOTH: f"least({vertical}, {horizontal})"}[rule.comparison]
        ctes.append(f"""found AS (
            SELECT f0.dealer AS subject, f0.month,
                   f0.eligible AND isfinite(f0.change)
                   AND {deviation} >= {threshold - EPSILON!r}{_guard(rule, p)} AS hit
            FROM f0 LEFT JOIN medians m ON m.month = f0.month AND m.grp = f0.grp
            WHERE {judged.replace("month", "f0.month")}
              AND f0.dealer IN (SELECT dealer FROM scoped))""")
    else:
        in_scope = (" AND subject IN (SELECT dealer FROM scoped)"
                    if det.subject == "dealer" else "")
        ctes.append(f"found AS (SELECT subject, month, hit FROM ({select}) AS s "
                    f"WHERE {judged}{in_scope})")
    ctes.append("""onset AS (
        SELECT subject, month, coalesce(hit, false)
               AND NOT coalesce(lag(hit) OVER (PARTITION BY subject ORDER BY month), false)
               AS started
        FROM found)""")
    return (f"WITH {', '.join(ctes)} SELECT subject, month FROM onset WHERE started "
            f"AND month >= DATE '{periods[0]}' AND month <= DATE '{periods[1]}'")


def hits(periods: tuple[datetime.date, datetime.date], window: tuple[datetime.date,
         datetime.date], rules: list[Rule] | None = None,
         threads: int | None = None) -> dict[str, list[tuple[int, datetime.date]]]:
    """Per rule code: the (subject, month) onsets in the periods, read and computed as the
    module docstring says. `window` is the panel's months (the scan's window_for).

    As in the scan, the rules reading the dealer alerts (the channel review) come last and
    count the dealer rules' onsets of the periods and of the month before them.
    """
    rules = rules if rules is not None else list(
        Rule.objects.filter(enabled=True).prefetch_related("territories"))
    reviews = [rule for rule in rules if DETECTORS[rule.signal].reads_alerts]
    judged = (add_months(periods[0], -1), periods[1]) if reviews else periods
    shm = Path("/dev/shm")
    workdir = Path(tempfile.mkdtemp(prefix="qudao_bench_alerts_",
                                    dir=shm if shm.is_dir() and os.access(shm, os.W_OK)
                                    else None))
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        read(con, window[0], window[1], workdir)
        build_panel(con, window[0], window[1])
        con.execute("CREATE TABLE rule_hits (code VARCHAR, subject BIGINT, month DATE, "
                    "dealer_rule BOOLEAN)")
        for rule in rules:
            if rule in reviews:
                continue
            dealer_rule = subject_kind(rule) == "dealer"
            con.execute(f"INSERT INTO rule_hits SELECT {_quoted([rule.code])}, subject, "
                        f"month, {dealer_rule} FROM ({rule_sql(rule, judged)}) AS h")
        for rule in reviews:
            con.execute(f"INSERT INTO rule_hits SELECT {_quoted([rule.code])}, subject, "
                        f"month, false FROM ({rule_sql(rule, periods)}) AS h")
        found: dict[str, list[tuple[int, datetime.date]]] = {rule.code: [] for rule in rules}
        for code, subject, month in con.execute(
                "SELECT code, subject, month FROM rule_hits WHERE month >= ? "
                "ORDER BY code, subject, month", [periods[0]]).fetchall():
            found[code].append((int(subject), month))
        return found
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)


def subject_of(rule: Rule, subject: int) -> str:
    """The alert's subject_key for a subject id the rule's query returns."""
    return f"{subject_kind(rule)}:{subject}"
