"""Writes of early warning: scans that raise alerts, the response workflow, escalation and
the rules HQ edits."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.alerts.choices import OPEN_STATUSES, AlertStatus, ScanKind, Severity
from qudao.alerts.detectors import DETECTORS
from qudao.alerts.engine import RuleScope, evaluate, params_of, subject_kind, window_for
from qudao.alerts.models import Alert, AlertAction, Notification, Rule, ScanRun
from qudao.alerts.panel import add_months, build_panel
from qudao.core import audit
from qudao.core.exceptions import DomainError, InvalidTransition
from qudao.dealers.models import Dealer
from qudao.territories.models import AssignmentRole, Territory, TerritoryAssignment

SERIES_MONTHS = 13
# Text parameters and the values each may take (numbers only need to be non-negative).
CHOICES = {"measure": ("amount", "quantity"), "basis": ("trailing", "mom", "yoy"),
           "by": ("rep", "region")}
WHOLE_NUMBERS = {"window", "regular_months", "days", "min_dealers"}


class AlertClosed(DomainError):
    """The alert is resolved or dismissed: nothing more is recorded on it."""

    code = "alert_closed"


class AlertInvalid(DomainError):
    """What was asked of an alert breaks a rule of the workflow; `errors` maps each field
    to why."""

    code = "alert_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors


class AlertNotNew(InvalidTransition):
    """Only a new alert can be acknowledged (an alert acted on is past that step)."""

    code = "alert_not_new"


class RuleInvalid(DomainError):
    """A rule's new settings are not valid for its signal; `errors` maps each field to
    why."""

    code = "rule_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors


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


def _alert_rows(rule: Rule, hits: pl.DataFrame, panel: pl.DataFrame, scan: ScanRun,
                managers: _Managers, dealers: dict[int, tuple]) -> list[Alert]:
    det = DETECTORS[rule.signal]
    kind = subject_kind(rule)
    p = params_of(rule)
    subjects = hits.get_column("subject").to_list()
    series = _series(panel, subjects, rule) if kind == "dealer" else {}
    paths = (dict(Territory.objects.filter(pk__in=subjects).values_list("pk", "path"))
             if kind == "territory" and subjects else {})
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
    for rule, hits, used in _judge(rules, panel, periods, stats=stats, facts_of=facts_of,
                                   network_of=network_of):
        if used:
            peer_stats[rule.code] = used
        alerts.extend(_alert_rows(rule, hits, panel, run, managers, dealers))
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


def _judge(rules: list[Rule], panel: pl.DataFrame,
           periods: tuple[datetime.date, datetime.date], *, stats: _StoredMedians | None = None,
           facts_of: list[int] | None = None, network_of: list[int] | None = None
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
                              stats=medians)
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


# -- the response workflow -------------------------------------------------------------------

def _transition(alert: Alert, *, to: str, actor: Any, reason: str = "") -> Alert:
    if not alert.is_open:
        raise AlertClosed(_("This alert is already %(status)s: nothing more can be done on "
                            "it.") % {"status": alert.get_status_display()})
    old = alert.status
    alert.status = to
    fields = ["status", "updated_at"]
    now = timezone.now()
    if to == AlertStatus.ACKNOWLEDGED and alert.acknowledged_at is None:
        alert.acknowledged_at = now
        fields.append("acknowledged_at")
    if to in (AlertStatus.RESOLVED, AlertStatus.DISMISSED):
        alert.closed_at, alert.closed_by, alert.close_reason = now, actor, reason
        fields += ["closed_at", "closed_by", "close_reason"]
    alert.save(update_fields=fields)
    audit.record(actor=actor, target=alert, event=f"alert.{to}",
                 data={"status": [old, to], **({"reason": reason} if reason else {})},
                 subject=alert.dealer or alert)
    return alert


def _mark_read(alert: Alert, actor: Any) -> None:
    Notification.objects.filter(alert=alert, user=actor, read_at__isnull=True).update(
        read_at=timezone.now())


@transaction.atomic
def alert_acknowledge(*, alert: Alert, actor: Any) -> Alert:
    """The owner has seen the alert and is analysing it: new -> acknowledged, and the
    actor's inbox entry for it is read.

    Raises AlertClosed on a resolved or dismissed alert, AlertNotNew on one already
    acknowledged or acted on.
    """
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.is_open and alert.status != AlertStatus.NEW:
        raise AlertNotNew(_("This alert is already %(status)s.")
                          % {"status": alert.get_status_display()})
    _mark_read(alert, actor)
    return _transition(alert, to=AlertStatus.ACKNOWLEDGED, actor=actor)


@transaction.atomic
def alert_action_add(*, alert: Alert, actor: Any, kind: str, happened_on: datetime.date,
                     notes: str) -> AlertAction:
    """Record a call, visit or note against the alert; a new or acknowledged alert moves on
    to "action taken".

    Raises AlertClosed on a closed alert, AlertInvalid without notes, with an unknown kind
    or with a date still to come (an action is recorded after it happened).
    """
    from qudao.alerts.choices import ActionKind

    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_open:
        raise AlertClosed(_("This alert is already %(status)s: nothing more can be done on "
                            "it.") % {"status": alert.get_status_display()})
    errors = {}
    if kind not in ActionKind.values:
        errors["kind"] = _("Choose a call, a visit or a note.")
    if not notes.strip():
        errors["notes"] = _("Say what was found and agreed.")
    if happened_on > timezone.localdate():
        errors["happened_on"] = _("An action cannot be recorded before it happens.")
    if errors:
        raise AlertInvalid(errors)
    action = AlertAction.objects.create(alert=alert, kind=kind, happened_on=happened_on,
                                        notes=notes.strip(), by=actor)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_at", "updated_at"])
    _mark_read(alert, actor)
    if alert.status != AlertStatus.ACTION_TAKEN:
        _transition(alert, to=AlertStatus.ACTION_TAKEN, actor=actor)
    return action


@transaction.atomic
def alert_resolve(*, alert: Alert, actor: Any, reason: str = "") -> Alert:
    """The cause is dealt with: the alert is closed (from any open status).

    Raises AlertClosed when it is closed already.
    """
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    return _transition(alert, to=AlertStatus.RESOLVED, actor=actor, reason=reason.strip())


@transaction.atomic
def alert_dismiss(*, alert: Alert, actor: Any, reason: str) -> Alert:
    """A false alarm: closed with the reason, which the rule's owners read to tune it.

    Raises AlertInvalid without a reason, AlertClosed when it is closed already.
    """
    if not reason.strip():
        raise AlertInvalid({"reason": _("Say why this is a false alarm.")})
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    return _transition(alert, to=AlertStatus.DISMISSED, actor=actor, reason=reason.strip())


def escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Alerts still new after their rule's escalation days go to the regional manager's
    inbox, once; returns how many were escalated."""
    now = now or timezone.now()
    escalated = 0
    for rule in Rule.objects.all():
        due = now - datetime.timedelta(days=rule.escalate_after_days)
        with transaction.atomic():
            # Locked, so two runs at the same moment cannot both escalate an alert.
            alerts = list(Alert.objects.select_for_update()
                          .filter(rule=rule, status=AlertStatus.NEW, escalated_at__isnull=True,
                                  created_at__lte=due)
                          .exclude(manager__isnull=True).values_list("pk", "manager_id"))
            if not alerts:
                continue
            Alert.objects.filter(pk__in=[pk for pk, _m in alerts]).update(escalated_at=now)
            Notification.objects.bulk_create(
                [Notification(user_id=manager, alert_id=pk,
                              reason=Notification.Reason.ESCALATED) for pk, manager in alerts],
                ignore_conflicts=True)
        escalated += len(alerts)
    return escalated


