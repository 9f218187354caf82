from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "qudao.service"
    label = "service"
    verbose_name = _("Dealer service")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("service", "qudao.service.queries.dealer_panel",
                       "service/_dealer_panel.html", "service.view_request", order=30,
                       as_name="service_panel"))
        event_labels_add({
            "service_function.changed": _("Service directory entry changed"),
            "service_route.added": _("Request routing rule added"),
            "service_route.changed": _("Request routing rule changed"),
            "service_route.deleted": _("Request routing rule removed"),
            "service_calendar.changed": _("Working hours changed"),
            "service_calendar.day_set": _("Holiday or adjusted working day set"),
            "service_calendar.day_deleted": _("Holiday or adjusted working day removed"),
        })
        from qudao.service.needs import register as needs_register

        needs_register()
