"""Reads of early warning, already limited to what the user may see."""

import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from qudao.alerts.choices import OPEN_STATUSES, SEVERITY_RANK, AlertStatus, Severity
from qudao.alerts.detectors import DETECTORS
from qudao.alerts.filters import AlertFilter
from qudao.alerts.models import Alert, Notification, Rule
from qudao.alerts.panel import add_months
from qudao.core.pagination import filters_copy
from qudao.dealers.scoping import covered_paths, visible_dealers
from qudao.territories.models import Territory, TerritoryLevel

DASHBOARD_MONTHS = 12


def visible_alerts(user: Any) -> QuerySet[Alert]:
    """Alerts on dealers the user may see; alerts on a rep or a region to that rep, to the
    managers above, and to everyone who sees all dealers. Dealers see none."""
    alerts = Alert.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return alerts.none()
    if user.sees_all_dealers:
        return alerts
    if not user.is_territory_user:
        return alerts.none()
    region = Q(pk__in=[])
    for path in covered_paths(user):
        region |= Q(territory__path__startswith=path)
    others = Q(dealer__isnull=True) & (Q(rep=user) | Q(manager=user) | Q(assigned_to=user)
                                       | region)
    return alerts.filter(Q(dealer__in=visible_dealers(user)) | others)


def alert_list(*, user: Any, filters: Any = None) -> QuerySet[Alert]:
    """The alert list: newest month first, then most severe; open ones unless asked."""
    data = filters_copy(filters)
    data.setdefault("state", "open")
    alerts = visible_alerts(user).select_related(
        "rule", "dealer", "territory", "assigned_to", "rep", "product")
    alerts = AlertFilter(data, queryset=alerts, request_user=user).qs
    return alerts.order_by("-period", "-id")


def alert_get(*, user: Any, pk: int) -> Alert:
    return visible_alerts(user).select_related(
        "rule", "dealer", "dealer__territory", "territory", "product", "assigned_to", "manager",
        "rep", "closed_by").get(pk=pk)


def alert_history(*, alert: Alert) -> QuerySet:
    """The alert's own audit events (they show on its dealer's history too)."""
    from django.contrib.contenttypes.models import ContentType

    from qudao.core.models import AuditEvent

    return AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(Alert),
                                     target_id=str(alert.pk)).select_related("actor"
                                                                             ).order_by("-at")


def alert_actions(*, alert: Alert) -> QuerySet:
    return alert.actions.select_related("by").order_by("-happened_on", "-id")


def dealer_alerts(*, user: Any, dealer: Any, limit: int = 10) -> list[Alert]:
    """The dealer's open alerts, newest first (dealer page panel)."""
    return list(visible_alerts(user).filter(dealer=dealer, status__in=OPEN_STATUSES)
                .select_related("rule").order_by("-period", "-id")[:limit])


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    return {"dealer": dealer, "alerts": dealer_alerts(user=user, dealer=dealer)}


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True,
                                       alert__status__in=OPEN_STATUSES).count()


