"""Page input of channel performance: weights, expenses, market sizes, indicators, ratings."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.dealers.scoping import visible_territories
from qudao.performance.choices import ExpenseCategory, Score
from qudao.performance.models import KPI_ITEMS, KpiWeights
from qudao.stock.periods import period_parse

SCORES = [(value, label) for value, label in Score.choices]


def territory_field(user: Any, **kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Region"), queryset=visible_territories(user).filter(depth__lte=3)
        .order_by("path"), **kwargs)


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month input), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"})

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        try:
            return period_parse(value).replace(day=1)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class WeightsForm(forms.Form):
    """The KPI scheme: a weight per item (together 1.00) and the development targets."""

    def __init__(self, *args: Any, initial_weights: KpiWeights, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in KPI_ITEMS + ["new_dealers_per_month", "first_orders_per_month"]:
            field = KpiWeights._meta.get_field(item)
            self.fields[item] = forms.DecimalField(
                label=field.verbose_name, max_digits=5, decimal_places=2,
                min_value=Decimal("0"), initial=getattr(initial_weights, item),
                widget=forms.NumberInput(attrs={"step": "0.01"}))


class ExpenseForm(forms.Form):
    territory = forms.ModelChoiceField(label=_("Region"), queryset=None)
    month = MonthField(label=_("Month"))
    category = forms.ChoiceField(label=_("Category"), choices=ExpenseCategory.choices)
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=16, decimal_places=2,
                                min_value=Decimal("0"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"] = territory_field(user)


class MarketSizeForm(forms.Form):
    territory = forms.ModelChoiceField(label=_("Region"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Market size (CNY)"), max_digits=16, decimal_places=2,
                                min_value=Decimal("0.01"))
    note = forms.CharField(label=_("Source"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"] = territory_field(user)
        self.fields["year"].initial = timezone.localdate().year


class IndicatorForm(forms.Form):
    relationship = forms.TypedChoiceField(label=_("Relationship and interaction"),
                                          choices=SCORES, coerce=int)
    satisfaction = forms.TypedChoiceField(label=_("Member satisfaction"), choices=SCORES,
                                          coerce=int)
    atmosphere = forms.TypedChoiceField(label=_("Channel atmosphere"), choices=SCORES,
                                        coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    responsiveness = forms.TypedChoiceField(label=_("Responsiveness"), choices=SCORES,
                                            coerce=int, widget=forms.RadioSelect)
    professionalism = forms.TypedChoiceField(label=_("Professionalism"), choices=SCORES,
                                             coerce=int, widget=forms.RadioSelect)
    sales_help = forms.TypedChoiceField(label=_("Help with sales"), choices=SCORES,
                                        coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
