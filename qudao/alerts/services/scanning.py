"""Scans: the switched-on rules over the facts, raising what they find as alerts (full,
per dealer, or of what changed since the last scan)."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from qudao.alerts.choices import ScanKind, Severity
from qudao.alerts.detectors import DETECTORS
from qudao.alerts.engine import (
    RuleScope,
    evaluate,
    params_of,
    product_panel,
    subject_kind,
    window_for,
)
from qudao.alerts.models import Alert, Notification, Rule, ScanRun
from qudao.alerts.panel import add_months, build_panel, product_issues
from qudao.analytics.services import QUALITY_CODES
from qudao.dealers.models import Dealer
from qudao.territories.models import AssignmentRole, Territory, TerritoryAssignment

SERIES_MONTHS = 13


def last_complete_month(today: datetime.date | None = None) -> datetime.date:
    """The month before today's (business date, Asia/Shanghai): the last one whose facts
    will not grow any more, and so the one the daily scan judges."""
    today = today or timezone.localdate()
    return add_months(today.replace(day=1), -1)


def _figure(value: Any, places: str = "0.0001") -> Decimal | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return Decimal(repr(number)).quantize(Decimal(places))


def _detail(value: Any) -> Any:
    """A finding's extra figure as the alert's details keep it (JSON): a month as
    "YYYY-MM", a fraction as a string of cents, counts per rule as a mapping."""
    if isinstance(value, datetime.date):
        return value.isoformat()[:7]
    if isinstance(value, float):
        figure = _figure(value, "0.01")
        return None if figure is None else str(figure)
    if isinstance(value, list):
        return {item["code"]: item["n"] for item in value}
    return value


class _Managers:
    """The nearest regional manager above a territory path."""

    def __init__(self) -> None:
        self.by_path: dict[str, int] = {}
        for path, user in (TerritoryAssignment.objects.filter(role=AssignmentRole.MANAGER)
                           .order_by("territory__path", "pk")
                           .values_list("territory__path", "user_id")):
            self.by_path.setdefault(path, user)
        self.rep_paths: dict[int, str] = dict(
            TerritoryAssignment.objects.filter(role=AssignmentRole.REP)
            .order_by("-territory__path").values_list("user_id", "territory__path"))

    def above(self, path: str | None) -> int | None:
        path = path or ""
        step = Territory.steplen
        for n in range(len(path), 0, -step):
            user = self.by_path.get(path[:n])
            if user:
                return user
        return None


def _series(panel: pl.DataFrame, subjects: list[int], rule: Rule
            ) -> dict[int, dict[datetime.date, Any]]:
    """Per dealer, the monthly figures the alert's chart draws: a panel column, or one the
    signal computes (days of stock), computed again for the alerted dealers only."""
    column = DETECTORS[rule.signal].series
    if not subjects:
        return {}
    frame = panel.filter(pl.col("dealer").is_in(subjects))
    if column not in frame.columns:
        frame = DETECTORS[rule.signal].compute(frame, params_of(rule))
    if column not in frame.columns:
        return {}
    rows = frame.select("dealer", "month", column)
    out: dict[int, dict[datetime.date, Any]] = {}
    for dealer, month, value in rows.iter_rows():
        out.setdefault(dealer, {})[month] = value
    return out


def _product_series(hits: pl.DataFrame, issues: pl.DataFrame | None, panel: pl.DataFrame,
                    rule: Rule) -> dict[int, dict[datetime.date, Any]]:
    """Per alerted product, the quality issues of each month (in the rule's scope)."""
    frame = product_panel(issues, panel, RuleScope.of(rule)).filter(
        pl.col("product").is_in(hits.get_column("subject").to_list()))
    out: dict[int, dict[datetime.date, Any]] = {}
    for product, month, value in frame.select("product", "month", "issues").iter_rows():
        out.setdefault(product, {})[month] = value
    return out


def _quality_owner() -> int | None:
    """Who answers for product quality: the responsible person of the directory's quality
    function (product alerts are assigned to them)."""
    from qudao.service.models import ServiceFunction

    return (ServiceFunction.objects.filter(code__in=QUALITY_CODES)
            .values_list("responsible_id", flat=True).first())


def _alert_rows(rule: Rule, hits: pl.DataFrame, panel: pl.DataFrame, scan: ScanRun,
                managers: _Managers, dealers: dict[int, tuple],
                issues: pl.DataFrame | None = None) -> list[Alert]:
    det = DETECTORS[rule.signal]
    kind = subject_kind(rule)
    p = params_of(rule)
    subjects = hits.get_column("subject").to_list()
    series = (_series(panel, subjects, rule) if kind == "dealer"
              else _product_series(hits, issues, panel, rule) if kind == "product" else {})
    paths = (dict(Territory.objects.filter(pk__in=subjects).values_list("pk", "path"))
             if kind == "territory" and subjects else {})
    owner = _quality_owner() if kind == "product" and hits.height else None
    alerts = []
    for row in hits.iter_rows(named=True):
        subject, month = row["subject"], row["month"]
        history = series.get(subject, {})
        months = [add_months(month, -n) for n in range(SERIES_MONTHS - 1, -1, -1)]
        values = [_figure(history.get(m), "0.01") for m in months]
        details: dict[str, Any] = {
            "unit": det.unit, "params": p, "adjusted": _figure(row.get("adjusted")),
            "strength": _figure(row.get("strength"), "0.01"),
            "series": {"months": [m.isoformat()[:7] for m in months],
                       "values": [None if v is None else str(v) for v in values]},
        }
        for extra in det.extras:
            if extra in row:
                details[extra] = _detail(row[extra])
        details = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in details.items()}
        alert = Alert(rule=rule, period=month, severity=row["severity"], scan=scan,
                      value=_figure(row["value"]), baseline=_figure(row["baseline"]),
                      change=_figure(row.get("change")),
                      peer_median=_figure(row.get("peer_median")), details=details)
        if kind == "dealer":
            territory_id, path, rep = dealers.get(subject, (None, "", None))
            alert.subject_key = f"dealer:{subject}"
            alert.dealer_id, alert.territory_id = subject, territory_id
            alert.assigned_to_id, alert.manager_id = rep, managers.above(path)
        elif kind == "rep":
            alert.subject_key = f"rep:{subject}"
            alert.rep_id = alert.assigned_to_id = subject
            alert.manager_id = managers.above(managers.rep_paths.get(subject))
        elif kind == "product":
            alert.subject_key = f"product:{subject}"
            alert.product_id = subject
            alert.assigned_to_id = owner
        else:
            alert.subject_key = f"territory:{subject}"
            alert.territory_id = subject
            alert.assigned_to_id = alert.manager_id = managers.above(paths.get(subject))
        alerts.append(alert)
    return alerts


def _notify(scan: ScanRun) -> None:
    """Inbox entries for the alerts this scan raised: the assignee always, the manager too
    when the alert is critical."""
    rows = []
    for pk, assignee, manager, severity in Alert.objects.filter(scan=scan).values_list(
            "pk", "assigned_to_id", "manager_id", "severity"):
        for user in {assignee, manager if severity == Severity.CRITICAL else None} - {None}:
            rows.append(Notification(user_id=user, alert_id=pk,
                                     reason=Notification.Reason.ASSIGNED))
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def _full_scans_covering(periods: tuple[datetime.date, datetime.date]) -> QuerySet[ScanRun]:
    return ScanRun.objects.filter(kind=ScanKind.FULL, finished_at__isnull=False,
                                  first_period__lte=periods[0], last_period__gte=periods[1])


def _full_scan_covering(periods: tuple[datetime.date, datetime.date]) -> ScanRun | None:
    """The latest finished full scan over (at least) the periods: its peer medians are the
    ones a scan of a few dealers compares them with."""
    return _full_scans_covering(periods).first()


def scan(*, periods: tuple[datetime.date, datetime.date] | None = None,
         dealer_ids: list[int] | None = None, kind: str = ScanKind.FULL,
         rules: list[Rule] | None = None) -> ScanRun:
    """Run the switched-on rules over the periods (default: the last complete month) and
    raise what they find as alerts; an alert already raised for the same rule, subject and
    month is left as it is, and only new ones reach an inbox.

    With `dealer_ids`, only those dealers are judged, against the peer medians stored by
    the last full scan over the periods (or, when there is none, against medians of every
    dealer computed now), so they meet the same peers as in a full scan; the shares per rep
    or region need every dealer and are left to full scans.

    A full scan ends with the channel review: per province, the share of its dealers with
    an alert of this scan's dealer rules in the month (see `_review_panel`).
    """
    return _scan(periods=periods, dealer_ids=dealer_ids, kind=kind, rules=rules)


