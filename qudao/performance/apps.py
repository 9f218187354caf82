from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "qudao.performance"
    label = "performance"
    verbose_name = _("Channel performance and rep KPI")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("performance", "qudao.performance.queries.dealer_panel",
                       "performance/_dealer_panel.html", "performance.view_performance",
                       order=60, as_name="performance_panel"))
        event_labels_add({
            "performance.weights_set": _("KPI weights set"),
            "performance.expense_added": _("Channel expense added"),
            "performance.expense_changed": _("Channel expense corrected"),
            "performance.expense_deleted": _("Channel expense deleted"),
            "performance.market_size_set": _("Market size set"),
        })