def notifications_read(*, user: Any, alert: Alert) -> int:
    """The user has opened the alert: its entries in their inbox are read."""
    return Notification.objects.filter(user=user, alert=alert, read_at__isnull=True).update(
        read_at=timezone.now())


# -- rules ---------------------------------------------------------------------------------------

def _params_errors(rule: Rule, params: Any) -> dict[str, str]:
    det = DETECTORS[rule.signal]
    if not isinstance(params, dict):
        return {"params": _("Parameters are a mapping of name to value.")}
    errors = {}
    unknown = sorted(set(params) - set(det.defaults))
    if unknown:
        errors["params"] = _("%(names)s: not a parameter of this rule.") % {
            "names": ", ".join(unknown)}
    for key, value in params.items():
        if key not in det.defaults:
            continue
        default = det.defaults[key]
        if key in CHOICES:
            if value not in CHOICES[key]:
                errors[f"params.{key}"] = _("Choose one of: %(values)s.") % {
                    "values": ", ".join(CHOICES[key])}
            continue
        if isinstance(default, bool) or not isinstance(default, int | float):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[f"params.{key}"] = _("%(value)s is not a number.") % {"value": value}
            continue
        if number != number or number in (float("inf"), float("-inf")):
            errors[f"params.{key}"] = _("%(value)s is not a number.") % {"value": value}
        elif number < 0:
            errors[f"params.{key}"] = _("Must not be negative.")
        elif key in WHOLE_NUMBERS and (number != int(number) or number < 1):
            errors[f"params.{key}"] = _("Must be a whole number of at least 1.")
    return errors


