from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "qudao.recruitment"
    label = "recruitment"
    verbose_name = _("Dealer recruitment and selection")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("recruitment", "qudao.recruitment.queries.dealer_panel",
                       "recruitment/_dealer_panel.html", "recruitment.view_lead", order=15,
                       as_name="selection"))
        event_labels_add({
            "lead.created": _("Lead recorded"),
            "lead.changed": _("Lead changed"),
            "lead.assigned": _("Lead assigned to a rep"),
            "lead.status": _("Lead status changed"),
            "lead.carried_over": _("Qualified leads carried over"),
            "candidate.created": _("Candidate created"),
            "candidate.changed": _("Candidate profile changed"),
            "candidate.scored": _("Candidate scored"),
            "candidate.decided": _("Decision on a candidate"),
            "candidate.accepted": _("Selected through recruitment"),
            "criteria.created": _("Criteria set created"),
            "criteria.changed": _("Criteria set changed"),
            "campaign.created": _("Campaign created"),
            "campaign.changed": _("Campaign changed"),
            "campaign.targets": _("Campaign target list changed"),
        })
