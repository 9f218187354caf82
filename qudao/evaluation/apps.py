from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "qudao.evaluation"
    label = "evaluation"
    verbose_name = _("Dealer scorecards")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("scorecard", "qudao.evaluation.queries.dealer_panel",
                       "evaluation/_dealer_panel.html", "evaluation.view_scorecard", order=35,
                       as_name="scorecard_panel"))
        event_labels_add({
            "scorecard.hand_scored": _("Scorecard dimension scored by hand"),
            "scorecard.finalized": _("Scorecard finalized"),
            "scorecard.weights_changed": _("Scorecard weights changed"),
        })
