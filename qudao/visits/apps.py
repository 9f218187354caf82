from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "qudao.visits"
    label = "visits"
    verbose_name = _("Calls and visits")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("contacts", "qudao.visits.queries.dealer_panel",
                       "visits/_dealer_panel.html", "visits.view_visit", order=15,
                       as_name="contacts_panel"))
        event_labels_add({
            "dealer_contact.logged": _("Call or visit logged"),
            "dealer_contact.changed": _("Call or visit corrected"),
            "dealer_contact.step_done": _("Next step done"),
            "dealer_contact.photos_added": _("Photos added"),
        })
