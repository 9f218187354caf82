"""Rules over the panel: which dealer-months (or rep- and region-months) each rule finds.

Pure array work, no writes: `evaluate` turns one rule and the panel into its findings,
`findings` does it for every rule. The scan service (services.py) writes them as alerts;
the rule preview shows them without writing.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import polars as pl

from qudao.alerts.choices import Comparison, Severity
from qudao.alerts.detectors import DETECTORS, EPSILON, Detector
from qudao.alerts.models import Rule
from qudao.alerts.panel import add_months

MIN_PEERS = 5
CRITICAL_STRENGTH = 2.0
# What a dealer's finding keeps of the panel and the detector's columns (with the
# detector's extras): its subject and month, what its scope and peers are, and its figures.
FINDING_COLUMNS = {"dealer", "month", "pos", "group", "level", "path", "grade", "value",
                   "baseline", "change", "eligible", "hit", "guard", "strength"}


@dataclass
class RuleScope:
    """Which dealers a rule applies to (empty = all)."""

    paths: list[str]
    levels: list[str]
    grades: list[str]

    @classmethod
    def of(cls, rule: Rule) -> "RuleScope":
        territories = rule.territories.all() if rule.pk is not None else []
        return cls(paths=[t.path for t in territories],
                   levels=list(rule.channel_levels or []), grades=list(rule.grades or []))

    def apply(self, panel: pl.DataFrame) -> pl.DataFrame:
        if not (self.paths or self.levels or self.grades):
            return panel
        condition = pl.lit(True)
        if self.paths:
            condition &= pl.any_horizontal([pl.col("path").str.starts_with(p)
                                            for p in self.paths])
        if self.levels:
            condition &= pl.col("level").is_in(self.levels)
        if self.grades:
            condition &= pl.col("grade").is_in(self.grades)
        return panel.filter(condition)


def subject_kind(rule: Rule) -> str:
    det = DETECTORS[rule.signal]
    if det.subject in ("dealer", "territory", "product"):
        return det.subject
    return "rep" if rule.params.get("by", "rep") == "rep" else "territory"


def params_of(rule: Rule) -> dict[str, Any]:
    return {**DETECTORS[rule.signal].defaults, **(rule.params or {})}


def peer_medians(found: pl.DataFrame) -> pl.DataFrame:
    """Median change per month and peer group (province and channel level); a group with
    fewer than MIN_PEERS judged dealers uses the median of its channel level, and a level
    with fewer than that has no peer median (its dealers are judged on their own change:
    the median of a dealer and two others says little, and of a dealer alone it is the
    dealer itself, which would hide every drop under "both")."""
    judged = found.filter(pl.col("eligible") & pl.col("change").is_not_null()
                          & pl.col("change").is_finite())
    groups = judged.group_by("month", "group", "level").agg(
        group_median=pl.col("change").median(), peers=pl.len())
    levels = judged.group_by("month", "level").agg(level_median=pl.col("change").median(),
                                                   level_peers=pl.len())
    return (groups.join(levels, on=["month", "level"], how="left")
            .with_columns(peer_median=pl.when(pl.col("peers") >= MIN_PEERS)
                          .then(pl.col("group_median"))
                          .when(pl.col("level_peers") >= MIN_PEERS)
                          .then(pl.col("level_median")))
            .select("month", "group", "peer_median"))


def stats_frame(stats: dict[str, dict[str, float]]) -> pl.DataFrame:
    rows = [(datetime.date.fromisoformat(month), group, median)
            for month, groups in stats.items() for group, median in groups.items()]
    return pl.DataFrame(rows, orient="row", schema={"month": pl.Date, "group": pl.Utf8,
                                                    "peer_median": pl.Float64})


def _judge_change(found: pl.DataFrame, det: Detector, rule: Rule, p: dict[str, Any],
                  medians: pl.DataFrame) -> pl.DataFrame:
    """Vertical, horizontal or both, for a signal that is a change against a baseline."""
    threshold = float(p.get("threshold", 0.3))
    sign = -det.direction  # a drop is a negative change: judge -change for drop signals
    found = found.join(medians, on=["month", "group"], how="left", maintain_order="left")
    vertical = pl.col("change") * (-sign)
    adjusted = (1 + pl.col("change")) / (1 + pl.col("peer_median").fill_null(0.0)) - 1
    horizontal = adjusted * (-sign)
    deviation = {Comparison.VERTICAL: vertical, Comparison.HORIZONTAL: horizontal,
                 Comparison.BOTH: pl.min_horizontal(vertical, horizontal)}[rule.comparison]
    # A signal may add a condition of its own (a stagnant dealer did not grow at all).
    guard = pl.col("guard").fill_null(False) if "guard" in found.columns else pl.lit(True)
    return found.with_columns(
        adjusted=adjusted,
        hit=pl.col("eligible") & pl.col("change").is_finite()
        & (deviation >= threshold - EPSILON) & guard,
        strength=deviation / threshold,
    )


def product_panel(issues: pl.DataFrame | None, panel: pl.DataFrame, scope: RuleScope
                  ) -> pl.DataFrame:
    """Per product and month of the panel's window: the quality issues the scope's dealers
    raised on it (`issues`: see panel.product_issues) and how many dealers raised them;
    every month of every product named, in order."""
    schema = {"product": pl.Int64, "month": pl.Date, "issues": pl.Float64,
              "dealers": pl.Int64}
    if issues is None or not issues.height or not panel.height:
        return pl.DataFrame(schema=schema)
    months = pl.DataFrame({"month": pl.date_range(panel.get_column("month").min(),
                                                  panel.get_column("month").max(), "1mo",
                                                  eager=True)})
    attributes = panel.filter(pl.col("pos") == 0).select("dealer", "path", "level", "grade")
    rows = scope.apply(issues.join(attributes, on="dealer", how="left"))
    counts = rows.group_by("product", "month").agg(
        issues=pl.col("issues").sum(), dealers=pl.col("dealer").n_unique().cast(pl.Int64))
    grid = counts.select("product").unique().join(months, how="cross")
    return (grid.join(counts, on=["product", "month"], how="left")
            .with_columns(pl.col("issues").fill_null(0.0), pl.col("dealers").fill_null(0))
            .sort("product", "month").select(*schema))


def evaluate(rule: Rule, panel: pl.DataFrame, periods: tuple[datetime.date, datetime.date],
             *, scope: RuleScope | None = None, stats: dict | None = None,
             issues: pl.DataFrame | None = None
             ) -> tuple[pl.DataFrame, dict[str, dict[str, float]]]:
    """The rule's findings in the periods (first, last): one row per subject and month
    where the condition starts (it did not hold the month before), with the numbers that
    explain it; and the peer medians used, by month and group (for change signals).

    The rule's scope (regions, channel levels, grades) decides which dealers are judged,
    not who their peers are: a key-account rule limited to grade A compares each grade-A
    dealer with every dealer of its province and channel level, so a season they all share
    is no news (a handful of grade-A dealers alone are too few to tell a season from a
    drop). A share per rep or region counts the scoped dealers only.

    `stats`, when given (even empty), are peer medians from an earlier full scan: an
    incremental scan of a few dealers compares them with all their peers, not with each
    other; a group missing from them has no peer median, as in the full scan.

    A product rule judges `issues` (see panel.product_issues) raised by the dealers of the
    panel in its scope, product by product, against the product's own history.
    """
    det = DETECTORS[rule.signal]
    p = params_of(rule)
    scope = scope or RuleScope.of(rule)
    # The month before the periods decides whether a condition in their first month is new.
    since = add_months(periods[0], -1)
    if det.subject == "dealer":
        # Every dealer has every month of the panel, in order, and keeps them through the
        # filters below (a scope takes or leaves whole dealers): the month before a row is
        # the row before, except in the first month kept.
        computed = det.compute(panel, p)
        keep = [c for c in computed.columns if c in FINDING_COLUMNS or c in det.extras]
        everyone = computed.select(keep).filter(pl.col("month").is_between(since, periods[1]))
        found = scope.apply(everyone)
    elif det.subject == "product":
        everyone = found = det.compute(product_panel(issues, panel, scope), p).with_columns(
            group=pl.lit(None, pl.Utf8))
    else:
        everyone = found = det.compute(scope.apply(panel), p)
    used: dict[str, dict[str, float]] = {}
    if det.kind == "change":
        if det.subject == "product":  # a product against its own history only
            medians = stats_frame({})
        else:
            medians = stats_frame(stats) if stats is not None else peer_medians(everyone)
        found = _judge_change(found, det, rule, p, medians)
        for month, group, median in medians.filter(pl.col("month") >= since).iter_rows():
            if median is not None:
                used.setdefault(month.isoformat(), {})[group] = median
    else:
        found = found.with_columns(adjusted=pl.lit(None, pl.Float64),
                                   peer_median=pl.lit(None, pl.Float64))
    hit = pl.col("hit").fill_null(False)
    if det.subject == "dealer":
        subject = "dealer"
        before = pl.when((pl.col("month") > since) & (pl.col("pos") >= 1)).then(
            pl.col("hit").shift(1))
    else:
        # A rep's or a region's months are those some dealer of theirs is judged in (a
        # product's, every month): the month before is the row before of the same subject.
        subject = "subject"
        found = found.sort(subject, "month")
        before = pl.col("hit").shift(1).over(subject)
    found = found.with_columns(started=hit & ~before.fill_null(False))
    hits = found.filter(pl.col("started") & (pl.col("month") >= periods[0])
                        & (pl.col("month") <= periods[1]))
    # Critical from twice the threshold on (less a float residue: 60% off against a 30%
    # threshold is 2.0 in decimals and may be 1.9999999999999998 in floats); a notice
    # stays a notice.
    severity = (pl.when(pl.col("strength") >= CRITICAL_STRENGTH - EPSILON)
                .then(pl.lit(Severity.CRITICAL.value)).otherwise(pl.lit(rule.severity)))
    hits = hits.with_columns(severity=severity if rule.severity != Severity.INFO
                             else pl.lit(rule.severity))
    return hits.rename({subject: "subject"}) if subject != "subject" else hits, used


def window_for(periods: tuple[datetime.date, datetime.date]) -> tuple[datetime.date, datetime.date]:
    """The months the panel must hold to judge the periods: two years of history before
    the month before the first period (twelve months against the twelve before, in that
    month too: a finding is news only if it did not hold the month before, and the
    channel review counts the dealer alerts of that month)."""
    return add_months(periods[0], -26), periods[1]
