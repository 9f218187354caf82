"""Page input of tiers: running a review, deciding, rules and policies, grades, actions."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.dealers.scoping import visible_territories
from qudao.stock.periods import add_months
from qudao.territories.models import Territory
from qudao.tiers.choices import (
    ActionKind,
    Decision,
    Entitlement,
    TerminationReason,
    Verdict,
)
from qudao.tiers.models import TierReview
from qudao.tiers.services.review import last_complete_quarter

REGION_DEPTH = 3
QUARTERS_OFFERED = 8


def quarter_choices() -> list[tuple[str, str]]:
    last = last_complete_quarter()
    labels = [TierReview(period=add_months(last, -3 * i)).label for i in range(QUARTERS_OFFERED)]
    return [(label, label) for label in labels]


def region_choices(user: Any) -> list[tuple[str, str]]:
    """Regions, provinces and cities of the user's scope, indented by depth."""
    nodes = visible_territories(user).filter(depth__lte=REGION_DEPTH).order_by("path")
    return [(str(t.pk), "\u3000" * (t.depth - 1) + t.display_name) for t in nodes]


class RunReviewForm(forms.Form):
    period = forms.ChoiceField(label=_("Quarter"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = quarter_choices()


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BulkDecideForm(DecideForm):
    ids = forms.CharField(required=False)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            data["ids"] = ",".join(data.getlist("ids"))
        super().__init__(data, *args, **kwargs)

    def clean_ids(self) -> list[int]:
        values = [v for v in (self.cleaned_data.get("ids") or "").split(",") if v.strip()]
        try:
            ids = [int(v) for v in values]
        except ValueError:
            raise forms.ValidationError(_("Choose suggestions from the list.")) from None
        if not ids:
            raise forms.ValidationError(_("Tick the suggestions to decide."))
        return ids


class RuleForm(forms.Form):
    a_volume = forms.DecimalField(label=_("A: sales of 12 months at least (CNY)"),
                                  max_digits=16, decimal_places=2)
    a_cooperation = forms.IntegerField(label=_("A: cooperation at least (0-100)"))
    b_volume = forms.DecimalField(label=_("B: sales of 12 months at least (CNY)"),
                                  max_digits=16, decimal_places=2)
    b_cooperation = forms.IntegerField(label=_("B: cooperation at least (0-100)"))


class PolicyForm(forms.Form):
    visit_every_days = forms.IntegerField(label=_("Visit every (days)"))
    entitlements = forms.MultipleChoiceField(label=_("Support entitlements"),
                                             choices=Entitlement.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    nurturing = forms.CharField(label=_("Nurturing program"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))


class GradeForm(forms.Form):
    to_grade = forms.ChoiceField(label=_("New grade"), choices=[(g, g) for g in "ABC"])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action"), choices=ActionKind.choices)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories to add (enlarge territory)"), queryset=Territory.objects.none(),
        required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    new_credit_limit = forms.DecimalField(label=_("Proposed credit limit (more credit)"),
                                          max_digits=16, decimal_places=2, required=False)
    conditions = forms.CharField(label=_("Conditions (probation)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Deadline (probation)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    termination_reason = forms.ChoiceField(
        label=_("Reason code (terminate)"), required=False,
        choices=[("", "—"), *TerminationReason.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territories"].queryset = (Territory.objects.filter(depth__lte=4)
                                               .order_by("path"))
        self.fields["territories"].label_from_instance = (
            lambda t: "\u3000" * (t.depth - 1) + t.display_name)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    termination_reason = forms.ChoiceField(label=_("Reason code if failed"),
                                           choices=TerminationReason.choices,
                                           initial=TerminationReason.DECLINE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
