"""The built-in signals: array work over the dealer-month panel.

The panel (see `panel.py`) holds one row per dealer and month, sorted by dealer and month
with no gaps, so "last month" is a shift by one row within the dealer and "the same month
last year" a shift by twelve; the panel's helpers (`lag`, `window_sum` ...) make those plain
column operations masked at each dealer's first months. Each detector adds, for every
dealer-month:

- `eligible`: the base is large enough to judge (no alarm on tiny numbers);
- `value`, `baseline`: what is judged and what it is judged against;
- for a *change* signal, `change` = value / baseline - 1, which the engine compares with
  the rule's threshold vertically (the dealer's own change) and horizontally (the change
  against the median change of its peers that month), as the rule's comparison says;
- for a *condition* signal, `hit` directly;
- optionally `guard`, a condition a change signal's hit must also meet (a stagnant dealer
  is one that did not grow, whatever its peers did).

`strength` is how far past the threshold the finding is (1 = just at it); the engine makes
an alert critical at twice the threshold.

The stock signals read the dealer's monthly stock and flow report: a month without one is
no data (not zero stock, not zero customers), so their windows run over reported months.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qudao.alerts.panel import (
    cents,
    forward_fill,
    lag,
    positions,
    running_total,
    window_sum,
    window_sum_partial,
)

D = "dealer"
EPSILON = 1e-9
CRITICAL_CAP = 99.0  # the strength of a finding with no finite ratio (no stock left at all)


@dataclass(frozen=True)
class Detector:
    signal: str
    label: Promise
    description: Promise
    kind: str  # "change" or "condition"
    unit: str  # money, quantity, ratio, days: how value and baseline read
    defaults: dict[str, Any]
    compute: Callable[[pl.DataFrame, dict[str, Any]], pl.DataFrame]
    subject: str = "dealer"  # or "rep", "territory", "product"
    direction: int = -1  # -1: a fall is bad, +1: a rise is bad
    series: str = "amount"  # the column (of the panel or the finding) the alert's chart draws
    comparisons: tuple[str, ...] = ("vertical", "horizontal", "both")
    param_help: dict[str, Promise] = field(default_factory=dict)
    extras: tuple[str, ...] = ()  # columns of a finding kept in the alert's details
    reads_alerts: bool = False  # judges the dealer alerts of the same scan, not the facts
    # Judges the orders of the dealer's sub-dealers (children_ordering, sub_dealers), not its
    # own facts: a sub-dealer's change is news for its parent under these rules only.
    network: bool = False


def _baseline(history: pl.Expr, basis: str, window: int) -> pl.Expr:
    if basis == "mom":
        return lag(history, 1)
    if basis == "yoy":
        return lag(history, 12)
    return window_sum(history, window, skip=1) / window


def order_drop(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Orders (amount or quantity) this month against last month, the same month last
    year, or the trailing average of the months before.

    Months before the dealer's first order are no history rather than months without
    orders: a baseline that reaches into them is not judged (a zero there would understate
    a new dealer's trailing average and hide its first drop, and skew its peers' median).
    """
    column = "quantity" if p.get("measure") == "quantity" else "amount"
    history = pl.when(pl.col("orders_so_far") > 0).then(pl.col(column))
    baseline = _baseline(history, p.get("basis", "trailing"), int(p.get("window", 3)))
    return panel.with_columns(value=pl.col(column), baseline=baseline).with_columns(
        eligible=pl.col("baseline") >= float(p.get("min_base", 0)),
        change=pl.col("value") / pl.col("baseline") - 1,
    )


# Signals on monthly counts (complaints, service requests, calls from the dealer): the count
# against its average over the `window` months before. A surge needs `min_base` this month
# and divides by at least 1 (from none to four complaints is a surge); a fall needs a
# baseline of `min_base`.
SURGE_FLOOR = 1.0


