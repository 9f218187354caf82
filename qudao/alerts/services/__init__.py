"""Writes of early warning: scans that raise alerts (scanning.py), the response workflow and
escalation (workflow.py), and the rules HQ edits (rules.py)."""

from qudao.alerts.exceptions import AlertClosed, AlertInvalid, AlertNotNew, RuleInvalid
from qudao.alerts.services.rules import rule_preview, rule_update
from qudao.alerts.services.scanning import findings, last_complete_month, scan, scan_changed
from qudao.alerts.services.workflow import (
    alert_acknowledge,
    alert_action_add,
    alert_dismiss,
    alert_resolve,
    escalate_overdue,
    notifications_read,
    open_alerts_q,
)

__all__ = [
    "AlertClosed", "AlertInvalid", "AlertNotNew", "RuleInvalid", "alert_acknowledge",
    "alert_action_add", "alert_dismiss", "alert_resolve", "escalate_overdue", "findings",
    "last_complete_month", "notifications_read", "open_alerts_q", "rule_preview",
    "rule_update", "scan", "scan_changed",
]
