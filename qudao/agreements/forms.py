"""Page input for agreements; the rules themselves live in the services."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.agreements.choices import CLAUSE_SECTIONS, AttachmentKind
from qudao.agreements.models import Agreement
from qudao.agreements.services import AGREEMENT_FIELDS, CLAUSE_FIELDS
from qudao.catalog.models import Category, Product, ProductStatus
from qudao.dealers import scoping

SECTION_LABELS = {
    "general": _("General clauses"),
    "obligations": _("Dealer obligations"),
    "incentives": _("Incentives"),
    "controls": _("Controls"),
}
# Fields shown with each clause section besides its standard clauses (never marked N/A).
SECTION_EXTRAS = {
    "general": ["agreement_type", "start_date", "end_date", "supplementary_terms"],
    "obligations": ["price_level", "discount_percent"],
    "incentives": [],
    "controls": [],
}
TEXTAREAS = [name for name in AGREEMENT_FIELDS
             if isinstance(Agreement._meta.get_field(name), models.TextField)]


def _indented(node) -> str:
    """A tree node's name indented by its depth, for territory and category pickers."""
    return "\u3000" * (node.depth - 1) + (getattr(node, "display_name", None) or node.name)


class AgreementForm(forms.ModelForm):
    """A draft's clauses by section, its scope, and which clauses do not apply."""

    dealer_code = forms.CharField(label=_("Dealer code"), max_length=32)
    not_applicable = forms.MultipleChoiceField(
        label=_("Not applicable"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(name, Agreement._meta.get_field(name).verbose_name) for name in CLAUSE_FIELDS])

    class Meta:
        model = Agreement
        fields = [f for f in AGREEMENT_FIELDS if f != "not_applicable"] + [
            "territories", "categories", "products"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 2}) for name in TEXTAREAS},
            "territories": forms.SelectMultiple(attrs={"size": 8}),
            "categories": forms.SelectMultiple(attrs={"size": 6}),
            "products": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, dealer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.dealer = dealer
        if self.instance.pk:
            del self.fields["dealer_code"]
            self.fields["not_applicable"].initial = self.instance.not_applicable
        elif dealer is not None:
            self.fields["dealer_code"].initial = dealer.code
        self.fields["territories"].queryset = (scoping.visible_territories(user)
                                               .order_by("path"))
        self.fields["territories"].label_from_instance = _indented
        self.fields["territories"].required = False
        self.fields["categories"].queryset = Category.objects.order_by("path")
        self.fields["categories"].label_from_instance = _indented
        self.fields["products"].queryset = (Product.objects.filter(status=ProductStatus.ACTIVE)
                                            .order_by("sku"))
        self.fields["products"].label_from_instance = lambda p: f"{p.sku} {p.name}"
        for name in ("territories", "categories", "products"):
            self.fields[name].help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")

    def clean_dealer_code(self):
        code = self.cleaned_data["dealer_code"].strip()
        dealer = scoping.visible_dealers(self.user).filter(code=code).first()
        if dealer is None:
            raise forms.ValidationError(_("No dealer with code %(code)s in your scope."),
                                        params={"code": code})
        return dealer

    def service_values(self) -> dict:
        values = {f: self.cleaned_data.get(f) for f in AGREEMENT_FIELDS if f in self.fields}
        values["not_applicable"] = list(self.cleaned_data.get("not_applicable") or [])
        return values

    def scope_ids(self) -> dict:
        return {key: [row.pk for row in self.cleaned_data.get(name) or []]
                for key, name in (("territory_ids", "territories"),
                                  ("category_ids", "categories"),
                                  ("product_ids", "products"))}

    def sections(self) -> list[dict]:
        """The form by clause section: each field with whether it is marked N/A."""
        marked = set(self["not_applicable"].value() or [])
        return [{
            "key": key,
            "label": SECTION_LABELS[key],
            "extras": [self[name] for name in SECTION_EXTRAS[key]],
            "clauses": [(self[name], name in marked) for name in names],
        } for key, names in CLAUSE_SECTIONS.items()]

    def _post_clean(self):
        """The services check the agreement; only parse the input here."""

    def validate_unique(self):
        """Uniqueness is the service's business."""


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in (
        "submit", "approve", "return", "sign", "activate", "terminate")])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    signed_on = forms.DateField(label=_("Signed on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))


class RenewForm(forms.Form):
    start_date = forms.DateField(label=_("New term from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("New term until"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    name = forms.CharField(label=_("Title"), required=False, max_length=120)
    file = forms.FileField(label=_("File (PDF, JPG, PNG, Word, Excel)"))


class TargetsForm(forms.Form):
    """One amount per month of the term (at most 12), empty months left out."""

    def __init__(self, *args, months, initial_amounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = months
        for month in months:
            self.fields[f"m_{month:%Y%m}"] = forms.DecimalField(
                label=f"{month:%Y-%m}", required=False, min_value=0, max_digits=16,
                decimal_places=2, initial=initial_amounts.get(month))

    def amounts(self) -> dict:
        return {month: self.cleaned_data[f"m_{month:%Y%m}"] for month in self.months
                if self.cleaned_data.get(f"m_{month:%Y%m}") is not None}
