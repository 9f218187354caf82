"""Dealer service pages: the contact directory, the routing and calendar HQ keeps, requests
(a dealer's own in the portal, staff's in their scope) with their thread, the on-time
report and each user's notifications."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core import audit
from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers.scoping import visible_dealers
from qudao.service import queries, services
from qudao.service.choices import RequestStatus
from qudao.service.excel import EXPORT_COLUMNS, REPORT_COLUMNS, export_row, report_rows
from qudao.service.filters import ServiceRequestFilter
from qudao.service.forms import (
    AssignForm,
    CalendarDayForm,
    CalendarForm,
    ConfirmForm,
    FunctionForm,
    RateForm,
    ReopenForm,
    ReplyForm,
    RequestForm,
    RouteForm,
    StatusForm,
)
from qudao.service.models import (
    CalendarDay,
    ServiceAttachment,
    ServiceFunction,
    ServiceRequest,
    ServiceRoute,
    WorkingCalendar,
)
from qudao.service.services.requests import STAFF_MOVES
from qudao.service.workhours import calendar_load, working_hours_between

NAV = "service"
REPORT_MONTHS = (3, 6, 12)


def _form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _domain_errors(form, exc: DomainError) -> None:
    """Put a service's field errors on the form (the rest on the form as a whole)."""
    errors = getattr(exc, "errors", None) or {}
    if not errors:
        form.add_error(None, exc.message)
    for name, why in errors.items():
        form.add_error(name if name in form.fields else None, why)


# -- directory --------------------------------------------------------------------------------

@login_required
@permission_required("service.view_directory", raise_exception=True)
def directory(request):
    """Who does what: every function with its department, person, contacts and the working
    hours it promises (R-SR-01, R-SR-06); dealers read it, HQ edits it."""
    context = {"functions": queries.function_list(user=request.user),
               "calendar": WorkingCalendar.current(), "active_nav": NAV}
    return render(request, "service/directory.html", context)


@login_required
@permission_required("service.change_directory", raise_exception=True)
def function_edit(request, pk: int):
    """A function's contacts and limits, and its routing table by region."""
    function = get_object_or_404(ServiceFunction, pk=pk)
    form = FunctionForm(request.POST or None, instance=ServiceFunction.objects.get(pk=pk))
    route_form = RouteForm()
    if request.method == "POST" and "route" in request.POST:
        form = FunctionForm(instance=function)
        route_form = RouteForm(request.POST)
        if route_form.is_valid():
            try:
                services.route_add(actor=request.user, function=function,
                                   territory=route_form.cleaned_data["territory_code"],
                                   user=route_form.cleaned_data["user"])
            except DomainError as exc:
                _domain_errors(route_form, exc)
            else:
                messages.success(request, _("Routing rule saved."))
                return redirect("service:function_edit", pk=pk)
    elif request.method == "POST" and form.is_valid():
        try:
            services.function_update(actor=request.user, function=function,
                                     values=form.service_values())
        except DomainError as exc:
            _domain_errors(form, exc)
        else:
            messages.success(request, _("Directory entry saved."))
            return redirect("service:directory")
    context = {"function": function, "form": form, "route_form": route_form,
               "routes": queries.routes(function=function),
               "history": audit.history(function)[:20], "active_nav": NAV}
    return render(request, "service/function_form.html", context)


@login_required
@permission_required("service.change_directory", raise_exception=True)
@require_POST
def route_delete(request, pk: int):
    route = get_object_or_404(ServiceRoute.objects.select_related("function", "territory",
                                                                  "user"), pk=pk)
    services.route_delete(actor=request.user, route=route)
    messages.success(request, _("Routing rule removed."))
    return redirect("service:function_edit", pk=route.function_id)


