"""Page input of retailer management: the application, review and decision, the audit (on
a phone), negotiations, a store's profile and head office's configuration."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ChannelLevel, Grade, Rating, RetailerType
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers, visible_territories
from qudao.retail.choices import Commitment, EntitlementKind, Outcome
from qudao.retail.models import ChecklistItem
from qudao.retail.services import MAX_PHOTOS, ItemScore
from qudao.territories.models import Territory

REGION_DEPTH = 3
EMPTY = [("", "—")]
ISO_DATE = "%Y-%m-%d"


def region_choices(user: Any, depth: int = REGION_DEPTH) -> list[tuple[str, str]]:
    """Regions, provinces and cities of the user's scope, indented by depth."""
    nodes = visible_territories(user).filter(depth__lte=depth).order_by("path")
    return [(str(t.pk), "\u3000" * (t.depth - 1) + t.display_name) for t in nodes]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input (the phone's camera or gallery)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": "image/jpeg,image/png,image/webp", "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ApplicationForm(forms.Form):
    """The application form (申请书): the store's data, the type it asks for, and the
    application terms it accepts."""

    store_name = forms.CharField(label=_("Store name"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200)
    territory = forms.TypedChoiceField(label=_("Region"), coerce=int, required=False,
                                       empty_value=None)
    parent = forms.TypedChoiceField(label=_("Supplying dealer"), coerce=int, required=False,
                                    empty_value=None,
                                    help_text=_("Empty: supplied by the manufacturer "
                                                "directly."))
    contact_name = forms.CharField(label=_("Contact person"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    store_area = forms.IntegerField(label=_("Store area (m²)"), min_value=1)
    staff_count = forms.IntegerField(label=_("Staff"), min_value=1)
    management_rating = forms.TypedChoiceField(label=_("Management capability"), coerce=int,
                                               choices=Rating.choices)
    retailer_type = forms.ChoiceField(label=_("Type applied for"),
                                      choices=RetailerType.choices)
    business_categories = forms.CharField(label=_("Business categories"), max_length=200,
                                          required=False)
    remarks = forms.CharField(label=_("Remarks"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    terms_accepted = forms.BooleanField(
        label=_("The store accepts the application terms: display, promote and service our "
                "products, file stock and flow reports, sell no counterfeits and never sell "
                "below the price system."),
        required=True)

    def __init__(self, *args: Any, user: Any, retailer: Dealer | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.retailer = user, retailer
        if user.is_dealer_user:
            del self.fields["territory"]
            del self.fields["parent"]
        else:
            self.fields["territory"].choices = EMPTY + region_choices(user, depth=4)
            parents = (visible_dealers(user)
                       .filter(channel_level__in=(ChannelLevel.TIER1, ChannelLevel.TIER2))
                       .order_by("code").values_list("pk", "code", "name")[:500])
            self.fields["parent"].choices = EMPTY + [(str(pk), f"{code} · {name}")
                                                     for pk, code, name in parents]
            if retailer is not None:
                del self.fields["territory"]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "territory" in data:
            pk = data.pop("territory")
            data["territory"] = (visible_territories(self.user).filter(pk=pk).first()
                                 if pk else None)
        if "parent" in data:
            pk = data.pop("parent")
            data["parent"] = visible_dealers(self.user).filter(pk=pk).first() if pk else None
        return data


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Review"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Pass on for approval")),
                                             ("no", _("Reject"))],
                                    widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=400, required=False)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve and issue the certificate")),
                                              ("no", _("Reject"))],
                                     widget=forms.RadioSelect)
    grade = forms.ChoiceField(label=_("Initial grade (new stores)"), choices=Grade.choices,
                              initial=Grade.C, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False,
                                 widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
                                  help_text=_("Empty: one year."))
    note = forms.CharField(label=_("Note"), max_length=400, required=False)


class AuditForm(forms.Form):
    """An in-store audit: a score per checklist item (built from the checklist in use),
    what was found, counterfeits, photos."""

    audited_on = forms.DateField(label=_("Audited on"),
                                 widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}))
    counterfeit_found = forms.BooleanField(label=_("Counterfeit goods found"), required=False)
    notes = forms.CharField(label=_("Findings"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("Photos (up to %(n)d)") % {"n": MAX_PHOTOS})

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"audited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"score_{item.pk}"] = forms.IntegerField(
                label=item.name, min_value=0, max_value=item.max_score,
                help_text=item.guidance,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0,
                                                "max": item.max_score}))
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), max_length=200,
                                                             required=False)

    def item_rows(self) -> list[tuple[ChecklistItem, Any, Any]]:
        return [(item, self[f"score_{item.pk}"], self[f"note_{item.pk}"])
                for item in self.items]

    def scores(self) -> list[ItemScore]:
        return [ItemScore(item_id=item.pk, score=self.cleaned_data.get(f"score_{item.pk}"),
                          note=self.cleaned_data.get(f"note_{item.pk}") or "")
                for item in self.items]


class NegotiationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"),
                              widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}))
    terms = forms.CharField(label=_("Terms asked"), widget=forms.Textarea(attrs={"rows": 2}))
    entry_fee = forms.DecimalField(label=_("Entry fee (CNY)"), min_value=0, decimal_places=2,
                                   required=False)
    shelf_fee = forms.DecimalField(label=_("Shelf fee (CNY)"), min_value=0, decimal_places=2,
                                   required=False)
    promotion_fee = forms.DecimalField(label=_("Promotion fee (CNY)"), min_value=0,
                                       decimal_places=2, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices,
                                initial=Outcome.PENDING)
    notes = forms.CharField(label=_("Notes"), max_length=400, required=False)


class ProfileForm(forms.Form):
    store_area = forms.IntegerField(label=_("Store area (m²)"), min_value=1, required=False)
    management_rating = forms.TypedChoiceField(label=_("Management capability"), coerce=int,
                                               choices=EMPTY + list(Rating.choices),
                                               required=False, empty_value=None)


class ConditionForm(forms.Form):
    retailer_type = forms.ChoiceField(choices=RetailerType.choices, widget=forms.HiddenInput)
    grade = forms.ChoiceField(choices=Grade.choices, widget=forms.HiddenInput)
    min_volume = forms.DecimalField(label=_("12-month sales at least (CNY)"), min_value=0,
                                    decimal_places=2, required=False)
    min_area = forms.IntegerField(label=_("Store area at least (m²)"), min_value=0,
                                  required=False)
    min_staff = forms.IntegerField(label=_("Staff at least"), min_value=0, required=False)
    min_audit_score = forms.DecimalField(label=_("Audit score at least"), min_value=0,
                                         max_value=100, decimal_places=2, required=False)
    min_management = forms.TypedChoiceField(label=_("Management at least"), coerce=int,
                                            choices=EMPTY + list(Rating.choices),
                                            required=False, empty_value=None)


class EntitlementForm(forms.Form):
    retailer_type = forms.ChoiceField(label=_("Retailer type"), choices=RetailerType.choices)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    kind = forms.ChoiceField(label=_("Support"), choices=EntitlementKind.choices)
    description = forms.CharField(label=_("What it is"), max_length=200)
    amount = forms.DecimalField(label=_("Amount (CNY)"), min_value=0, decimal_places=2,
                                required=False)


class ChecklistItemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=26, required=False)
    name = forms.CharField(label=_("Item"), max_length=80)
    guidance = forms.CharField(label=_("What to look for"), max_length=300, required=False)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100)
    commitment = forms.ChoiceField(label=_("Evidences commitment"),
                                   choices=EMPTY + list(Commitment.choices), required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000,
                                  required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


def territory_get(user: Any, pk: Any) -> Territory | None:
    try:
        return visible_territories(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None
