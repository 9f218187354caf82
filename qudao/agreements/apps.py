from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "qudao.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("agreements", "qudao.agreements.queries.dealer_panel",
                       "agreements/_dealer_panel.html", "agreements.view_agreement", order=10,
                       as_name="panel"))
        register(Panel("targets", "qudao.agreements.targets.dealer_panel",
                       "agreements/_targets_panel.html", "orders.view_order", order=20))
        event_labels_add({
            "agreement.created": _("Agreement drafted"),
            "agreement.updated": _("Agreement edited"),
            "agreement.targets_set": _("Monthly targets set"),
            "agreement.submitted": _("Submitted for approval"),
            "agreement.approved": _("Agreement approved"),
            "agreement.returned": _("Returned to draft"),
            "agreement.signed": _("Agreement signed"),
            "agreement.activated": _("Agreement in force"),
            "agreement.terminated": _("Agreement terminated"),
            "agreement.expired": _("Agreement expired"),
            "agreement.renewed": _("Agreement renewed"),
            "agreement.renewal_created": _("Renewal drafted"),
            "agreement.attachment_added": _("Attachment added"),
            "agreement.attachment_deleted": _("Attachment deleted"),
        })
