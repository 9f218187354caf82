"""Page input of orders, shipments and returns; the rules themselves live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.orders.choices import CodeKind, ReturnReason


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ShipForm(forms.Form):
    """The shipment's own fields; quantities and batches come per line (qty_<id>,
    batch_<id>), read by the view."""

    shipped_on = forms.DateField(label=_("Shipped on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60,
                                      required=False)
    code_kind = forms.ChoiceField(label=_("Product codes"), required=False,
                                  choices=[("", _("No codes")), *CodeKind.choices])


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnReason.choices)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


def line_quantities(data, prefix: str) -> dict[int, int]:
    """Quantities posted as <prefix><id> fields; blanks and zeros are left out, anything
    that is not a whole number is kept as -1 so the service names the line."""
    result: dict[int, int] = {}
    for key, value in data.items():
        if not key.startswith(prefix):
            continue
        try:
            pk = int(key[len(prefix):])
        except ValueError:
            continue
        text = (value or "").strip()
        if not text:
            continue
        try:
            quantity = int(text)
        except ValueError:
            quantity = -1
        if quantity:
            result[pk] = quantity
    return result