@login_required
@permission_required("service.change_directory", raise_exception=True)
def calendar(request):
    """Working hours, weekdays, auto-close days, and the holidays and adjusted working days
    of a year."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    settings_form = CalendarForm(instance=WorkingCalendar.current())
    day_form = CalendarDayForm()
    if request.method == "POST":
        if "day" in request.POST:
            day_form = CalendarDayForm(request.POST)
            if day_form.is_valid():
                try:
                    services.calendar_day_set(actor=request.user, **day_form.cleaned_data)
                except DomainError as exc:
                    _domain_errors(day_form, exc)
                else:
                    messages.success(request, _("Calendar day saved."))
                    return redirect(f"{request.path}?year={day_form.cleaned_data['day'].year}")
        else:
            settings_form = CalendarForm(request.POST, instance=WorkingCalendar.current())
            if settings_form.is_valid():
                try:
                    services.calendar_update(actor=request.user,
                                             values=settings_form.cleaned_data)
                except DomainError as exc:
                    _domain_errors(settings_form, exc)
                else:
                    messages.success(request, _("Working hours saved."))
                    return redirect("service:calendar")
    context = {"settings_form": settings_form, "day_form": day_form, "year": year,
               "days": queries.calendar_days(year=year),
               "history": audit.history(WorkingCalendar.current())[:20], "active_nav": NAV}
    return render(request, "service/calendar.html", context)


@login_required
@permission_required("service.change_directory", raise_exception=True)
@require_POST
def calendar_day_delete(request, pk: int):
    row = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_delete(actor=request.user, row=row)
    messages.success(request, _("Calendar day removed."))
    return redirect(f"{reverse('service:calendar')}?year={row.day.year}")


# -- requests ---------------------------------------------------------------------------------

@login_required
@permission_required("service.view_request", raise_exception=True)
def request_list(request):
    """Staff: requests in their scope, open ones unless asked, with filters and export.
    Dealers: their company's requests."""
    requests = queries.request_list(user=request.user, filters=request.GET)
    context = {
        "page": paginate(request, requests), "query": query_without_page(request),
        "filter_form": ServiceRequestFilter(
            queries.with_default_state(request.GET, request.user),
            queryset=ServiceRequest.objects.none()).form,
        "now": timezone.now(), "active_nav": NAV,
    }
    return list_render(request, context, template="service/request_list.html",
                       partial="service/_results.html")


@login_required
@permission_required("service.export_request", raise_exception=True)
def request_export(request):
    """The request list as Excel, with the page's filters."""
    requests = queries.request_list(user=request.user, filters=request.GET)
    rows = (export_row(r) for r in requests.iterator(chunk_size=2000))
    return export_response(filename="service-requests", columns=EXPORT_COLUMNS, rows=rows)


