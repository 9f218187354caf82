"""Page input for dealers and contacts; the rules themselves live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.dealers import scoping
from qudao.dealers.choices import STATUS_TRANSITIONS, DealerStatus, ExitReason
from qudao.dealers.models import Contact, Dealer
from qudao.dealers.services import CONTACT_FIELDS, DEALER_FIELDS


class DealerForm(forms.ModelForm):
    parent_code = forms.CharField(label=_("Parent dealer code"), required=False, max_length=32,
                                  help_text=_("Code of the tier-1 or tier-2 dealer above."))
    tag_names = forms.CharField(label=_("Tags"), required=False, max_length=300,
                                help_text=_("Separate tags with commas."))

    class Meta:
        model = Dealer
        fields = [f for f in DEALER_FIELDS if f != "parent"]
        widgets = {
            "main_customers": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to number the dealer automatically.")
        self.fields["territory"].queryset = scoping.visible_territories(user).order_by("path")
        self.fields["territory"].label_from_instance = lambda t: (
            "\u3000" * (t.depth - 1) + t.display_name)
        self.fields["assigned_rep"].queryset = scoping.visible_staff(user).order_by("username")
        if self.instance.pk:
            self.fields["parent_code"].initial = (self.instance.parent.code
                                                  if self.instance.parent_id else "")
            self.fields["tag_names"].initial = ", ".join(
                t.name for t in self.instance.tags.all())

    def clean_parent_code(self):
        code = self.cleaned_data["parent_code"].strip()
        if not code:
            return None
        parent = scoping.visible_dealers(self.user).filter(code=code).first()
        if parent is None:
            raise forms.ValidationError(_("No dealer with code %(code)s in your scope."),
                                        params={"code": code})
        return parent

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip()

    def service_values(self) -> dict:
        values = {f: self.cleaned_data.get(f) for f in self.Meta.fields}
        for name in ("code", "short_name", "legal_name", "legal_representative", "credit_code",
                     "retailer_type", "address", "phone", "email", "bank_name", "bank_account",
                     "credit_rating", "office_system", "ownership_type", "business_categories",
                     "competing_brands", "main_customers", "notes", "grade"):
            values[name] = values.get(name) or ""
        values["parent"] = self.cleaned_data.get("parent_code")
        return values

    def tag_list(self) -> list[str]:
        raw = self.cleaned_data.get("tag_names") or ""
        return [t.strip() for t in raw.replace("，", ",").split(",") if t.strip()]

    def validate_unique(self):
        """Uniqueness is the service's check, reported with the other rules."""


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=1000)
    exit_reason = forms.ChoiceField(label=_("Exit reason (for termination)"), required=False,
                                    choices=[("", "---------"), *ExitReason.choices])

    def __init__(self, *args, dealer: Dealer, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(dealer.status, set())
        self.fields["to_status"].choices = [(v, label) for v, label in DealerStatus.choices
                                            if v in allowed]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS

