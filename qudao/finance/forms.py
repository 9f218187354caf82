"""Page input for money; the rules themselves live in the services."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.agreements.choices import PaymentMethod
from qudao.dealers.scoping import visible_dealers
from qudao.finance.choices import DepositKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 16, "decimal_places": 2}


class PaymentForm(forms.Form):
    dealer = forms.ModelChoiceField(label=_("Dealer"), queryset=None)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, **MONEY)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Bank reference"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = (visible_dealers(user).filter(credit_account__isnull=False)
                                          .order_by("code"))
        self.fields["dealer"].label_from_instance = lambda d: f"{d.code} {d.name}"
        self.fields["received_on"].initial = timezone.localdate()

    def allocations(self) -> list[tuple[int, str]] | None:
        """Explicit allocations typed next to the open invoices (alloc_<invoice id>), or None
        to settle the oldest due invoices first."""
        chosen = []
        for key, value in self.data.items():
            if key.startswith("alloc_") and str(value).strip():
                invoice_id = key.removeprefix("alloc_")
                if invoice_id.isdigit():
                    chosen.append((int(invoice_id), str(value).strip()))
        return chosen if self.data.get("explicit") == "1" or chosen else None


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200)


class DepositForm(forms.Form):
    kind = forms.ChoiceField(label=_("Movement"), choices=DepositKind.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, **MONEY)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("Required for a deduction, e.g. a cross-region "
                                         "selling (窜货) fine."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class CreditLimitForm(forms.Form):
    limit = forms.DecimalField(label=_("Credit limit"), min_value=0, **MONEY)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("To"), widget=DATE, required=False)

    def period(self):
        """(from, to): the dates asked, else the last 90 days to today."""
        data = self.cleaned_data if self.is_valid() else {}
        date_to = data.get("date_to") or timezone.localdate()
        date_from = data.get("date_from") or date_to - timedelta(days=90)
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        return date_from, date_to
