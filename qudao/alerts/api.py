"""API of early warning: thin handlers over queries and services."""

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.alerts import queries, services
from qudao.alerts.models import Alert, Rule
from qudao.alerts.schemas import (
    ActionIn,
    AlertDetailOut,
    AlertOut,
    AlertQuery,
    CloseIn,
    PreviewMonthOut,
    RuleOut,
    RulePatch,
)
from qudao.api import require
from qudao.core.exceptions import DomainError

router = Router(tags=["Early warning"])


def _alert(request, alert_id: int) -> Alert:
    try:
        return queries.alert_get(user=request.user, pk=alert_id)
    except Alert.DoesNotExist:
        raise Http404 from None


@router.get("/alerts", response=list[AlertOut])
@paginate(PageNumberPagination)
def alert_list(request, filters: Query[AlertQuery]):
    require(request, "alerts.view_alert")
    return queries.alert_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/alerts/{alert_id}", response=AlertDetailOut)
def alert_detail(request, alert_id: int):
    require(request, "alerts.view_alert")
    return _alert(request, alert_id)


@router.post("/alerts/{alert_id}/acknowledge", response=AlertDetailOut)
def alert_acknowledge(request, alert_id: int):
    require(request, "alerts.handle_alert")
    alert = services.alert_acknowledge(alert=_alert(request, alert_id), actor=request.user)
    return _alert(request, alert.pk)


@router.post("/alerts/{alert_id}/actions", response={201: AlertDetailOut})
def alert_action(request, alert_id: int, payload: ActionIn):
    """Record a call, visit or note; the alert moves to "action taken"."""
    require(request, "alerts.handle_alert")
    alert = _alert(request, alert_id)
    if payload.kind not in {"note", "call", "visit"}:
        raise DomainError("kind: must be note, call or visit")
    services.alert_action_add(alert=alert, actor=request.user, kind=payload.kind,
                              happened_on=payload.happened_on or timezone.localdate(),
                              notes=payload.notes)
    return Status(201, _alert(request, alert.pk))


@router.post("/alerts/{alert_id}/resolve", response=AlertDetailOut)
def alert_resolve(request, alert_id: int, payload: CloseIn):
    require(request, "alerts.handle_alert")
    alert = services.alert_resolve(alert=_alert(request, alert_id), actor=request.user,
                                   reason=payload.reason)
    return _alert(request, alert.pk)


@router.post("/alerts/{alert_id}/dismiss", response=AlertDetailOut)
def alert_dismiss(request, alert_id: int, payload: CloseIn):
    """Close as a false alarm; the reason is required."""
    require(request, "alerts.handle_alert")
    alert = services.alert_dismiss(alert=_alert(request, alert_id), actor=request.user,
                                   reason=payload.reason)
    return _alert(request, alert.pk)


@router.get("/alert-rules", response=list[RuleOut])
def rule_list(request):
    require(request, "alerts.view_alert")
    return list(queries.rule_list())


def _rule(rule_id: int) -> Rule:
    try:
        return queries.rule_get(pk=rule_id)
    except Rule.DoesNotExist:
        raise Http404 from None


@router.patch("/alert-rules/{rule_id}", response=RuleOut)
def rule_update(request, rule_id: int, payload: RulePatch):
    """Change a rule's switch, severity, comparison, parameters or scope."""
    require(request, "alerts.change_rule")
    rule = _rule(rule_id)
    values = payload.dict(exclude_none=True)
    territory_ids = values.pop("territory_ids", None)
    territories = None
    if territory_ids is not None:
        territories = queries.rule_territories(ids=territory_ids)
    if "params" in values:
        values["params"] = {**rule.params, **values["params"]}
    services.rule_update(rule=rule, actor=request.user, values=values, territories=territories)
    return _rule(rule_id)


@router.get("/alert-rules/{rule_id}/preview", response=list[PreviewMonthOut])
def rule_preview(request, rule_id: int, months: int = 12):
    """What the rule as saved would have raised in each of the last `months` months."""
    require(request, "alerts.view_alert")
    return services.rule_preview(rule=_rule(rule_id), months=max(1, min(months, 36)))
