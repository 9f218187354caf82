"""Page input of recruitment: a lead, its follow-ups, assignment and status, a candidate's
profile, scores and decision, criteria sets and campaigns."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ChannelLevel
from qudao.recruitment import queries
from qudao.recruitment.choices import (
    CampaignMethod,
    CampaignStatus,
    Decision,
    Fit,
    FollowUpKind,
    LeadSource,
    LeadStatus,
)
from qudao.recruitment.models import CriteriaSet
from qudao.territories.models import Territory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REGION_DEPTH = 4


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


def territory_choices(user: Any) -> list[tuple[str, str]]:
    nodes = queries.territory_options(user).filter(depth__lte=REGION_DEPTH)
    return [(str(t.pk), "\u3000" * (t.depth - 1) + t.display_name) for t in nodes]


def rep_choices(user: Any) -> list[tuple[str, str]]:
    return [(str(u.pk), str(u)) for u in queries.rep_options(user)]


class LeadForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=120)
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices)
    contact_person = forms.CharField(label=_("Contact person"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    territory = forms.TypedChoiceField(label=_("Region"), coerce=int)
    channel_level = forms.ChoiceField(label=_("Intended channel level"),
                                      choices=ChannelLevel.choices)
    rep = forms.TypedChoiceField(label=_("Sales rep"), coerce=int, required=False,
                                 empty_value=None,
                                 help_text=_("Empty: routed to the rep covering the region."))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = _blank(territory_choices(user))
        if editing or user.role == "sales_rep":
            del self.fields["rep"]
        else:
            self.fields["rep"].choices = _blank(rep_choices(user))

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("rep", None)
        data["territory"] = Territory.objects.filter(pk=data["territory"]).first()
        return data


class FollowUpForm(forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUpKind.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_on = forms.DateField(label=_("Next date"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AssignForm(forms.Form):
    rep = forms.TypedChoiceField(label=_("Sales rep"), coerce=int)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rep"].choices = rep_choices(user)


class LeadStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=[
        (LeadStatus.CONTACTED, LeadStatus.CONTACTED.label),
        (LeadStatus.QUALIFIED, LeadStatus.QUALIFIED.label),
        (LeadStatus.LOST, LeadStatus.LOST.label)])
    reason = forms.CharField(label=_("Reason (needed for lost)"), max_length=200,
                             required=False)


class CandidateForm(forms.Form):
    """A candidate's profile and fit (R-RS-08), and the set it is scored on."""

    name = forms.CharField(label=_("Company"), max_length=120)
    criteria_set = forms.ModelChoiceField(label=_("Criteria set"), queryset=CriteriaSet.objects
                                          .filter(is_active=True), required=False,
                                          empty_label=_("Default set"))
    cities_covered = forms.CharField(label=_("Cities covered"), max_length=200, required=False)
    outlets_reached = forms.IntegerField(label=_("Outlets reached"), min_value=0,
                                         required=False)
    reputation = forms.CharField(label=_("Reputation"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    years_experience = forms.IntegerField(label=_("Years in the trade"), min_value=0,
                                          required=False)
    willingness = forms.CharField(label=_("Willingness to cooperate"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    brands_carried = forms.CharField(label=_("Brands carried"), max_length=200, required=False)
    competing_brands = forms.CharField(label=_("Competing brands carried"), max_length=200,
                                       required=False)
    registered_capital = forms.DecimalField(label=_("Registered capital (CNY)"), min_value=0,
                                            max_digits=14, decimal_places=2, required=False)
    annual_turnover = forms.DecimalField(label=_("Annual turnover (CNY)"), min_value=0,
                                         max_digits=14, decimal_places=2, required=False)
    address = forms.CharField(label=_("Location"), max_length=200, required=False)
    promotion_ability = forms.CharField(label=_("Promotion ability"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    vehicles = forms.IntegerField(label=_("Vehicles"), min_value=0, required=False)
    warehouse_area = forms.IntegerField(label=_("Warehouse area (m²)"), min_value=0,
                                        required=False)
    staff_count = forms.IntegerField(label=_("Staff"), min_value=0, required=False)
    office_system = forms.CharField(label=_("Office system"), max_length=80, required=False)
    fit = forms.ChoiceField(label=_("Fit with our expectations"), required=False,
                            choices=_blank(Fit.choices),
                            help_text=_("Far above: may neglect our products; far below: "
                                        "lacks the strength."))
    fit_note = forms.CharField(label=_("Fit note"), max_length=300, required=False)

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("criteria_set", None)
        return data


class ScoreForm(forms.Form):
    """One score field per criterion of the candidate's set, 0 to 100."""

    def __init__(self, *args: Any, criteria: list, initial_scores: dict[int, Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.display_name} ({criterion.weight})", min_value=0,
                max_value=100, decimal_places=2, max_digits=5, required=False,
                initial=initial_scores.get(criterion.pk),
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}))

    def scores(self) -> dict[int, Any]:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CriteriaSetForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=80)
    name_en = forms.CharField(label=_("English name"), max_length=80, required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    is_default = forms.BooleanField(label=_("Default for new candidates"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


def criteria_rows(data: Any, count: int) -> list[dict[str, Any]]:
    """The criteria rows posted by the set form (code_1, name_1, ... weight_N)."""
    keys = ("code", "name", "name_en", "weight", "guidance")
    return [{key: (data.get(f"{key}_{n}") or "").strip() for key in keys}
            for n in range(1, count + 1)]


class CopyForm(forms.Form):
    code = forms.CharField(label=_("Code of the copy"), max_length=20)
    name = forms.CharField(label=_("Name of the copy"), max_length=80)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    method = forms.ChoiceField(label=_("Planned method"), choices=CampaignMethod.choices)
    territory = forms.TypedChoiceField(label=_("Region"), coerce=int, required=False,
                                       empty_value=None)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=CampaignStatus.choices)
    plan = forms.CharField(label=_("Plan"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = _blank(territory_choices(user))

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        pk = data.pop("territory")
        data["territory"] = Territory.objects.filter(pk=pk).first() if pk else None
        return data