def _scan(*, periods: tuple[datetime.date, datetime.date] | None,
          dealer_ids: list[int] | None, kind: str, rules: list[Rule] | None,
          facts_of: list[int] | None = None, network_of: list[int] | None = None) -> ScanRun:
    """The scan (see `scan`). A scan of what changed also says, of the given dealers,
    whose own facts changed (`facts_of`: judged on every rule but the network's) and whose
    sub-dealers' did (`network_of`: judged on the network's rules only); by default every
    dealer is judged on every rule."""
    last = last_complete_month()
    periods = periods or (last, last)
    run = ScanRun.objects.create(kind=kind, started_at=timezone.now(),
                                 first_period=periods[0], last_period=periods[1])
    rules = rules if rules is not None else list(
        Rule.objects.filter(enabled=True).prefetch_related("territories"))
    if dealer_ids is not None:
        rules = [rule for rule in rules if subject_kind(rule) == "dealer"]
    first, last_month = window_for(periods)
    panel = build_panel(first, last_month, dealer_ids, facts_of=facts_of,
                        network_of=network_of)
    stats = _StoredMedians(periods, first, last_month) if dealer_ids is not None else None
    # The panel carries each dealer's territory and rep, as the alert rows need them.
    dealers = {pk: (territory, path, rep) for pk, territory, path, rep in panel.filter(
        pl.col("pos") == 0).select("dealer", "territory_id", "path", "rep").iter_rows()}
    managers = _Managers()
    peer_stats: dict[str, Any] = {}
    alerts: list[Alert] = []
    issues = _Issues()
    for rule, hits, used in _judge(rules, panel, periods, stats=stats, facts_of=facts_of,
                                   network_of=network_of, issues=issues):
        # Every change rule judged keeps its medians, none found included: a scan of some
        # dealers then meets the same (no) peers without reading every dealer's facts.
        if used or DETECTORS[rule.signal].kind == "change":
            peer_stats[rule.code] = used
        alerts.extend(_alert_rows(rule, hits, panel, run, managers, dealers,
                                  issues.of(rule, panel)))
    with transaction.atomic():
        Alert.objects.bulk_create(alerts, ignore_conflicts=True, batch_size=2000)
        run.raised = Alert.objects.filter(scan=run).count()
        run.dealers = len(dealers)
        run.peer_stats = peer_stats
        run.finished_at = timezone.now()
        run.save()
        _notify(run)
    return run


class _StoredMedians:
    """The peers' median changes a scan of some dealers compares them with: those the last
    full scan over the periods stored, or, for a rule it did not judge (or without one),
    the medians of every dealer computed now."""

    def __init__(self, periods: tuple[datetime.date, datetime.date], first: datetime.date,
                 last: datetime.date) -> None:
        self.periods, self.window = periods, (first, last)
        self.source = _full_scan_covering(periods)
        self.everyone: pl.DataFrame | None = None

    def of(self, rule: Rule) -> dict[str, dict[str, float]]:
        stored = self.source.peer_stats.get(rule.code) if self.source is not None else None
        if stored is not None:
            return stored
        if self.everyone is None:
            self.everyone = build_panel(*self.window)
        return evaluate(rule, self.everyone, self.periods)[1]


