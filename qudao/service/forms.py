"""Page input of dealer service: raising a request, replying, moving and rating it, and the
directory, routing and calendar HQ keeps."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qudao.catalog.models import Product
from qudao.dealers.scoping import visible_dealers
from qudao.service.choices import Channel, DayKind, Priority, RequestStatus
from qudao.service.models import ServiceFunction, WorkingCalendar
from qudao.service.queries import assignable_staff
from qudao.service.services.directory import FUNCTION_FIELDS
from qudao.territories.models import Territory

RATINGS = [(n, str(n)) for n in range(5, 0, -1)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class FunctionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceFunction) -> str:
        return f"{obj.display_name} · {obj.department_display}"


class RequestForm(forms.Form):
    """A new request: a dealer raises it for its own company; staff log a call or a visit
    for a dealer in their scope."""

    dealer_code = forms.CharField(label=_("Dealer code"), max_length=32)
    channel = forms.ChoiceField(label=_("Came in by"), choices=[
        (Channel.PHONE, Channel.PHONE.label), (Channel.VISIT, Channel.VISIT.label)])
    caller_name = forms.CharField(label=_("Caller"), max_length=40, required=False)
    function = FunctionChoice(label=_("Type"), queryset=ServiceFunction.objects.none(),
                              empty_label=None)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices,
                                 initial=Priority.NORMAL)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(
        attrs={"rows": 5}))
    product_sku = forms.CharField(label=_("Product SKU (quality, complaints)"),
                                  max_length=32, required=False)
    attachments = MultipleFileField(label=_("Attachments (PDF, JPG, PNG, Word, Excel)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["function"].queryset = ServiceFunction.objects.filter(
            is_active=True).order_by("sort_order", "code")
        if user.is_dealer_user:
            for name in ("dealer_code", "channel", "caller_name"):
                del self.fields[name]

    def clean_dealer_code(self):
        code = (self.cleaned_data.get("dealer_code") or "").strip()
        dealer = visible_dealers(self.user).filter(code=code).first() if code else None
        if dealer is None:
            raise forms.ValidationError(_("No dealer with this code in your scope."))
        return dealer

    def clean_product_sku(self):
        sku = (self.cleaned_data.get("product_sku") or "").strip()
        if not sku:
            return None
        product = Product.objects.filter(sku__iexact=sku).first()
        if product is None:
            raise forms.ValidationError(_("No product with this SKU."))
        return product

    def chosen_dealer(self) -> Any:
        if self.user.is_dealer_user:
            return visible_dealers(self.user).get()
        return self.cleaned_data["dealer_code"]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(label=_("Internal note (the dealer does not see it)"),
                                  required=False)
    attachments = MultipleFileField(label=_("Attachments (PDF, JPG, PNG, Word, Excel)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.is_dealer_user:
            del self.fields["internal"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        (s.value, s.label) for s in (RequestStatus.IN_PROGRESS, RequestStatus.WAITING,
                                     RequestStatus.RESOLVED)])
    note = forms.CharField(label=_("Note to the dealer"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_staff()


class ConfirmForm(forms.Form):
    """The dealer confirms a resolved request is solved, and may rate the service."""

    rating = forms.TypedChoiceField(label=_("How satisfied are you?"), choices=RATINGS,
                                    coerce=int, required=False, empty_value=None,
                                    widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(ConfirmForm):
    rating = forms.TypedChoiceField(label=_("How satisfied are you?"), choices=RATINGS,
                                    coerce=int, widget=forms.RadioSelect)


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Why is it not solved?"),
                           widget=forms.Textarea(attrs={"rows": 2}))


class FunctionForm(forms.ModelForm):
    class Meta:
        model = ServiceFunction
        fields = FUNCTION_FIELDS
        widgets = {"guide": forms.Textarea(attrs={"rows": 3}),
                   "guide_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = assignable_staff()

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FUNCTION_FIELDS}


class RouteForm(forms.Form):
    territory_code = forms.CharField(label=_("Region code"), max_length=20)
    user = forms.ModelChoiceField(label=_("Handled by"), queryset=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = assignable_staff()

    def clean_territory_code(self):
        code = (self.cleaned_data.get("territory_code") or "").strip()
        territory = Territory.objects.filter(code=code).first()
        if territory is None:
            raise forms.ValidationError(_("No region with this code."))
        return territory


class CalendarForm(forms.ModelForm):
    class Meta:
        model = WorkingCalendar
        fields = ["hours", "workdays", "auto_close_days"]


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    name = forms.CharField(label=_("Name"), max_length=40)
    name_en = forms.CharField(label=_("English name"), max_length=40, required=False)
