from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "qudao.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from qudao.dealers.panels import Panel, register

        register(Panel("trend", "qudao.analytics.queries.dealer_panel",
                       "analytics/_dealer_panel.html", "orders.view_order", order=25,
                       as_name="trend_panel"))