class _Issues:
    """The quality issues per dealer, product and month of the panel's window, read once
    and only when a product rule asks for them."""

    def __init__(self) -> None:
        self.frame: pl.DataFrame | None = None

    def of(self, rule: Rule, panel: pl.DataFrame) -> pl.DataFrame | None:
        if DETECTORS[rule.signal].subject != "product":
            return None
        if self.frame is None:
            months = panel.get_column("month")
            self.frame = (product_issues(months.min(), months.max()) if panel.height
                          else None)
        return self.frame


def _judge(rules: list[Rule], panel: pl.DataFrame,
           periods: tuple[datetime.date, datetime.date], *, stats: _StoredMedians | None = None,
           facts_of: list[int] | None = None, network_of: list[int] | None = None,
           issues: _Issues | None = None
           ) -> Iterator[tuple[Rule, pl.DataFrame, dict[str, dict[str, float]]]]:
    """Each rule's findings in the periods and the peer medians it used; the rules reading
    the dealer alerts (the channel review) last, over what the dealer rules found. `stats`:
    the stored medians a scan of some dealers compares them with; `facts_of`, `network_of`:
    the dealers judged on their own facts and on their network (default: all)."""
    panels = {False: panel if facts_of is None else
              panel.filter(pl.col("dealer").is_in(facts_of)),
              True: panel if network_of is None else
              panel.filter(pl.col("dealer").is_in(network_of))}
    reviews = [rule for rule in rules if DETECTORS[rule.signal].reads_alerts]
    issues = issues or _Issues()
    # The review of the first month needs the dealer alerts of the month before it too
    # (a concentration already there is no news): judge one month more, report the periods.
    judged = (add_months(periods[0], -1), periods[1]) if reviews else periods
    dealer_hits: list[pl.DataFrame] = []
    for rule in rules:
        if DETECTORS[rule.signal].reads_alerts:
            continue
        medians = None
        if stats is not None and DETECTORS[rule.signal].kind == "change":
            medians = stats.of(rule)
        hits, used = evaluate(rule, panels[DETECTORS[rule.signal].network], judged,
                              stats=medians, issues=issues.of(rule, panel))
        if reviews and subject_kind(rule) == "dealer":
            dealer_hits.append(hits.select(dealer="subject", month="month",
                                           code=pl.lit(rule.code)))
        yield rule, hits.filter(pl.col("month") >= periods[0]), used
    if reviews:
        review_panel = _review_panel(panel, dealer_hits)
        for rule in reviews:
            hits, used = evaluate(rule, review_panel, periods)
            yield rule, hits, used


def findings(periods: tuple[datetime.date, datetime.date], rules: list[Rule] | None = None
             ) -> dict[str, pl.DataFrame]:
    """What a full scan of the periods finds, rule by rule (code -> subject, month and the
    figures), without writing anything: for checks such as `qudao bench alerts`."""
    rules = rules if rules is not None else list(
        Rule.objects.filter(enabled=True).prefetch_related("territories"))
    panel = build_panel(*window_for(periods))
    return {rule.code: hits for rule, hits, _used in _judge(rules, panel, periods)}


def _review_panel(panel: pl.DataFrame, dealer_hits: list[pl.DataFrame]) -> pl.DataFrame:
    """The panel with `alert_rules`: per dealer and month, the codes of the dealer rules
    that found something (the alerts a scan raises, whether or not an earlier scan had
    raised them already), which the channel review counts per province."""
    found = [hits for hits in dealer_hits if hits.height]
    if not found:
        return panel.with_columns(alert_rules=pl.lit(None, pl.List(pl.Utf8)))
    codes = (pl.concat(found).group_by("dealer", "month")
             .agg(alert_rules=pl.col("code").unique().sort()))
    return panel.join(codes, on=["dealer", "month"], how="left", maintain_order="left")