def inbox(*, user: Any) -> QuerySet[Notification]:
    """The user's notifications on alerts still open, unread first."""
    return (Notification.objects.filter(user=user, alert__status__in=OPEN_STATUSES)
            .select_related("alert", "alert__rule", "alert__dealer", "alert__territory",
                            "alert__product", "alert__rep")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id"))


def dashboard(*, user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """Open alerts by severity, rule and region, and alerts raised per month by severity
    over the last year: a handful of grouped queries whatever the number of alerts."""
    from django.utils import timezone

    today = today or timezone.localdate()
    alerts = visible_alerts(user)
    open_alerts = alerts.filter(status__in=OPEN_STATUSES)
    by_severity = dict(open_alerts.order_by().values_list("severity").annotate(n=Count("id")))
    severities = [{"code": s.value, "label": s.label, "count": by_severity.get(s.value, 0)}
                  for s in sorted(Severity, key=lambda s: -SEVERITY_RANK[s])]
    rules = {r.pk: r for r in Rule.objects.all()}
    by_rule = [{"rule": rules[pk], "count": n} for pk, n in
               open_alerts.order_by().values_list("rule").annotate(n=Count("id"))
               .order_by("-n")]
    # Regions: the province above the alert's territory (or the territory itself).
    step = Territory.steplen
    by_path = (open_alerts.exclude(territory__isnull=True).order_by()
               .annotate(province=Substr("territory__path", 1, 2 * step))
               .values_list("province").annotate(n=Count("id")).order_by("-n"))
    provinces = {t.path: t for t in Territory.objects.filter(level=TerritoryLevel.PROVINCE)}
    by_region = [{"territory": provinces.get(path), "count": n} for path, n in by_path[:12]
                 if path in provinces]
    first = add_months(today.replace(day=1), -DASHBOARD_MONTHS)
    monthly = (alerts.filter(period__gte=first).order_by()
               .values_list("period", "severity").annotate(n=Count("id")))
    months = [add_months(first, n) for n in range(DASHBOARD_MONTHS)]
    counts: dict[tuple[datetime.date, str], int] = {(m, s): n for m, s, n in monthly}
    trend = {"months": [m.strftime("%Y-%m") for m in months],
             "series": [{"name": str(s.label), "code": s.value,
                         "data": [counts.get((m, s.value), 0) for m in months]}
                        for s in Severity]}
    mine = open_alerts.filter(assigned_to=user).count()
    return {"severities": severities, "by_rule": by_rule, "by_region": by_region,
            "trend": trend, "open_total": sum(by_severity.values()), "mine": mine,
            "new": open_alerts.filter(status=AlertStatus.NEW).count()}


BASIS_LABELS = {"mom": _("Last month"), "yoy": _("Same month last year"),
                "trailing": _("Average of the months before")}
FIGURE_LABELS = {
    "price_drop": (_("Price index this month"), _("Price index of the months before")),
    "stopped_ordering": (_("Days without an order"), _("Usual days between orders")),
    "first_order_only": (_("Days since the first order"), _("Days allowed")),
    "first_order_share": (_("Share that ordered once only"), _("Company limit")),
    "overdue_aged": (_("Over 30 days past due at month end"), _("At the end of the month before")),
    "payment_delay": (_("Days late, recent collections"), _("Days late, the year before")),
    "target_lag": (_("Orders this year so far"), _("Target so far")),
    "stock_low": (_("Days of stock at month end"), _("Safety stock (days)")),
    "stock_high": (_("Days of stock at month end"), _("Maximum stock (days)")),
    "stock_report_missing": (_("Reports sent for the month"), _("Reports expected")),
    "network_reach": (_("Sub-dealers ordering this month"),
                      _("Sub-dealers ordering, months before")),
    "coverage_shrinking": (_("Customers sold to this month"),
                           _("Customers sold to, months before")),
    "stagnant": (_("Orders of the last 12 months"), _("Orders of the 12 months before")),
    "channel_review": (_("Share of dealers alerted"), _("Share that calls for a review")),
    "complaint_surge": (_("Complaints this month"), _("Monthly average before")),
    "request_surge": (_("Requests this month"), _("Monthly average before")),
    "calls_jump": (_("Calls from the dealer this month"), _("Monthly average before")),
    "calls_drop": (_("Calls from the dealer this month"), _("Monthly average before")),
}


def _figure_labels(signal: str, params: dict[str, Any]) -> tuple[Any, Any]:
    if signal in FIGURE_LABELS:
        return FIGURE_LABELS[signal]
    return _("This month"), BASIS_LABELS.get(params.get("basis", "trailing"), _("Baseline"))


def _rule_counts(counts: Any) -> list[tuple[str, int]]:
    """The channel review's alerts per rule, by rule name, most first."""
    if not isinstance(counts, dict):
        return []
    names = {r.code: r.display_name for r in Rule.objects.filter(code__in=list(counts))}
    return sorted(((names.get(code, code), n) for code, n in counts.items()),
                  key=lambda item: -item[1])


def explanation(alert: Alert) -> dict[str, Any]:
    """What the alert page says about the numbers: unit, threshold, and the chart series."""
    det = DETECTORS.get(alert.rule.signal)
    details = alert.details or {}
    series = details.get("series") or {"months": [], "values": []}
    params = details.get("params") or {}
    value_label, baseline_label = _figure_labels(alert.rule.signal, params)
    return {
        "value_label": value_label, "baseline_label": baseline_label,
        "detector": det, "unit": details.get("unit", det.unit if det else "money"),
        "params": params, "threshold": params.get("threshold"),
        "adjusted": details.get("adjusted"),
        "chart": {"months": series.get("months", []),
                  "values": [None if v is None else float(v) for v in series.get("values", [])],
                  "from_zero": details.get("unit", "money") in ("money", "quantity", "count",
                                                                 "days"),
                  "baseline": None if alert.baseline is None else float(alert.baseline)},
        "dealers": details.get("dealers"), "single": details.get("single"),
        "judged": details.get("judged"), "alerted": details.get("alerted"),
        "rules": _rule_counts(details.get("rules")),
    }


def rule_list() -> QuerySet[Rule]:
    return Rule.objects.prefetch_related("territories").annotate(
        open_count=Count("alerts", filter=Q(alerts__status__in=OPEN_STATUSES))).order_by("code")


def rule_get(*, pk: int) -> Rule:
    return Rule.objects.prefetch_related("territories").get(pk=pk)


def rule_territories(*, ids: list[int]) -> list[Territory]:
    """The regions a rule is limited to, by id; DomainError naming an unknown one."""
    from qudao.core.exceptions import DomainError

    territories = list(Territory.objects.filter(pk__in=ids))
    unknown = sorted(set(ids) - {t.pk for t in territories})
    if unknown:
        raise DomainError(f"territory_ids: no territory {', '.join(map(str, unknown))}")
    return territories
