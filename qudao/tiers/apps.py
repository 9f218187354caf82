from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    name = "qudao.tiers"
    label = "tiers"
    verbose_name = _("Tiers and dealer lifecycle")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("tiers", "qudao.tiers.queries.dealer_panel", "tiers/_dealer_panel.html",
                       "tiers.view_tier", order=15, as_name="tier_panel"))
        event_labels_add({
            "tier.rule_changed": _("Tier rule changed"),
            "tier.policy_changed": _("Tier policy changed"),
            "tier.review_started": _("Tier review run"),
            "tier.grade_changed": _("Grade changed"),
            "tier.suggestion_rejected": _("Grade suggestion rejected"),
            "tier.action_proposed": _("Lifecycle action proposed"),
            "tier.action_approved": _("Lifecycle action approved"),
            "tier.action_rejected": _("Lifecycle action rejected"),
            "tier.probation_verdict": _("Probation verdict"),
        })
