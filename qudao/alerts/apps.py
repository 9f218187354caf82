from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "qudao.alerts"
    label = "alerts"
    verbose_name = _("Early warning")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("alerts", "qudao.alerts.queries.dealer_panel",
                       "alerts/_dealer_panel.html", "alerts.view_alert", order=5,
                       as_name="alerts_panel"))
        event_labels_add({
            "alert.acknowledged": _("Alert acknowledged"),
            "alert.action_taken": _("Action taken on alert"),
            "alert.resolved": _("Alert resolved"),
            "alert.dismissed": _("Alert dismissed as a false alarm"),
            "alert_rule.updated": _("Alert rule changed"),
            "alert_webhook.added": _("Webhook added"),
            "alert_webhook.changed": _("Webhook changed"),
            "alert_webhook.deleted": _("Webhook deleted"),
        })
