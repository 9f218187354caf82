"""Pages of the needs registry and dealer support: the list with filters, grouping and Excel
export; recording or raising a need; a need's page (edit, move, group, confirm); common
needs with their dealer counts and the categories several dealers ask in; a dealer's
support staff with the seconded manager's monthly reports. Page input (forms) and the
export's columns live here too."""

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qudao.core.excel import Column, export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers.scoping import visible_dealers
from qudao.service import needs
from qudao.service.models import (
    CommonNeed,
    DealerSupport,
    Need,
    NeedCategory,
    NeedChannel,
    NeedStatus,
    SupportRole,
)
from qudao.service.queries import with_default_state
from qudao.stock.periods import period_parse

NAV = "needs"


# -- forms ------------------------------------------------------------------------------------

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
BENEFIT_CHOICES = [("", _("As the category says")), ("true", _("Yes")), ("false", _("No"))]


def _benefit(value: str) -> bool:
    return value == "true"


class NeedForm(forms.Form):
    """A new need: a dealer raises it for its own company; staff record one they heard of
    for a dealer in their scope, with its owner."""

    dealer_code = forms.CharField(label=_("Dealer code"), max_length=32)
    channel = forms.ChoiceField(label=_("Came in by"), choices=[
        (c.value, c.label) for c in NeedChannel if c in needs.STAFF_CHANNELS])
    title = forms.CharField(label=_("What is needed"), max_length=needs.TITLE_MAX)
    category = forms.ChoiceField(label=_("Category"), choices=NeedCategory.choices)
    description = forms.CharField(label=_("Details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    benefit = forms.TypedChoiceField(label=_("Benefit need (利益需求)"),
                                     choices=BENEFIT_CHOICES, coerce=_benefit,
                                     empty_value=None, required=False)
    owner = forms.ModelChoiceField(label=_("Owner (default: you)"), queryset=None,
                                   required=False)
    department = forms.CharField(label=_("Owning department"), max_length=60, required=False,
                                 widget=forms.TextInput(attrs={"list": "departments"}))
    due_on = forms.DateField(label=_("Due date"), required=False, **DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_dealer_user:
            for name in ("dealer_code", "channel", "benefit", "owner", "department",
                         "due_on"):
                del self.fields[name]
        else:
            self.fields["owner"].queryset = needs.owner_choices()

    def clean_dealer_code(self):
        code = (self.cleaned_data.get("dealer_code") or "").strip()
        dealer = visible_dealers(self.user).filter(code=code).first() if code else None
        if dealer is None:
            raise forms.ValidationError(_("No dealer with this code in your scope."))
        return dealer

    def chosen_dealer(self) -> Any:
        if self.user.is_dealer_user:
            return visible_dealers(self.user).get()
        return self.cleaned_data["dealer_code"]


class NeedEditForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = needs.NEED_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "department": forms.TextInput(attrs={"list": "departments"}),
                   "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = needs.owner_choices()

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in needs.NEED_FIELDS}


class CommonNeedForm(forms.ModelForm):
    class Meta:
        model = CommonNeed
        fields = needs.COMMON_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "action": forms.Textarea(attrs={"rows": 2}),
                   "department": forms.TextInput(attrs={"list": "departments"}),
                   "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = needs.owner_choices()
        self.fields["owner"].label = _("Owner (default: you)")

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in needs.COMMON_FIELDS}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=NeedStatus.choices)
    due_on = forms.DateField(label=_("Due date (for planned)"), required=False, **DATE)
    outcome = forms.CharField(label=_("What was done (for done)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Why it is declined (the dealer reads it)"),
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        moves = needs.NEED_MOVES.get(current, set())
        self.fields["status"].choices = [(v, label) for v, label in NeedStatus.choices
                                         if v in moves]


class AttachForm(forms.Form):
    """Group needs: into an open common need, or into a new one started here."""

    common_need = forms.ModelChoiceField(label=_("Common need"), queryset=None,
                                         required=False, empty_label=_("— a new one —"))
    new_title = forms.CharField(label=_("or start a common need titled"), max_length=120,
                                required=False)
    new_category = forms.ChoiceField(label=_("Its category"), choices=NeedCategory.choices,
                                     required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["common_need"].queryset = needs.open_common_needs()

    def clean(self):
        data = super().clean()
        if not data.get("common_need") and not (data.get("new_title") or "").strip():
            raise forms.ValidationError(_("Choose a common need or give a new one a title."))
        return data


class ConfirmForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Is the need met?"), coerce=_benefit, widget=forms.RadioSelect,
        choices=[("true", _("Yes, it is met")), ("false", _("No, something is missing"))])
    note = forms.CharField(label=_("Comment"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SupportForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=SupportRole.choices)
    started_on = forms.DateField(label=_("From"), **DATE)
    salary_paid_by_hq = forms.BooleanField(label=_("Salary paid by HQ"), required=False,
                                           initial=True)
    dealer_superior = forms.CharField(label=_("Reports at the dealer to"), max_length=60,
                                      required=False)
    trainee_name = forms.CharField(label=_("Business manager being developed"),
                                   max_length=40, required=False)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = needs.support_staff_choices()


class SupportEditForm(forms.ModelForm):
    class Meta:
        model = DealerSupport
        fields = needs.SUPPORT_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2}),
                   "trainee_qualified_on": forms.DateInput(attrs={"type": "date"},
                                                           format="%Y-%m-%d")}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in needs.SUPPORT_FIELDS}


class SupportReportForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}))
    summary = forms.CharField(label=_("Report to HQ"),
                              widget=forms.Textarea(attrs={"rows": 4}))

    def clean_month(self):
        try:
            return period_parse(self.cleaned_data.get("month")).replace(day=1)
        except ValueError:
            raise forms.ValidationError(_("Give a month as YYYY-MM.")) from None


class SupportEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day"), **DATE)
    note = forms.CharField(label=_("How it went"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


# -- export -----------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    Column("number", _("Need number")),
    Column("created_at", _("Recorded at")),
    Column("dealer_code", _("Dealer code")),
    Column("dealer_name", _("Dealer")),
    Column("title", _("What is needed")),
    Column("category", _("Category")),
    Column("benefit", _("Benefit need")),
    Column("scope", _("Scope")),
    Column("common_need", _("Common need")),
    Column("channel", _("Raised through")),
    Column("raised_by_dealer", _("Raised by the dealer")),
    Column("department", _("Owning department")),
    Column("owner", _("Owner")),
    Column("status", _("Status")),
    Column("due_on", _("Due date")),
    Column("overdue", _("Overdue now")),
    Column("outcome", _("Outcome")),
    Column("decline_reason", _("Reason declined")),
    Column("confirmed_at", _("Confirmed by the dealer at")),
    Column("confirmation_note", _("Dealer's comment")),
]


def _yes_no(value: bool) -> str:
    return _gettext("yes") if value else _gettext("no")


def export_row(need: Need, today: datetime.date) -> list[Any]:
    return [need.number, need.created_at, need.dealer.code, need.dealer.name, need.title,
            need.get_category_display(), _yes_no(need.benefit), need.get_scope_display(),
            need.common_need.number if need.common_need_id else "",
            need.get_channel_display(), _yes_no(need.raised_by_dealer), need.department,
            str(need.owner or ""), need.get_status_display(), need.due_on,
            _yes_no(need.is_overdue_on(today)), need.outcome, need.decline_reason,
            need.confirmed_at, need.confirmation_note]


# -- helpers ----------------------------------------------------------------------------------

def _allowed(check: Callable[[Any], bool]) -> Callable:
    """Refuse (403) users the check says no to; pages keep their 404 for records out of
    scope."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args: Any, **kwargs: Any):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return login_required(wrapped)
    return decorator


def _staff(perm: str) -> Callable[[Any], bool]:
    return lambda user: not user.is_dealer_user and user.has_perm(perm)


def _domain_errors(form: forms.Form, exc: DomainError) -> None:
    errors = getattr(exc, "errors", None) or {}
    if not errors:
        form.add_error(None, exc.message)
    for name, why in errors.items():
        form.add_error(name if name in form.fields else None, why)


def _message_errors(request, form: forms.Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _need(request, pk: int) -> Need:
    try:
        return needs.need_get(user=request.user, pk=pk)
    except Need.DoesNotExist:
        raise Http404 from None


def _common(pk: int) -> CommonNeed:
    try:
        return needs.common_need_get(pk=pk)
    except CommonNeed.DoesNotExist:
        raise Http404 from None


def _support(request, pk: int) -> DealerSupport:
    try:
        return needs.support_get(user=request.user, pk=pk)
    except DealerSupport.DoesNotExist:
        raise Http404 from None


def _run(request, step: Callable[[], Any], done: str) -> bool:
    """Run one service step; a refusal shows as a message. True when it went through."""
    try:
        step()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


def _with_state(params: Any, user: Any) -> Any:
    """The query with the state the list applies when none is asked (as for requests)."""
    return with_default_state(params, user)


# -- needs ------------------------------------------------------------------------------------

@_allowed(needs.may_view)
def need_list(request):
    """Staff: needs in their scope (open ones unless asked) with filters, grouping into a
    common need and export. Dealers: their company's needs and who supports them."""
    user = request.user
    dealer_side = user.is_dealer_user
    context: dict[str, Any] = {
        "page": paginate(request, needs.need_list(user=user, filters=request.GET)),
        "query": query_without_page(request),
        "filter_form": needs.NeedFilter(_with_state(request.GET, user),
                                        queryset=Need.objects.none()).form,
        "today": timezone.localdate(), "active_nav": NAV,
        "can_add": needs.may_raise(user),
        "can_group": not dealer_side and user.has_perm("service.change_need"),
    }
    if dealer_side:
        context["supports"] = needs.support_list(user=user, active=True)
    else:
        context["owners"] = needs.owner_choices()
        if context["can_group"]:
            context["attach_form"] = AttachForm()
    return list_render(request, context, template="service/needs/need_list.html",
                       partial="service/needs/_results.html")


@_allowed(_staff("service.view_need"))
def need_export(request):
    """The need list as Excel, with the page's filters."""
    rows = needs.need_list(user=request.user, filters=request.GET)
    today = timezone.localdate()
    return export_response(filename="dealer-needs", columns=EXPORT_COLUMNS,
                           rows=(export_row(n, today) for n in rows.iterator(chunk_size=2000)))


@_allowed(needs.may_raise)
def need_add(request):
    """Raise a need (dealers, R-NR-01) or record one heard on a call or a visit (staff)."""
    initial: dict[str, Any] = {}
    dealer_pk = request.GET.get("dealer", "")
    if dealer_pk.isdigit() and not request.user.is_dealer_user:
        dealer = visible_dealers(request.user).filter(pk=dealer_pk).first()
        if dealer is not None:
            initial["dealer_code"] = dealer.code
    form = NeedForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need = needs.need_create(
                actor=request.user, dealer=form.chosen_dealer(), title=data["title"],
                category=data["category"], description=data["description"],
                benefit=data.get("benefit"), channel=data.get("channel"),
                owner=data.get("owner"), department=data.get("department", ""),
                due_on=data.get("due_on"))
        except DomainError as exc:
            _domain_errors(form, exc)
        else:
            messages.success(request, _gettext("Need %(number)s recorded.")
                             % {"number": need.number})
            return redirect("service:need_detail", pk=need.pk)
    return render(request, "service/needs/need_form.html", {
        "form": form, "departments": needs.departments(), "active_nav": NAV})


@_allowed(needs.may_view)
def need_detail(request, pk: int):
    """A need: what, who owns it, where it stands; staff edit, move, group or detach it
    and read its trail; the dealer confirms a done need or says what is missing."""
    need = _need(request, pk)
    user = request.user
    staff = not user.is_dealer_user
    can_change = staff and user.has_perm("service.change_need")
    context: dict[str, Any] = {"need": need, "staff": staff, "can_change": can_change,
                               "today": timezone.localdate(), "active_nav": NAV}
    if can_change:
        context.update({
            "edit_form": NeedEditForm(instance=need),
            "status_form": (StatusForm(current=need.status)
                            if not need.common_need_id and needs.NEED_MOVES.get(need.status)
                            else None),
            "attach_form": AttachForm(initial={"new_title": need.title,
                                               "new_category": need.category})
            if need.is_open else None,
            "departments": needs.departments(),
        })
    if staff:
        context["history"] = needs.history(record=need)[:30]
    if (need.status == NeedStatus.DONE and need.confirmed_at is None
            and needs.may_confirm(user)):
        context["confirm_form"] = ConfirmForm()
    return render(request, "service/needs/need_detail.html", context)


@_allowed(_staff("service.change_need"))
@require_POST
def need_edit(request, pk: int):
    need = _need(request, pk)
    form = NeedEditForm(request.POST, instance=Need.objects.get(pk=need.pk))
    if not form.is_valid():
        _message_errors(request, form)
    else:
        _run(request, lambda: needs.need_update(actor=request.user, need=need,
                                                values=form.values()),
             _gettext("Need saved."))
    return redirect("service:need_detail", pk=need.pk)


@_allowed(_staff("service.change_need"))
@require_POST
def need_status(request, pk: int):
    need = _need(request, pk)
    form = StatusForm(request.POST, current=need.status)
    if not form.is_valid():
        _message_errors(request, form)
    else:
        data = form.cleaned_data
        _run(request, lambda: needs.need_status_change(
            actor=request.user, need=need, to_status=data["status"], note=data["note"],
            outcome=data["outcome"], reason=data["reason"], due_on=data["due_on"]),
            _gettext("Status changed."))
    return redirect("service:need_detail", pk=need.pk)


def _group(request, chosen: list[Need]) -> CommonNeed | None:
    """Attach `chosen` to the form's common need, or start one with them; None (and a
    message) when refused."""
    form = AttachForm(request.POST)
    if not form.is_valid():
        _message_errors(request, form)
        return None
    data = form.cleaned_data
    try:
        if data["common_need"] is not None:
            common = data["common_need"]
            count = needs.need_attach(actor=request.user, needs=chosen, common_need=common)
        else:
            common = needs.common_need_create(
                actor=request.user, title=data["new_title"],
                category=data["new_category"] or chosen[0].category, needs=chosen)
            count = len(chosen)
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, _gettext("%(n)d need(s) grouped into %(number)s.")
                     % {"n": count, "number": common.number})
    return common