def _count_against_trailing(column: str, p: dict[str, Any]) -> pl.Expr:
    """The average of the `window` months before; months before the dealer's first order
    are no history (null), as for orders."""
    window = int(p.get("window", 3))
    history = pl.when(pl.col("orders_so_far") > 0).then(pl.col(column))
    return window_sum(history, window, skip=1) / window


def _surge(column: str) -> Callable[[pl.DataFrame, dict[str, Any]], pl.DataFrame]:
    def compute(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
        baseline = _count_against_trailing(column, p)
        return panel.with_columns(value=pl.col(column), baseline=baseline).with_columns(
            eligible=(pl.col("value") >= float(p.get("min_base", 0)))
            & pl.col("baseline").is_not_null(),
            change=pl.col("value") / pl.max_horizontal(pl.col("baseline"),
                                                       pl.lit(SURGE_FLOOR)) - 1,
        )
    compute.__doc__ = f"{column} this month against the average of the months before."
    return compute


def quality_by_sku(frame: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Quality issues raised on one SKU this month against the average of the months
    before: a batch or a design going wrong. `frame` has every month of every product named
    in the window (see engine.product_panel), in order."""
    window = int(p.get("window", 3))
    baseline = (pl.col("issues").shift(1).rolling_sum(window, min_samples=window)
                .over("subject") / window)
    return frame.rename({"product": "subject"}).with_columns(
        value=pl.col("issues"), baseline=baseline).with_columns(
        eligible=(pl.col("value") >= float(p.get("min_base", 0)))
        & pl.col("baseline").is_not_null(),
        change=pl.col("value") / pl.max_horizontal(pl.col("baseline"),
                                                   pl.lit(SURGE_FLOOR)) - 1,
    )


def calls_drop(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Calls from the dealer this month against the average of the months before: a dealer
    who suddenly stops calling."""
    baseline = _count_against_trailing("calls_in", p)
    return panel.with_columns(value=pl.col("calls_in"), baseline=baseline).with_columns(
        eligible=(pl.col("baseline") >= float(p.get("min_base", 0))).fill_null(False),
        change=pl.col("value") / pl.col("baseline") - 1,
    )


def price_drop(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """The price index (paid against list price, whatever the product mix) against the
    trailing months' index: a sudden cut, possibly dumping."""
    window = int(p.get("window", 3))
    paid = window_sum(pl.col("amount"), window, skip=1)
    listed = window_sum(pl.col("list_amount"), window, skip=1)
    return panel.with_columns(
        value=pl.when(pl.col("list_amount") > 0)
        .then(pl.col("amount") / pl.col("list_amount")),
        baseline=pl.when(listed > 0).then(paid / listed),
    ).with_columns(
        eligible=(pl.col("amount") >= float(p.get("min_base", 0)))
        & pl.col("baseline").is_not_null() & pl.col("value").is_not_null(),
        change=pl.col("value") / pl.col("baseline") - 1,
    )


def stopped_ordering(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """No order for longer than the dealer's usual interval allows, or a dealer who orders
    every month ordered nothing this month.

    The usual interval is 365 days over the orders of the twelve months up to the last
    order, and it stays so while the dealer is silent: measured over the twelve months
    before each silent month instead, it would lengthen as the old orders leave the year,
    and the condition of a dealer ordering every other month would end and start again
    (a second alert for the same silence). A rhythm needs two orders at least: a dealer
    that ordered once is the first-order-only rule's.
    """
    regular = int(p.get("regular_months", 3))
    year_orders = window_sum_partial(pl.col("orders"), 12)
    usual = 365.0 / forward_fill(pl.when(pl.col("orders") > 0).then(year_orders))
    ordered_every_month = window_sum(
        (pl.col("orders") > 0).cast(pl.Int32), regular, skip=1) == regular
    silent_days = (pl.col("month_end") - pl.col("last_order_so_far")).dt.total_days()
    limit = pl.max_horizontal(pl.lit(float(p.get("min_days", 45))),
                              usual * float(p.get("factor", 2.0)))
    return panel.with_columns(value=silent_days.cast(pl.Float64), baseline=usual,
                              every_month=ordered_every_month.fill_null(False)).with_columns(
        eligible=pl.col("last_order_so_far").is_not_null() & (pl.col("orders_so_far") >= 2),
        limit=limit.fill_null(float(p.get("min_days", 45))),
    ).with_columns(
        hit=pl.col("eligible") & (
            ((pl.col("orders") == 0) & pl.col("every_month"))
            | (pl.col("value") > pl.col("limit"))),
        strength=pl.col("value") / pl.col("limit"),
    )


def first_order_only(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """A dealer whose first order is `days` old and was never followed by a second."""
    days = int(p.get("days", 60))
    age = (pl.col("month_end") - pl.col("first_order_ever")).dt.total_days()
    return panel.with_columns(value=age.cast(pl.Float64), baseline=pl.lit(float(days)),
                              eligible=pl.col("first_order_ever").is_not_null()).with_columns(
        hit=pl.col("eligible") & (pl.col("orders_so_far") == 1) & (pl.col("value") >= days),
        strength=pl.lit(1.0),
    )


def first_order_share(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Per rep (or region): the share of its ordering dealers that ordered once and never
    again, against the company's limit (default 4%)."""
    group = "rep" if p.get("by", "rep") == "rep" else "region_id"
    single = first_order_only(panel, p).select(D, "month", group, "hit", "first_order_ever")
    shares = (single.filter(pl.col("first_order_ever").is_not_null() & pl.col(group).is_not_null())
              .group_by(group, "month")
              .agg(value=pl.col("hit").cast(pl.Float64).mean(), dealers=pl.len(),
                   single=pl.col("hit").sum())
              .rename({group: "subject"}))
    limit = float(p.get("limit", 0.04))
    return shares.with_columns(
        baseline=pl.lit(limit),
        eligible=pl.col("dealers") >= int(p.get("min_dealers", 10)),
    ).with_columns(hit=pl.col("eligible") & (pl.col("value") > limit),
                   strength=pl.col("value") / limit)


def overdue_aged(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Credit deterioration: money more than 30 days past due at the month end, against
    what was owed so at the end of the month before.

    It rises when it grows by more than `rise`, or when it reaches the minimum base from
    below it: 900 owed (nothing to judge) becoming 1,100 is news, although not half more.
    """
    min_base = float(p.get("min_base", 0))
    return panel.with_columns(value=pl.col("overdue30"),
                              baseline=lag(pl.col("overdue30")).fill_null(0.0)
                              ).with_columns(
        eligible=pl.col("value") >= min_base,
        hit=(pl.col("value") >= min_base)
        & ((pl.col("baseline") < min_base)
           | (pl.col("value") > pl.col("baseline") * (1 + float(p.get("rise", 0.5)))
              + EPSILON)),
        strength=pl.lit(1.0),
    )


def payment_delay(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Paying later and later: days late of the last `window` months' collections against
    the year before them."""
    window = int(p.get("window", 3))
    recent_amount = window_sum_partial(pl.col("allocated"), window)
    recent_days = window_sum_partial(pl.col("late_amount_days"), window)
    year_amount = window_sum_partial(pl.col("allocated"), 12, skip=window)
    year_days = window_sum_partial(pl.col("late_amount_days"), 12, skip=window)
    return panel.with_columns(
        recent_amount=recent_amount, recent_days=recent_days, year_amount=year_amount,
        year_days=year_days,
    ).with_columns(
        value=pl.when(pl.col("recent_amount") > EPSILON)
        .then(pl.col("recent_days") / pl.col("recent_amount")),
        baseline=pl.when(pl.col("year_amount") > EPSILON)
        .then(pl.col("year_days") / pl.col("year_amount")).otherwise(0.0),
    ).with_columns(
        eligible=pl.col("value").is_not_null()
        & (pl.col("recent_amount") >= float(p.get("min_base", 0))),
    ).with_columns(
        hit=pl.col("eligible") & (pl.col("value") >= float(p.get("min_days", 20)))
        & (pl.col("value") - pl.col("baseline") >= float(p.get("more_days", 15))),
        strength=pl.col("value") / float(p.get("min_days", 20)),
    )


def target_lag(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Year-to-date orders against the year-to-date target (summed in cents: exact)."""
    january = pl.col("month").dt.month() == 1
    ytd_amount = running_total(cents(pl.col("amount")), start=january) / 100.0
    ytd_target = running_total(cents(pl.col("target")), start=january) / 100.0
    return panel.with_columns(value=ytd_amount, baseline=ytd_target).with_columns(
        eligible=pl.col("baseline") >= float(p.get("min_base", 0)),
        change=pl.col("value") / pl.col("baseline") - 1,
    )


# -- stock and flow reports, the network, growth --------------------------------------------

MISSING_FILL_MONTHS = 3
REPORT_POS = "report_pos"  # a reported row's place among the dealer's reports


def _reported_window(panel: pl.DataFrame, **columns: pl.Expr) -> pl.DataFrame:
    """The panel with `columns` computed over each dealer's reported months only (rows
    without a report get null): "the last three months" of a dealer that skipped one are
    its last three reports. The expressions count reports with `pos=REPORT_POS`."""
    reported = positions(panel.with_row_index("row").filter(pl.col("stock_reports") > 0),
                         REPORT_POS).select("row", **columns)
    rows = reported.get_column("row")
    values = []
    for name in columns:
        column = reported.get_column(name)
        values.append(pl.Series(name, [], dtype=column.dtype)
                      .extend_constant(None, panel.height).scatter(rows, column))
    return panel.with_columns(values)


def _stock_days(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Days of stock at each reported month end: the quantity on hand over the average
    daily quantity sold in the last `window` reports (this one included)."""
    window = int(p.get("window", 3))
    days = pl.col("month_end").dt.day().cast(pl.Float64)
    frame = _reported_window(
        panel,
        sold_window=window_sum(pl.col("sold_quantity"), window, pos=REPORT_POS),
        days_window=window_sum(days, window, pos=REPORT_POS))
    daily = pl.col("sold_window") / pl.col("days_window")
    return frame.with_columns(daily_sold=daily).with_columns(
        stock_days=pl.when(pl.col("daily_sold") > EPSILON)
        .then(pl.col("stock_quantity") / pl.col("daily_sold")))


def _lasting(condition: pl.Expr) -> pl.Expr:
    """A stock condition held through a few months without a report: a missing report
    does not end it (nor does the next report showing it again start it anew)."""
    return forward_fill(pl.when(pl.col("stock_reports") > 0).then(condition),
                        limit=MISSING_FILL_MONTHS).fill_null(False)


def stock_low(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Days of stock below the safety stock of the dealer's agreement: it may run out
    (断货). Not judged when the agreement sets no safety stock or the dealer sold less
    than `min_base` units in the window."""
    frame = _stock_days(panel, p)
    eligible = (pl.col("stock_days").is_not_null() & pl.col("safety_days").is_not_null()
                & (pl.col("sold_window") >= float(p.get("min_base", 0))))
    return frame.with_columns(value=pl.col("stock_days"), baseline=pl.col("safety_days"),
                              eligible=eligible.fill_null(False)).with_columns(
        hit=_lasting(pl.col("eligible") & (pl.col("value") < pl.col("baseline") - EPSILON)),
        strength=pl.when(pl.col("value") > EPSILON)
        .then(pl.col("baseline") / pl.col("value")).otherwise(CRITICAL_CAP),
    )


def stock_high(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Days of stock above the maximum of the dealer's agreement: overstock (压货), cash
    tied up, a temptation to dump or sell across regions. A dealer that sold less than
    `min_base` units in the window has no days of stock to count: its silence is the
    order rules' news (stopped ordering, orders drop)."""
    frame = _stock_days(panel, p)
    eligible = (pl.col("stock_days").is_not_null() & pl.col("max_days").is_not_null()
                & (pl.col("max_days") > 0)
                & (pl.col("sold_window") >= float(p.get("min_base", 0))))
    return frame.with_columns(value=pl.col("stock_days"), baseline=pl.col("max_days"),
                              eligible=eligible.fill_null(False)).with_columns(
        hit=_lasting(pl.col("eligible") & (pl.col("value") > pl.col("baseline") + EPSILON)),
        strength=pl.col("value") / pl.col("baseline"),
    )


def stock_report_missing(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """A dealer that sent its stock and flow report in each of `regular_months` months in a
    row sent none for the next one.

    Judged in the month the report was due: the report of a month comes in the month after
    it (by the agreement's flow_report_day), so the scan of month M (run on the first days
    of M+1, before M's reports are due) asks about the report of M-1. Judging M's own
    report then would find every dealer's missing.
    """
    regular = int(p.get("regular_months", 3))
    sent = (pl.col("stock_reports") > 0).cast(pl.Int32)
    before = window_sum(sent, regular, skip=2)
    last = lag(sent, 1)
    return panel.with_columns(
        value=last.cast(pl.Float64), baseline=before.cast(pl.Float64),
        report_month=lag(pl.col("month"), 1),
        eligible=(before == regular).fill_null(False),
    ).with_columns(hit=pl.col("eligible") & (pl.col("value") == 0), strength=pl.lit(1.0))


def network_reach(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """A tier-1's network weakening: how many of its sub-dealers ordered this month,
    against the average of the months before. Months before any of them first ordered are
    no history (a network being built is not one that grew)."""
    started = running_total(pl.col("children_ordering")) > 0
    frame = panel.with_columns(
        network=pl.when(started).then(pl.col("children_ordering")))
    baseline = _baseline(pl.col("network"), "trailing", int(p.get("window", 3)))
    return frame.with_columns(value=pl.col("children_ordering"), baseline=baseline
                              ).with_columns(
        eligible=(pl.col("baseline") >= float(p.get("min_base", 0))).fill_null(False),
        change=pl.col("value") / pl.col("baseline") - 1,
    )


def coverage_shrinking(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Customers the dealer sold to (its flow report) against the average of its last
    reports: its coverage shrinking. A month without a report is no data."""
    window = int(p.get("window", 3))
    frame = _reported_window(panel, customers_before=window_sum(
        pl.col("active_customers"), window, skip=1, pos=REPORT_POS) / window)
    return frame.with_columns(
        customers=pl.when(pl.col("stock_reports") > 0).then(pl.col("active_customers")),
    ).with_columns(value=pl.col("customers"), baseline=pl.col("customers_before")).with_columns(
        eligible=(pl.col("value").is_not_null()
                  & (pl.col("baseline") >= float(p.get("min_base", 0)))).fill_null(False),
        change=pl.col("value") / pl.col("baseline") - 1,
    )


def stagnant(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """A distributor not growing (不思进取): orders of the last twelve months against the
    twelve before, no growth, while its peers grow. Twelve months against twelve leave the
    season out; months before the first order are no history (a dealer younger than two
    years is not judged)."""
    history = pl.when(pl.col("orders_so_far") > 0).then(pl.col("amount"))
    return panel.with_columns(year=window_sum(history, 12)).with_columns(
        value=pl.col("year"), baseline=lag(pl.col("year"), 12)).with_columns(
        eligible=(pl.col("baseline") >= float(p.get("min_base", 0))).fill_null(False),
        change=pl.col("value") / pl.col("baseline") - 1,
    ).with_columns(guard=pl.col("change") <= float(p.get("max_growth", 0.0)) + EPSILON)


def channel_review(panel: pl.DataFrame, p: dict[str, Any]) -> pl.DataFrame:
    """Per province and month: the share of its dealers with at least one alert that month
    (渠道检讨). Alerts concentrated in a province point at the channel itself, its costs and
    its structure, rather than at a dealer.

    Reads `alert_rules` (the codes of the dealer rules that raised an alert for the dealer
    that month), which the scan adds once the dealer rules are judged. A dealer counts as
    judged when it ordered in the last twelve months or has an alert.
    """
    if "alert_rules" not in panel.columns:
        panel = panel.with_columns(alert_rules=pl.lit([], pl.List(pl.Utf8)))
    frame = panel.filter(pl.col("region_id").is_not_null()).with_columns(
        alerted=pl.col("alert_rules").list.len().fill_null(0) > 0,
        recent=window_sum_partial(pl.col("orders"), 12) > 0,
    ).filter(pl.col("alerted") | pl.col("recent"))
    shares = frame.group_by("region_id", "month").agg(
        judged=pl.len(), alerted=pl.col("alerted").sum().cast(pl.Int64),
        value=pl.col("alerted").cast(pl.Float64).mean())
    counts = (frame.select("region_id", "month", code=pl.col("alert_rules"))
              .explode("code").filter(pl.col("code").is_not_null())
              .group_by("region_id", "month", "code").agg(n=pl.len().cast(pl.Int64))
              .sort("code")
              .group_by("region_id", "month").agg(rules=pl.struct("code", "n")))
    share = float(p.get("share", 0.2))
    return (shares.join(counts, on=["region_id", "month"], how="left")
            .rename({"region_id": "subject"})
            .with_columns(baseline=pl.lit(share),
                          eligible=pl.col("alerted") >= int(p.get("min_dealers", 5)))
            .with_columns(hit=pl.col("eligible") & (pl.col("value") >= share - EPSILON),
                          strength=pl.col("value") / share))


PERIOD_PARAMS = {
    "threshold": _("threshold (0.3 = 30%)"),
    "min_base": _("minimum base (no alarm below it)"),
    "window": _("months in the comparison window"),
}

DETECTORS: dict[str, Detector] = {d.signal: d for d in [
    Detector("order_drop", _("Orders drop"),
             _("Order amount or quantity falls against last month, the same month last year "
               "or the trailing average."),
             "change", "money", {"measure": "amount", "basis": "trailing", "window": 3,
                                 "threshold": 0.3, "min_base": 10000},
             order_drop),
    Detector("price_drop", _("Unit price drops"),
             _("The price paid against list price falls: a sudden price cut, possibly "
               "dumping."),
             "change", "ratio", {"window": 3, "threshold": 0.08, "min_base": 5000},
             price_drop, series="price_index"),
    Detector("stopped_ordering", _("Stopped ordering"),
             _("No order for longer than the dealer's usual interval allows."),
             "condition", "days", {"min_days": 45, "factor": 2.0, "regular_months": 3},
             stopped_ordering, comparisons=("vertical",)),
    Detector("first_order_only", _("First order only"),
             _("A first order and no second one after the given days."),
             "condition", "days", {"days": 60}, first_order_only, comparisons=("vertical",)),
    Detector("first_order_share", _("Too many one-order dealers"),
             _("Share of a rep's (or a region's) dealers who ordered once only, against the "
               "company limit."),
             "condition", "ratio", {"by": "rep", "days": 60, "limit": 0.04, "min_dealers": 10},
             first_order_share, subject="rep", comparisons=("horizontal",),
             extras=("dealers", "single")),
    Detector("overdue_aged", _("Overdue beyond 30 days"),
             _("Money more than 30 days past due at the month end, rising."),
             "condition", "money", {"min_base": 1000, "rise": 0.5}, overdue_aged,
             direction=1, series="overdue30", comparisons=("vertical",)),
    Detector("payment_delay", _("Paying later and later"),
             _("Days late of recent collections against the year before."),
             "condition", "days", {"window": 3, "min_days": 20, "more_days": 15,
                                   "min_base": 1000},
             payment_delay, direction=1, series="days_late", comparisons=("vertical",)),
    Detector("target_lag", _("Behind target pace"),
             _("Year-to-date orders behind the year-to-date target."),
             "change", "money", {"threshold": 0.3, "min_base": 10000}, target_lag,
             comparisons=("vertical", "horizontal", "both")),
    Detector("stock_low", _("Stock below safety stock"),
             _("Days of stock at the month end (quantity on hand over the average daily "
               "sales of the last reports) below the safety stock of the agreement."),
             "condition", "days", {"window": 3, "min_base": 30}, stock_low,
             series="stock_days", comparisons=("vertical",),
             extras=("stock_quantity", "daily_sold")),
    Detector("stock_high", _("Overstock"),
             _("Days of stock at the month end above the maximum stock of the agreement."),
             "condition", "days", {"window": 3, "min_base": 30}, stock_high, direction=1,
             series="stock_days", comparisons=("vertical",),
             extras=("stock_quantity", "daily_sold")),
    Detector("stock_report_missing", _("Stock report missing"),
             _("A dealer that reports its stock and flow every month sent no report for "
               "the month before (due this month)."),
             "condition", "count", {"regular_months": 3}, stock_report_missing,
             series="stock_reports", comparisons=("vertical",), extras=("report_month",)),
    Detector("network_reach", _("Sub-dealer network weakening"),
             _("Fewer of the dealer's sub-dealers ordered this month than in the months "
               "before."),
             "change", "count", {"window": 3, "threshold": 0.4, "min_base": 3},
             network_reach, series="children_ordering", extras=("sub_dealers",),
             network=True),
    Detector("coverage_shrinking", _("Coverage shrinking"),
             _("The dealer sold to fewer customers this month (its flow report) than in its "
               "last reports."),
             "change", "count", {"window": 3, "threshold": 0.4, "min_base": 5},
             coverage_shrinking, series="customers"),
    Detector("stagnant", _("Not growing"),
             _("Orders of the last twelve months no higher than the twelve before, while "
               "its peers grow."),
             "change", "money", {"threshold": 0.15, "max_growth": 0.0, "min_base": 120000},
             stagnant),
    Detector("complaint_surge", _("Complaints surge"),
             _("Complaints this month against the average of the months before."),
             "change", "count", {"window": 3, "threshold": 1.0, "min_base": 3},
             _surge("complaints"), direction=1, series="complaints",
             comparisons=("vertical",)),
    Detector("request_surge", _("Service requests surge"),
             _("Service requests this month against the average of the months before."),
             "change", "count", {"window": 3, "threshold": 1.0, "min_base": 5},
             _surge("requests"), direction=1, series="requests", comparisons=("vertical",)),
    Detector("quality_by_sku", _("Quality issues on a product"),
             _("Quality issues raised on one SKU this month (by the dealers in the rule's "
               "scope) against the average of the months before."),
             "change", "count", {"window": 3, "threshold": 1.0, "min_base": 3},
             quality_by_sku, subject="product", direction=1, series="issues",
             comparisons=("vertical",), extras=("dealers",)),
    Detector("calls_jump", _("Calls from the dealer jump"),
             _("The dealer called far more often this month than in the months before."),
             "change", "count", {"window": 3, "threshold": 1.0, "min_base": 4},
             _surge("calls_in"), direction=1, series="calls_in", comparisons=("vertical",)),
    Detector("calls_drop", _("Calls from the dealer stop"),
             _("The dealer called far less often this month than in the months before."),
             "change", "count", {"window": 3, "threshold": 0.6, "min_base": 4}, calls_drop,
             series="calls_in", comparisons=("vertical",)),
    Detector("channel_review", _("Channel review"),
             _("Alerts concentrated in a province: review the channel's costs and look for "
               "new ways to reach the market."),
             "condition", "ratio", {"share": 0.2, "min_dealers": 5}, channel_review,
             subject="territory", comparisons=("horizontal",),
             extras=("judged", "alerted", "rules"), reads_alerts=True),
]}


def detector(signal: str) -> Detector:
    return DETECTORS[signal]
