"""Page input of calls, visits and plans."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.visits.choices import ContactKind, PlanKind, Purpose
from qudao.visits.services import MAX_PHOTOS, CheckIn

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input (the phone's camera or gallery)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,"
                                                                      "image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DealerCodeField(forms.CharField):
    """A dealer of the user's scope, typed by its code (the page suggests codes by name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Dealer"))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "list": "dealer-options", "autocomplete": "off",
            "placeholder": _("Dealer code or name")}))
        super().__init__(*args, **kwargs)
        self.user: Any = None

    def clean(self, value: Any) -> Dealer:
        code = super().clean(value).strip()
        # A suggestion reads "CODE · name": the code is the part before the dot.
        code = code.split("·", 1)[0].strip()
        dealer = visible_dealers(self.user).filter(code=code).first()
        if dealer is None:
            raise forms.ValidationError(_("No dealer with this code in your scope."))
        return dealer


def _local_now() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


class ContactForm(forms.Form):
    """Log a call, a visit or an online message; a visit may carry the phone's check-in
    (filled by the page's script) and photos."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices,
                             widget=forms.RadioSelect, initial=ContactKind.VISIT)
    dealer = DealerCodeField()
    happened_at = forms.DateTimeField(
        label=_("When"), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    person = forms.CharField(label=_("Spoke with"), max_length=60, required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1,
                                          max_value=24 * 60, required=False)
    notes = forms.CharField(label=_("What was discussed and found"),
                            widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.CharField(label=_("Outcome (problems solved, agreed)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_step_due = forms.DateField(label=_("Next step due"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"},
                                                           format="%Y-%m-%d"))
    photos = PhotosField(label=_("Photos (up to %(n)d)") % {"n": MAX_PHOTOS})
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    accuracy = forms.DecimalField(required=False, widget=forms.HiddenInput)
    checked_in_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    alert = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dealer"].user = user
        self.fields["happened_at"].initial = _local_now()

    def check_in(self) -> CheckIn | None:
        data = self.cleaned_data
        if data.get("latitude") is None and data.get("longitude") is None:
            return None
        return CheckIn(latitude=data.get("latitude"), longitude=data.get("longitude"),
                       accuracy=data.get("accuracy"), at=data.get("checked_in_at"))

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in (
            "dealer", "kind", "happened_at", "purpose", "person", "duration_minutes", "notes",
            "outcome", "next_step", "next_step_due")}


class ContactEditForm(forms.Form):
    """Correct what was logged: not the dealer, the kind or the check-in."""

    happened_at = ContactForm.base_fields["happened_at"]
    purpose = ContactForm.base_fields["purpose"]
    person = ContactForm.base_fields["person"]
    duration_minutes = ContactForm.base_fields["duration_minutes"]
    notes = ContactForm.base_fields["notes"]
    outcome = ContactForm.base_fields["outcome"]
    next_step = ContactForm.base_fields["next_step"]
    next_step_due = ContactForm.base_fields["next_step_due"]

    @classmethod
    def for_contact(cls, contact: Any, data: Any = None) -> "ContactEditForm":
        initial = {name: getattr(contact, name) for name in cls.base_fields}
        initial["happened_at"] = timezone.localtime(contact.happened_at).strftime(
            DATETIME_LOCAL)
        return cls(data, initial=initial)


class PhotoForm(forms.Form):
    photos = PhotosField(label=_("Add photos"))


class PlanItemForm(forms.Form):
    dealer = DealerCodeField()
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"},
                                                                 format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices,
                             initial=PlanKind.VISIT)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False,
                                choices=[("", "—"), *Purpose.choices])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, month: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dealer"].user = user
        self.fields["day"].initial = max(timezone.localdate(), month).isoformat()


class PlanNotesForm(forms.Form):
    notes = forms.CharField(label=_("Goals of the month"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
