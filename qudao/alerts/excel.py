"""The alert list as a sheet."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from qudao.alerts.models import Alert
from qudao.core.excel import Column

EXPORT_COLUMNS = [
    Column("period", _("Month")),
    Column("rule", _("Rule")),
    Column("severity", _("Severity")),
    Column("status", _("Status")),
    Column("subject", _("Dealer, rep or region")),
    Column("dealer_name", _("Name")),
    Column("value", _("This month"), kind="decimal"),
    Column("baseline", _("Baseline"), kind="decimal"),
    Column("change", _("Change"), kind="decimal"),
    Column("peer_median", _("Peer median change"), kind="decimal"),
    Column("assigned_to", _("Assigned to")),
    Column("created_at", _("Raised at")),
    Column("close_reason", _("Reason")),
]


def subject_label(alert: Alert) -> tuple[str, str]:
    """(code, name) of what the alert is about."""
    if alert.dealer_id:
        return alert.dealer.code, alert.dealer.name
    if alert.rep_id:
        return alert.rep.username, str(alert.rep)
    if alert.territory_id:
        return alert.territory.code, alert.territory.name
    return alert.subject_key, ""


def export_row(alert: Alert) -> list[Any]:
    code, name = subject_label(alert)
    return [f"{alert.period:%Y-%m}", alert.rule.display_name, alert.get_severity_display(),
            alert.get_status_display(), code, name, alert.value, alert.baseline, alert.change,
            alert.peer_median, str(alert.assigned_to or ""), alert.created_at,
            alert.close_reason]