@transaction.atomic
def rule_update(*, rule: Rule, actor: Any, values: dict[str, Any],
                territories: list[Territory] | None = None) -> Rule:
    """Change a rule's parameters, severity, comparison or scope; what changed is audited.

    Raises RuleInvalid (nothing written) for a parameter the signal does not have, a
    negative or non-numeric number, a text parameter outside its choices, or a comparison
    the signal cannot make (a condition such as "stopped ordering" has no peers' change).
    """
    from qudao.alerts.choices import Comparison

    det = DETECTORS[rule.signal]
    errors = _params_errors(rule, values.get("params", rule.params))
    comparison = values.get("comparison", rule.comparison)
    if comparison not in det.comparisons:
        labels = ", ".join(str(Comparison(c).label) for c in det.comparisons)
        errors["comparison"] = _("This rule can only compare: %(choices)s.") % {
            "choices": labels}
    if values.get("severity", rule.severity) not in Severity.values:
        errors["severity"] = _("Unknown severity.")
    if errors:
        raise RuleInvalid(errors)
    changes = {}
    for field in ("enabled", "severity", "comparison", "params", "channel_levels", "grades",
                  "escalate_after_days", "name", "name_en"):
        if field in values and values[field] != getattr(rule, field):
            changes[field] = [getattr(rule, field), values[field]]
            setattr(rule, field, values[field])
    rule.updated_by = actor
    rule.save()
    if territories is not None:
        before = sorted(rule.territories.values_list("code", flat=True))
        rule.territories.set(territories)
        after = sorted(t.code for t in territories)
        if before != after:
            changes["territories"] = [before, after]
    if changes:
        audit.record(actor=actor, target=rule, event="alert_rule.updated",
                     data={k: [str(v[0]), str(v[1])] for k, v in changes.items()})
    return rule


def rule_preview(*, rule: Rule, months: int = 12, today: datetime.date | None = None,
                 territories: list[Territory] | None = None) -> list[dict[str, Any]]:
    """What the rule (as configured, switched on or not, saved or not) would have raised
    in each of the last `months` complete months: counts by month, nothing written.

    `territories` stands for the rule's saved regions (an edit not saved yet).
    """
    last = last_complete_month(today)
    periods = (add_months(last, -(months - 1)), last)
    first, last_month = window_for(periods)
    panel = build_panel(first, last_month)
    scope = None
    if territories is not None or rule.pk is None:
        scope = RuleScope(paths=[t.path for t in territories or []],
                          levels=list(rule.channel_levels or []),
                          grades=list(rule.grades or []))
    if DETECTORS[rule.signal].reads_alerts:
        hits = _review_hits(rule, panel, periods, scope=scope)
    else:
        hits, _used = evaluate(rule, panel, periods, scope=scope)
    counts = dict(hits.group_by("month").agg(n=pl.len()).iter_rows())
    return [{"month": m, "count": counts.get(m, 0)}
            for m in (add_months(periods[0], n) for n in range(months))]


def open_alerts_q() -> Q:
    """Alerts still to be dealt with: new, acknowledged or acted on."""
    return Q(status__in=OPEN_STATUSES)
