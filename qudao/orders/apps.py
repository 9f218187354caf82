from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "qudao.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("orders", "qudao.orders.queries.dealer_panel", "orders/_dealer_panel.html",
                       "orders.view_order", order=30, as_name="orders_panel"))
        event_labels_add({
            "order.placed": _("Order placed"),
            "order.approved": _("Order approved"),
            "order.rejected": _("Order rejected"),
            "order.cancelled": _("Order cancelled"),
            "order.closed": _("Order closed"),
            "shipment.shipped": _("Goods shipped"),
            "shipment.delivered": _("Goods delivered"),
            "return.requested": _("Return requested"),
            "return.approved": _("Return approved"),
            "return.rejected": _("Return rejected"),
            "return.received": _("Return received and credited"),
        })
