"""Page input of events: the event itself, the invitation list, a dealer's registration,
attendance at the door, feedback, materials, training results and the year's plan."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import Product
from qudao.dealers.choices import ChannelLevel, Grade
from qudao.dealers.scoping import visible_territories
from qudao.events.choices import (
    EventKind,
    EventStatus,
    MaterialTopic,
    TrainingCadence,
    TrainingForm,
    TrainingModule,
    TrainingResult,
)
from qudao.events.services import Person

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
REGION_DEPTH = 3  # regions, provinces and cities: the choices a select can hold


def _datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def region_choices(user: Any) -> list[tuple[str, str]]:
    """Regions, provinces and cities of the user's scope, indented by depth."""
    nodes = visible_territories(user).filter(depth__lte=REGION_DEPTH).order_by("path")
    return [(str(t.pk), "\u3000" * (t.depth - 1) + t.display_name) for t in nodes]


class RegionField(forms.TypedChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


class EventForm(forms.Form):
    """An event's details; the training fields apply to trainings only."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    registration_deadline = _datetime_field(_("Registration deadline"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Online link"), max_length=300, required=False,
                                 assume_scheme="https")
    territory = RegionField(label=_("Held in region"))
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, required=False)
    per_dealer_limit = forms.IntegerField(label=_("People per dealer at most"), min_value=1,
                                          required=False)
    budget = forms.DecimalField(label=_("Budget (CNY)"), min_value=0, decimal_places=2,
                                max_digits=14, required=False)
    actual_cost = forms.DecimalField(label=_("Actual cost (CNY)"), min_value=0,
                                     decimal_places=2, max_digits=14, required=False)
    module = forms.ChoiceField(label=_("Training module"), required=False,
                               choices=_blank(TrainingModule.choices))
    training_form = forms.ChoiceField(label=_("Training form"), required=False,
                                      choices=_blank(TrainingForm.choices))
    cadence = forms.ChoiceField(label=_("Training cadence"), required=False,
                                choices=_blank(TrainingCadence.choices))
    product_sku = forms.CharField(label=_("Product (SKU)"), max_length=40, required=False)
    description = forms.CharField(label=_("Description and agenda"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = _blank(region_choices(user))
        self.user = user

    @classmethod
    def for_event(cls, event: Any, *, user: Any, data: Any = None) -> "EventForm":
        initial = {name: getattr(event, name) for name in cls.base_fields
                   if hasattr(event, name) and name not in ("territory",)}
        for name in ("starts_at", "ends_at", "registration_deadline"):
            initial[name] = timezone.localtime(getattr(event, name)).strftime(DATETIME_LOCAL)
        initial["territory"] = event.territory_id
        initial["product_sku"] = event.product.sku if event.product_id else ""
        return cls(data, user=user, initial=initial)

    def clean_product_sku(self) -> Product | None:
        sku = (self.cleaned_data.get("product_sku") or "").strip()
        if not sku:
            return None
        product = Product.objects.filter(sku__iexact=sku).first()
        if product is None:
            raise forms.ValidationError(_("No product with this SKU."))
        return product

    def service_values(self) -> dict[str, Any]:
        from qudao.territories.models import Territory

        data = dict(self.cleaned_data)
        data["product"] = data.pop("product_sku")
        region = data.pop("territory")
        data["territory"] = Territory.objects.filter(pk=region).first() if region else None
        return data


class ClosedEventForm(forms.Form):
    """What changes once an event is closed: its actual cost and write-up."""

    actual_cost = EventForm.base_fields["actual_cost"]
    description = EventForm.base_fields["description"]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=EventStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class InviteForm(forms.Form):
    """Who to invite: dealers matching a region, channel levels, grades and a tag, or the
    codes typed (one per line or separated by commas or spaces)."""

    region = RegionField(label=_("Region"))
    levels = forms.MultipleChoiceField(label=_("Channel level"), required=False,
                                       choices=ChannelLevel.choices,
                                       widget=forms.CheckboxSelectMultiple)
    grades = forms.MultipleChoiceField(label=_("Grade"), required=False, choices=Grade.choices,
                                       widget=forms.CheckboxSelectMultiple)
    tag = forms.CharField(label=_("Tag"), max_length=40, required=False)
    codes = forms.CharField(label=_("Or dealer codes, picked by hand"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2,
                                                         "placeholder": "A0001, A0002"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank(region_choices(user))

    def clean_codes(self) -> list[str]:
        text = self.cleaned_data.get("codes") or ""
        for separator in ",，;；\n\r\t":
            text = text.replace(separator, " ")
        return [code for code in text.split(" ") if code]

    def selection(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"region": data["region"], "levels": data["levels"], "grades": data["grades"],
                "tag": data["tag"].strip(), "codes": data["codes"]}


def people_from(data: Any, prefix: str = "") -> list[Person]:
    """The rows of people a page posts as parallel lists (name, position, phone); rows
    left empty are skipped."""
    names = data.getlist(f"{prefix}name")
    positions = data.getlist(f"{prefix}position")
    phones = data.getlist(f"{prefix}phone")
    people = []
    for index, name in enumerate(names):
        position = positions[index] if index < len(positions) else ""
        phone = phones[index] if index < len(phones) else ""
        if name.strip() or position.strip() or phone.strip():
            people.append(Person(name=name.strip(), position=position.strip(),
                                 phone=phone.strip()))
    return people


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Score"), coerce=int,
                                   choices=[(n, str(n)) for n in range(5, 0, -1)],
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    topic = forms.ChoiceField(label=_("Topic"), choices=MaterialTopic.choices,
                              initial=MaterialTopic.OTHER)
    file = forms.FileField(label=_("File"))
    for_dealers = forms.BooleanField(label=_("Dealers may read it"), required=False,
                                     initial=True)


class TrainingResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=TrainingResult.choices)
    score = forms.IntegerField(label=_("Exam score"), min_value=0, max_value=100,
                               required=False)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40,
                                     required=False)


class PlanForm(forms.Form):
    """A year's goals and measures, and each month's targets."""

    goals = forms.CharField(label=_("Goals and tasks"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Measures"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for month in range(1, 13):
            self.fields[f"sessions_{month}"] = forms.IntegerField(
                min_value=0, max_value=1000, required=False,
                widget=forms.NumberInput(attrs={"aria-label": _("Trainings held")}))
            self.fields[f"trainees_{month}"] = forms.IntegerField(
                min_value=0, max_value=1_000_000, required=False,
                widget=forms.NumberInput(attrs={"aria-label": _("People trained")}))

    def targets(self) -> dict[int, tuple[int, int]]:
        data = self.cleaned_data
        return {month: (data.get(f"sessions_{month}") or 0, data.get(f"trainees_{month}") or 0)
                for month in range(1, 13)}