@login_required
@permission_required("service.add_request", raise_exception=True)
def request_add(request):
    """Raise a request (dealers) or log a call or a visit (staff)."""
    initial: dict[str, Any] = {}
    dealer_pk = request.GET.get("dealer", "")
    if dealer_pk.isdigit() and not request.user.is_dealer_user:
        dealer = visible_dealers(request.user).filter(pk=dealer_pk).first()
        if dealer is not None:
            initial["dealer_code"] = dealer.code
    if request.GET.get("function"):
        function = ServiceFunction.objects.filter(code=request.GET["function"]).first()
        if function is not None:
            initial["function"] = function.pk
    form = RequestForm(request.POST or None, request.FILES or None, user=request.user,
                       initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_create(
                actor=request.user, dealer=form.chosen_dealer(), function=data["function"],
                priority=data["priority"], subject=data["subject"],
                description=data["description"], product=data["product_sku"],
                channel=data.get("channel"), caller_name=data.get("caller_name", ""),
                attachments=data["attachments"])
        except DomainError as exc:
            _domain_errors(form, exc)
        else:
            messages.success(request, _("Request %(number)s raised.") % {
                "number": created.number})
            return redirect("service:request_detail", pk=created.pk)
    return render(request, "service/request_form.html", {
        "form": form, "functions": queries.function_list(user=request.user),
        "active_nav": NAV})


def _request(request, pk: int) -> ServiceRequest:
    try:
        return queries.request_get(user=request.user, pk=pk)
    except ServiceRequest.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("service.view_request", raise_exception=True)
def request_detail(request, pk: int):
    """The request, its deadlines and thread; the dealer replies, confirms and rates or
    reopens; staff reply, add internal notes, assign and move it."""
    item = _request(request, pk)
    services.notifications_read(user=request.user, request=item)
    user = request.user
    staff = not user.is_dealer_user
    context: dict[str, Any] = {
        "item": item, "thread": queries.thread(user=user, request=item),
        "staff": staff, "now": timezone.now(), "active_nav": NAV,
        "reply_form": ReplyForm(user=user),
        "can_reply": item.status != RequestStatus.CLOSED and user.has_perm(
            "service.handle_request" if staff else "service.add_request"),
    }
    if staff:
        moves = STAFF_MOVES.get(item.status, set())
        status_form = StatusForm()
        status_form.fields["status"].choices = [
            (value, label) for value, label in status_form.fields["status"].choices
            if value in moves]
        context.update({
            "can_handle": user.has_perm("service.handle_request"),
            "status_form": status_form if moves else None,
            "assign_form": AssignForm(initial={"assignee": item.assignee_id}),
            "escalations": queries.escalations(request=item),
            "overdue": item.overdue_deadlines(context["now"]),
        })
        if item.first_response_at is not None:
            context["response_hours"] = working_hours_between(
                item.created_at, item.first_response_at, calendar=calendar_load())
    can_reopen = item.status == RequestStatus.RESOLVED or (
        item.status == RequestStatus.CLOSED and item.closed_at is not None
        and timezone.now() - item.closed_at <= datetime.timedelta(days=services.REOPEN_DAYS))
    context["reopen_form"] = ReopenForm() if can_reopen and user.has_perm(
        "service.handle_request" if staff else "service.rate_request") else None
    if not staff and user.has_perm("service.rate_request"):
        if item.status == RequestStatus.RESOLVED:
            context["confirm_form"] = ConfirmForm()
        elif item.status == RequestStatus.CLOSED:
            context["rate_form"] = RateForm(initial={"rating": item.rating,
                                                     "comment": item.rating_comment})
    return render(request, "service/request_detail.html", context)


def _act(request, pk: int, perm_staff: str, perm_dealer: str, step) -> Any:
    """Run one step on a request the user may see; a refusal shows as a message."""
    perm = perm_dealer if request.user.is_dealer_user else perm_staff
    if not perm or not request.user.has_perm(perm):
        raise PermissionDenied
    item = _request(request, pk)
    try:
        step(item)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("service:request_detail", pk=item.pk)


@login_required
@require_POST
def request_reply(request, pk: int):
    def step(item):
        form = ReplyForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.message_add(actor=request.user, request=item, body=form.cleaned_data["body"],
                             internal=form.cleaned_data.get("internal", False),
                             attachments=form.cleaned_data["attachments"])
        messages.success(request, _("Internal note added.") if form.cleaned_data.get(
            "internal") else _("Message sent."))
    return _act(request, pk, "service.handle_request", "service.add_request", step)


@login_required
@require_POST
def request_assign(request, pk: int):
    def step(item):
        form = AssignForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.request_assign(actor=request.user, request=item,
                                assignee=form.cleaned_data["assignee"])
        messages.success(request, _("Assigned."))
    return _act(request, pk, "service.handle_request", "", step)


@login_required
@require_POST
def request_status(request, pk: int):
    def step(item):
        form = StatusForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.request_status_change(actor=request.user, request=item,
                                       to_status=form.cleaned_data["status"],
                                       note=form.cleaned_data["note"])
        messages.success(request, _("Status changed."))
    return _act(request, pk, "service.handle_request", "", step)


@login_required
@require_POST
def request_confirm(request, pk: int):
    def step(item):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.request_confirm(actor=request.user, request=item,
                                 rating=form.cleaned_data["rating"],
                                 comment=form.cleaned_data["comment"])
        messages.success(request, _("Thank you: the request is closed."))
    return _act(request, pk, "", "service.rate_request", step)


@login_required
@require_POST
def request_rate(request, pk: int):
    def step(item):
        form = RateForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.request_rate(actor=request.user, request=item,
                              rating=form.cleaned_data["rating"],
                              comment=form.cleaned_data["comment"])
        messages.success(request, _("Thank you for your rating."))
    return _act(request, pk, "", "service.rate_request", step)


@login_required
@require_POST
def request_reopen(request, pk: int):
    def step(item):
        form = ReopenForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        services.request_reopen(actor=request.user, request=item,
                                reason=form.cleaned_data["note"])
        messages.success(request, _("Request reopened."))
    return _act(request, pk, "service.handle_request", "service.rate_request", step)


@login_required
@permission_required("service.view_request", raise_exception=True)
def attachment_download(request, pk: int):
    """The stored file, only to users who may see its message."""
    try:
        attachment = queries.attachment_get(user=request.user, pk=pk)
    except ServiceAttachment.DoesNotExist:
        raise Http404 from None
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


# -- report and notifications -----------------------------------------------------------------

def _report(request) -> tuple[dict[str, Any], int, str]:
    try:
        months = int(request.GET.get("months") or 6)
    except ValueError:
        months = 6
    months = months if months in REPORT_MONTHS else 6
    department = request.GET.get("department", "")
    report = queries.on_time_report(user=request.user, months=months, department=department)
    return report, months, department


@login_required
@permission_required("service.view_report", raise_exception=True)
def report(request):
    """Share of first responses and resolutions within the deadline, per department and
    function and per month."""
    data, months, department = _report(request)
    return render(request, "service/report.html", {
        "report": data, "months": months, "department": department,
        "month_choices": REPORT_MONTHS, "query": query_without_page(request),
        "active_nav": NAV})


@login_required
@permission_required("service.view_report", raise_exception=True)
def report_export(request):
    if not request.user.has_perm("service.export_request"):
        raise PermissionDenied
    data, _months, _department = _report(request)
    return export_response(filename="service-on-time", columns=REPORT_COLUMNS,
                           rows=report_rows(data))


@login_required
def notification_list(request):
    """The user's service notifications: requests assigned, answered, escalated."""
    page = paginate(request, queries.notifications(user=request.user))
    return render(request, "service/notifications.html", {"page": page, "active_nav": NAV})
