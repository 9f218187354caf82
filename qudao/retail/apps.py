from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetailConfig(AppConfig):
    name = "qudao.retail"
    label = "retail"
    verbose_name = _("Retailer management")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("retail", "qudao.retail.queries.dealer_panel",
                       "retail/_dealer_panel.html", "retail.view_retailer", order=35,
                       as_name="retail_panel"))
        event_labels_add({
            "retail.condition_changed": _("Qualification condition changed"),
            "retail.entitlement_changed": _("Support entitlement changed"),
            "retail.entitlement_removed": _("Support entitlement removed"),
            "retail.checklist_changed": _("Audit checklist changed"),
            "retail.application_submitted": _("Retailer application filed"),
            "retail.application_reviewed": _("Retailer application reviewed"),
            "retail.application_approved": _("Retailer application approved"),
            "retail.application_rejected": _("Retailer application rejected"),
            "retail.certificate_issued": _("Authorization certificate issued"),
            "retail.profile_changed": _("Store profile changed"),
            "retail.audit_recorded": _("Store audit recorded"),
            "retail.negotiation_logged": _("Store-entry negotiation logged"),
        })
