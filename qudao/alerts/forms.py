"""Page input of early warning: actions on an alert, closing it, and a rule's settings."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.alerts.choices import ActionKind, Comparison, Severity
from qudao.alerts.detectors import DETECTORS
from qudao.alerts.models import Rule, WebhookEndpoint
from qudao.dealers.choices import ChannelLevel, Grade
from qudao.territories.models import Territory, TerritoryLevel

PARAM_LABELS = {
    "threshold": _("Threshold (0.30 = 30%)"),
    "min_base": _("Minimum base (no alarm below it)"),
    "window": _("Months in the comparison window"),
    "measure": _("Measure"),
    "basis": _("Compared with"),
    "min_days": _("Minimum days"),
    "factor": _("Times the usual interval"),
    "regular_months": _("Months ordered in a row to count as regular"),
    "days": _("Days after the first order"),
    "by": _("Share per"),
    "limit": _("Company limit (0.04 = 4%)"),
    "min_dealers": _("Minimum dealers to judge"),
    "rise": _("Rise against last month (0.5 = 50%)"),
    "more_days": _("Days later than the year before"),
    "share": _("Share of the province's dealers alerted (0.2 = 20%)"),
    "max_growth": _("Highest growth still counted as not growing (0.0 = none)"),
}
PARAM_CHOICES = {
    "measure": [("amount", _("Order amount")), ("quantity", _("Quantity"))],
    "basis": [("mom", _("Last month")), ("yoy", _("Same month last year")),
              ("trailing", _("Average of the months before"))],
    "by": [("rep", _("Sales rep")), ("region", _("Region"))],
}


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices,
                             initial=ActionKind.VISIT)
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    notes = forms.CharField(label=_("What was found and agreed"),
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].initial = timezone.localdate()

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An action cannot be recorded before it happens."))
        return day


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(forms.Form):
    """A rule's switch, severity, comparison, scope and its signal's parameters (one field
    per parameter, typed after the default)."""

    enabled = forms.BooleanField(label=_("Switched on"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    comparison = forms.ChoiceField(label=_("Comparison"), choices=Comparison.choices)
    escalate_after_days = forms.IntegerField(
        label=_("Escalate when not acknowledged within (days)"), min_value=1, max_value=60)
    territories = forms.ModelMultipleChoiceField(
        label=_("Only in these regions (none = everywhere)"), required=False,
        queryset=Territory.objects.filter(level__in=[TerritoryLevel.REGION,
                                                      TerritoryLevel.PROVINCE]).order_by("path"))
    channel_levels = forms.MultipleChoiceField(
        label=_("Only these channel levels (none = all)"), required=False,
        choices=ChannelLevel.choices, widget=forms.CheckboxSelectMultiple)
    grades = forms.MultipleChoiceField(label=_("Only these grades (none = all)"),
                                       required=False, choices=Grade.choices,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, rule: Rule, **kwargs: Any) -> None:
        det = DETECTORS[rule.signal]
        params = {**det.defaults, **(rule.params or {})}
        kwargs.setdefault("initial", {
            "enabled": rule.enabled, "severity": rule.severity, "comparison": rule.comparison,
            "escalate_after_days": rule.escalate_after_days,
            "territories": list(rule.territories.all()) if rule.pk else [],
            "channel_levels": rule.channel_levels, "grades": rule.grades,
            **{f"param_{k}": v for k, v in params.items()}})
        super().__init__(*args, **kwargs)
        self.rule, self.detector = rule, det
        self.fields["comparison"].choices = [c for c in Comparison.choices
                                             if c[0] in det.comparisons]
        for key, default in det.defaults.items():
            label = PARAM_LABELS.get(key, key)
            if key in PARAM_CHOICES:
                field: forms.Field = forms.ChoiceField(label=label, choices=PARAM_CHOICES[key])
            elif isinstance(default, int) and not isinstance(default, bool):
                field = forms.IntegerField(label=label, min_value=0)
            else:
                field = forms.DecimalField(label=label, min_value=0, max_digits=12,
                                           decimal_places=4)
            self.fields[f"param_{key}"] = field

    def param_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("param_")]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        params = {}
        for key, default in self.detector.defaults.items():
            value = data[f"param_{key}"]
            params[key] = float(value) if isinstance(default, float) else value
        return {"enabled": data["enabled"], "severity": data["severity"],
                "comparison": data["comparison"],
                "escalate_after_days": data["escalate_after_days"], "params": params,
                "channel_levels": list(data["channel_levels"]), "grades": list(data["grades"])}


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "format", "min_severity", "territory", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(
            level__in=[TerritoryLevel.REGION, TerritoryLevel.PROVINCE]).order_by("path")