def _review_hits(rule: Rule, panel: pl.DataFrame,
                 periods: tuple[datetime.date, datetime.date],
                 scope: RuleScope | None = None) -> pl.DataFrame:
    """What a rule reading the dealer alerts (the channel review) finds in the periods,
    judging the switched-on dealer rules first, as a full scan does."""
    judged = (add_months(periods[0], -1), periods[1])
    dealer_hits = []
    for other in Rule.objects.filter(enabled=True).prefetch_related("territories"):
        if DETECTORS[other.signal].reads_alerts or subject_kind(other) != "dealer":
            continue
        hits = evaluate(other, panel, judged)[0]
        dealer_hits.append(hits.select(dealer="subject", month="month",
                                       code=pl.lit(other.code)))
    return evaluate(rule, _review_panel(panel, dealer_hits), periods, scope=scope)[0]


def _changed_since_last_scan() -> tuple[set[tuple[int, datetime.date]], set[int] | None]:
    """The dealer-months whose facts changed after the last scan read them: those the
    facts refreshes since rewrote, as each recorded (`FactsRun.changed`).

    The last scan read the facts of the last facts run finished before it started; every
    run started after that one may hold changes it did not see. When one of them did not
    record its dealer-months (a rebuild, or a refresh from before they were recorded),
    they are looked for again in the transactions changed since (the slow way). Also the
    dealers whose ordering flipped (a month with orders now without, or back), as the
    refreshes recorded them; None when one did not.
    """
    from qudao.analytics.models import FactsRun
    from qudao.analytics.services import changed_dealer_months

    last = ScanRun.objects.filter(finished_at__isnull=False).only("started_at").first()
    read = (FactsRun.objects.filter(finished_at__lte=last.started_at)
            .order_by("-started_at").only("started_at").first())
    runs = FactsRun.objects.all()
    if read is not None:
        runs = runs.filter(started_at__gt=read.started_at)
    keys: set[tuple[int, datetime.date]] = set()
    flipped: set[int] | None = set()
    for kind, written, changed, flips in runs.values_list("kind", "dealer_months", "changed",
                                                          "ordering_flipped"):
        if kind != FactsRun.Kind.REFRESH or (written and not changed):
            return changed_dealer_months(read.started_at if read else last.started_at), None
        keys.update((dealer, datetime.date.fromisoformat(day)) for dealer, day in changed)
        flipped = None if flipped is None or flips is None else flipped | set(flips)
    return keys, flipped


def scan_changed(*, since: datetime.datetime | None = None) -> ScanRun | None:
    """Judge again only the dealers whose facts changed since the last scan read them, and
    the network of their parents (the rules on sub-dealers' orders); None when nothing
    changed. Run it right after the facts refresh.

    Without a full scan of the last complete month yet (the first run of a new month, or
    ever), this is that full scan: there are no peer medians to judge a few dealers by.
    The changed dealer-months are those the facts refreshes since the last scan recorded
    (see `_changed_since_last_scan`); with `since`, those whose transactions changed since
    then (judging a dealer twice raises nothing twice). Changes dated after the last
    complete month do not count: the month they belong to is not judged yet.
    """
    from qudao.analytics.services import changed_dealer_months

    month = last_complete_month()
    if not _full_scans_covering((month, month)).exists():
        return scan()
    if since is not None:
        keys, flipped = changed_dealer_months(since), None
    else:
        keys, flipped = _changed_since_last_scan()
    changed = {dealer for dealer, day in keys if day <= month}
    if not changed:
        return None
    # A sub-dealer that starts or stops ordering changes its parent's network: judge the
    # parent's network again too (its own facts did not change). Other changes leave the
    # count of sub-dealers ordering as it was.
    parents: set[int] = set()
    movers = changed if flipped is None else changed & flipped
    if movers and Rule.objects.filter(enabled=True, signal__in=[
            d.signal for d in DETECTORS.values() if d.network]).exists():
        parents = set(Dealer.objects.filter(pk__in=movers, parent__isnull=False)
                      .values_list("parent_id", flat=True))
    return _scan(periods=None, dealer_ids=sorted(changed | parents), kind=ScanKind.INCREMENTAL,
                 rules=None, facts_of=sorted(changed), network_of=sorted(parents))
