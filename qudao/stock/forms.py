"""Page input of stock reports: which dealer and month, the lines, the Excel upload."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.stock.periods import add_months, month_start, period_parse


def last_month() -> str:
    return f"{add_months(month_start(timezone.localdate()), -1):%Y-%m}"


class ReportTargetForm(forms.Form):
    """Which dealer and month a report is for; a dealer user reports for its own dealer."""

    dealer_code = forms.CharField(label=_("Dealer code"), max_length=32, required=False)
    period = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_dealer_user:
            del self.fields["dealer_code"]

    def clean_period(self):
        try:
            period = period_parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return month_start(period)

    def clean_dealer_code(self):
        code = (self.cleaned_data.get("dealer_code") or "").strip()
        if not code:
            raise forms.ValidationError(_("Enter the dealer's code."))
        dealer = visible_dealers(self.user).filter(code=code).first()
        if dealer is None:
            raise forms.ValidationError(_("No dealer with this code in your scope."))
        return dealer

    def chosen_dealer(self) -> Dealer:
        if self.user.is_dealer_user:
            return visible_dealers(self.user).get()
        return self.cleaned_data["dealer_code"]


class ReportUploadForm(ReportTargetForm):
    stock_file = forms.FileField(label=_("Stock sheet (.xlsx)"), required=False)
    flow_file = forms.FileField(label=_("Flow sheet (.xlsx)"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("stock_file") and not cleaned.get("flow_file"):
            raise forms.ValidationError(_("Upload a stock sheet, a flow sheet or both."))
        return cleaned
