"""Access-matrix entries of the early-warning routes (see tests/api/test_access_matrix.py)."""

import datetime

from qudao.alerts.models import Alert, Rule
from qudao.dealers.models import Dealer


def _alerts(world) -> dict:
    """One new alert per dealer of the world (written directly: no audit events); the same
    ones when asked again."""
    rule = Rule.objects.get(code="order-drop-mom")
    return {d.code: Alert.objects.get_or_create(
        rule=rule, period=datetime.date(2026, 3, 1), subject_key=f"dealer:{d.pk}",
        defaults={"dealer": d, "territory": d.territory, "severity": "warning"})[0].pk
        for d in Dealer.objects.all()}


ROUTES: dict = {
    ("get", "/api/alerts"): "scoped_list",
    ("get", "/api/alerts/{alert_id}"): "alert_read",
    ("post", "/api/alerts/{alert_id}/acknowledge"): "alert_write",
    ("post", "/api/alerts/{alert_id}/actions"): "alert_write",
    ("post", "/api/alerts/{alert_id}/resolve"): "alert_write",
    ("post", "/api/alerts/{alert_id}/dismiss"): "alert_write",
    ("get", "/api/alert-rules"): "company_wide",
    ("patch", "/api/alert-rules/{rule_id}"): "company_wide",
    ("get", "/api/alert-rules/{rule_id}/preview"): "company_wide",
}
RECORDS: dict = {"alert": ("alert_id", _alerts)}
