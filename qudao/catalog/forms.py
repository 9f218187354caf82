"""Page input for products and prices; the rules themselves live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import Brand, Category, PriceLevel, Product
from qudao.catalog.services import PRODUCT_FIELDS


def category_label(category: Category) -> str:
    return "\u3000" * (category.depth - 1) + category.name


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = PRODUCT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("path")
        self.fields["category"].label_from_instance = category_label
        self.fields["brand"].queryset = Brand.objects.order_by("code")
        self.fields["barcode"].help_text = _("EAN-13, EAN-8, UPC-A or GTIN-14, with check digit.")
        # Left empty, a product is ordered one unit at a time.
        self.fields["order_multiple"].required = False

    def service_values(self) -> dict:
        values = {f: self.cleaned_data.get(f) for f in PRODUCT_FIELDS}
        for name in ("sku", "name", "spec", "unit", "barcode"):
            values[name] = (values.get(name) or "").strip()
        if values.get("order_multiple") is None:
            values["order_multiple"] = self.instance.order_multiple if self.instance.pk else 1
        return values

    def validate_unique(self):
        """Uniqueness is the service's check, reported with the other rules."""


def _date_input() -> forms.DateInput:
    # A browser date picker sends and expects ISO dates, whatever the page language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PriceForm(forms.Form):
    level = forms.ChoiceField(label=_("Price level"), choices=PriceLevel.choices)
    unit_price = forms.DecimalField(label=_("Unit price (CNY)"), max_digits=16, decimal_places=2)
    valid_from = forms.DateField(label=_("Valid from"), widget=_date_input())
    valid_to = forms.DateField(label=_("Valid to (last day, empty for open-ended)"),
                               required=False, widget=_date_input())