@_allowed(_staff("service.change_need"))
@require_POST
def need_attach(request, pk: int):
    need = _need(request, pk)
    _group(request, [need])
    return redirect("service:need_detail", pk=need.pk)


@_allowed(_staff("service.change_need"))
@require_POST
def need_bulk_attach(request):
    """Group the needs ticked on the list (merging several dealers' needs into one)."""
    ids = [int(v) for v in request.POST.getlist("need") if v.isdigit()]
    chosen = list(needs.visible_needs(request.user).filter(pk__in=ids).order_by("pk"))
    if not chosen:
        messages.error(request, _gettext("Tick the needs to group first."))
        return redirect("service:need_list")
    common = _group(request, chosen)
    if common is None:
        return redirect("service:need_list")
    return redirect("service:common_need_detail", pk=common.pk)


@_allowed(_staff("service.change_need"))
@require_POST
def need_detach(request, pk: int):
    need = _need(request, pk)
    _run(request, lambda: needs.need_detach(actor=request.user, need=need),
         _gettext("The need is individual again."))
    return redirect("service:need_detail", pk=need.pk)


@_allowed(needs.may_confirm)
@require_POST
def need_confirm(request, pk: int):
    need = _need(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        _message_errors(request, form)
    else:
        satisfied = form.cleaned_data["satisfied"]
        _run(request, lambda: needs.need_confirm(actor=request.user, need=need,
                                                 satisfied=satisfied,
                                                 note=form.cleaned_data["note"]),
             _gettext("Thank you: the need is closed.") if satisfied
             else _gettext("Thank you: we are looking at it again."))
    return redirect("service:need_detail", pk=need.pk)


# -- common needs -----------------------------------------------------------------------------

@_allowed(_staff("service.view_need"))
def common_need_list(request):
    """Common needs with the number of dealers and needs each groups, and the categories
    in which several dealers have open needs of their own (R-NR-04, -07)."""
    can_change = request.user.has_perm("service.change_need")
    return render(request, "service/needs/common_need_list.html", {
        "common_needs": list(needs.common_need_list(filters=request.GET)),
        "candidates": needs.common_candidates(user=request.user),
        "min_dealers": needs.COMMON_MIN_DEALERS,
        "state": request.GET.get("state") or ("all" if request.GET.get("status") else "open"),
        "category": request.GET.get("category", ""),
        "categories": NeedCategory.choices,
        "form": CommonNeedForm() if can_change else None,
        "departments": needs.departments() if can_change else [],
        "active_nav": NAV,
    })


@_allowed(_staff("service.change_need"))
@require_POST
def common_need_add(request):
    form = CommonNeedForm(request.POST)
    if not form.is_valid():
        _message_errors(request, form)
        return redirect("service:common_need_list")
    try:
        common = needs.common_need_create(actor=request.user, **form.values())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("service:common_need_list")
    messages.success(request, _gettext("Common need %(number)s started.")
                     % {"number": common.number})
    return redirect("service:common_need_detail", pk=common.pk)


@_allowed(_staff("service.view_need"))
def common_need_detail(request, pk: int):
    """A common need: the company action, its status and the needs it groups (those of
    dealers in the user's scope, by name; the others only counted)."""
    common = _common(pk)
    can_change = request.user.has_perm("service.change_need")
    grouped = needs.common_need_needs(user=request.user, common_need=common)
    return render(request, "service/needs/common_need_detail.html", {
        "common": common, "needs": grouped,
        "hidden_count": common.need_count - len(grouped),
        "confirmed_count": sum(1 for n in grouped if n.confirmed_at is not None),
        "can_change": can_change,
        "edit_form": CommonNeedForm(instance=CommonNeed.objects.get(pk=common.pk))
        if can_change else None,
        "status_form": StatusForm(current=common.status)
        if can_change and needs.NEED_MOVES.get(common.status) else None,
        "departments": needs.departments() if can_change else [],
        "history": needs.history(record=common)[:30],
        "active_nav": NAV,
    })


@_allowed(_staff("service.change_need"))
@require_POST
def common_need_edit(request, pk: int):
    common = _common(pk)
    form = CommonNeedForm(request.POST, instance=CommonNeed.objects.get(pk=common.pk))
    if not form.is_valid():
        _message_errors(request, form)
    else:
        _run(request, lambda: needs.common_need_update(actor=request.user, common_need=common,
                                                       values=form.values()),
             _gettext("Common need saved."))
    return redirect("service:common_need_detail", pk=common.pk)


@_allowed(_staff("service.change_need"))
@require_POST
def common_need_status(request, pk: int):
    common = _common(pk)
    form = StatusForm(request.POST, current=common.status)
    if not form.is_valid():
        _message_errors(request, form)
    else:
        data = form.cleaned_data
        _run(request, lambda: needs.common_need_status_change(
            actor=request.user, common_need=common, to_status=data["status"],
            note=data["note"], outcome=data["outcome"], reason=data["reason"],
            due_on=data["due_on"]), _gettext("Status changed for the common need and "
                                             "every need in it."))
    return redirect("service:common_need_detail", pk=common.pk)


# -- dealer support ---------------------------------------------------------------------------

@_allowed(_staff("service.change_need"))
def support_add(request):
    """Assign staff to support a dealer: a seconded manager, business support, a trainer."""
    dealer_pk = request.GET.get("dealer") or request.POST.get("dealer") or ""
    dealer = (visible_dealers(request.user).filter(pk=dealer_pk).first()
              if str(dealer_pk).isdigit() else None)
    if dealer is None:
        raise Http404
    form = SupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support = needs.support_add(actor=request.user, dealer=dealer,
                                        **form.cleaned_data)
        except DomainError as exc:
            _domain_errors(form, exc)
        else:
            messages.success(request, _gettext("Support staff assigned."))
            return redirect("service:support_detail", pk=support.pk)
    return render(request, "service/needs/support_form.html", {
        "form": form, "dealer": dealer, "active_nav": NAV})


@_allowed(_staff("service.view_need"))
def support_detail(request, pk: int):
    """An assignment: the seconded manager's dual reporting, the business manager he
    develops, his monthly reports to HQ; update, report, end."""
    support = _support(request, pk)
    user = request.user
    can_change = user.has_perm("service.change_need")
    active = support.ended_on is None
    return render(request, "service/needs/support_detail.html", {
        "support": support, "reports": needs.support_reports(support=support),
        "can_change": can_change and active,
        "edit_form": SupportEditForm(instance=support) if can_change and active else None,
        "report_form": SupportReportForm(initial={"month": f"{timezone.localdate():%Y-%m}"})
        if active and (can_change or user.pk == support.user_id) else None,
        "end_form": SupportEndForm(initial={"ended_on": timezone.localdate()})
        if can_change and active else None,
        "active_nav": NAV,
    })


@_allowed(_staff("service.change_need"))
@require_POST
def support_edit(request, pk: int):
    support = _support(request, pk)
    form = SupportEditForm(request.POST, instance=DealerSupport.objects.get(pk=support.pk))
    if not form.is_valid():
        _message_errors(request, form)
    else:
        _run(request, lambda: needs.support_update(actor=request.user, support=support,
                                                   values=form.values()),
             _gettext("Assignment saved."))
    return redirect("service:support_detail", pk=support.pk)


@_allowed(_staff("service.view_need"))
@require_POST
def support_report(request, pk: int):
    support = _support(request, pk)
    form = SupportReportForm(request.POST)
    if not form.is_valid():
        _message_errors(request, form)
    else:
        _run(request, lambda: needs.support_report_add(
            actor=request.user, support=support, month=form.cleaned_data["month"],
            summary=form.cleaned_data["summary"]), _gettext("Monthly report filed."))
    return redirect("service:support_detail", pk=support.pk)


@_allowed(_staff("service.change_need"))
@require_POST
def support_end(request, pk: int):
    support = _support(request, pk)
    form = SupportEndForm(request.POST)
    if not form.is_valid():
        _message_errors(request, form)
    else:
        _run(request, lambda: needs.support_end(
            actor=request.user, support=support, ended_on=form.cleaned_data["ended_on"],
            note=form.cleaned_data["note"]), _gettext("Assignment ended."))
    return redirect("service:support_detail", pk=support.pk)

