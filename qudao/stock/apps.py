from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockConfig(AppConfig):
    name = "qudao.stock"
    label = "stock"
    verbose_name = _("Stock and product flow")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("stock", "qudao.stock.queries.dealer_panel", "stock/_dealer_panel.html",
                       "stock.view_stock", order=50, as_name="stock_panel"))
        event_labels_add({
            "stock_report.submitted": _("Stock report submitted"),
            "stock_report.updated": _("Stock report replaced"),
        })
