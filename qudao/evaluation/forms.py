"""Input shapes of the scorecard pages: computing a period, a hand score, the weights."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.evaluation.choices import DIMENSIONS, Dimension, PeriodKind


class ComputeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices,
                             initial=PeriodKind.QUARTER)
    day = forms.DateField(label=_("Any day in the period"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class HandScoreForm(forms.Form):
    dimension = forms.ChoiceField(choices=Dimension.choices, widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("Hand score (0-100)"), required=False, min_value=0,
                               max_value=100, decimal_places=1, max_digits=4,
                               help_text=_("Leave empty to clear the hand score."))
    note = forms.CharField(label=_("Why (note)"), required=False, max_length=300,
                           widget=forms.TextInput)


class WeightsForm(forms.Form):
    """The seven weights of one channel level; the service checks they add up to 1.00."""

    def __init__(self, *args, initial_weights: dict[str, Decimal] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in DIMENSIONS:
            self.fields[dimension] = forms.DecimalField(
                label=Dimension(dimension).label, min_value=0, max_value=1, decimal_places=2,
                max_digits=3, initial=(initial_weights or {}).get(dimension),
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}))
