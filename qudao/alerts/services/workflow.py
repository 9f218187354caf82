"""The response to an alert: acknowledged, acted on, resolved or dismissed; escalation to
the manager; the inbox read."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.alerts.choices import OPEN_STATUSES, AlertStatus
from qudao.alerts.exceptions import AlertClosed, AlertInvalid, AlertNotNew
from qudao.alerts.models import Alert, AlertAction, Notification, Rule
from qudao.core import audit


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


def open_alerts_q() -> Q:
    """Alerts still to be dealt with: new, acknowledged or acted on."""
    return Q(status__in=OPEN_STATUSES)
