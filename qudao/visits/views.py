"""Calls and visits pages: log a call or a visit from the phone, the contact log and its
export, one record with its photos and history, the month plan, the overdue list and the
compliance report."""

import datetime
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.accounts.models import User
from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError, NotAllowed
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers.scoping import visible_dealers, visible_territories
from qudao.stock.periods import period_parse
from qudao.visits import compliance, excel, queries, services
from qudao.visits.exceptions import ContactInvalid, PhotoInvalid
from qudao.visits.filters import OVERDUE_KINDS, ContactFilter, month_or_today
from qudao.visits.forms import (
    CommentForm,
    ContactEditForm,
    ContactForm,
    PhotoForm,
    PlanItemForm,
    PlanNotesForm,
)
from qudao.visits.models import Contact, PlanItem

NAV = "visits"
OVERDUE_EXPORT_LIMIT = 100_000


def _contact(request, pk: int) -> Contact:
    try:
        return queries.contact_get(user=request.user, pk=pk)
    except Contact.DoesNotExist:
        raise Http404 from None


def _form_errors(form: Any, errors: dict[str, str]) -> None:
    """A service's errors on the form: on the field they name, else above the form."""
    for field, message in errors.items():
        shown = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if shown else None, message)


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def contact_list(request):
    """The calls and visits of the user's dealers, filtered; HTMX swaps the table."""
    contacts = queries.contact_list(user=request.user, filters=request.GET)
    context = {
        "page": paginate(request, contacts), "query": query_without_page(request),
        "filter_form": ContactFilter(request.GET or None, queryset=Contact.objects.none()).form,
        "active_nav": NAV,
    }
    return list_render(request, context, template="visits/contact_list.html",
                       partial="visits/_contact_results.html")


@login_required
@permission_required("visits.export_visit", raise_exception=True)
def contact_export(request):
    """The contact log as Excel, with the page's filters."""
    contacts = queries.contact_list(user=request.user, filters=request.GET)
    rows = (excel.contact_row(c) for c in contacts.iterator(chunk_size=2000))
    return export_response(filename="calls-visits", columns=excel.CONTACT_COLUMNS, rows=rows)


@login_required
@permission_required("visits.add_visit", raise_exception=True)
def dealer_options(request):
    """Suggestions for the dealer field (HTMX): codes and names matching what was typed."""
    dealers = queries.dealer_options(user=request.user, q=request.GET.get("q", "")
                                     or request.GET.get("dealer", ""))
    return render(request, "visits/_dealer_options.html", {"dealers": dealers})


def _initial_from_query(request) -> dict[str, Any]:
    """Links from a dealer page or an alert name the dealer (by id), the kind and the alert."""
    initial: dict[str, Any] = {}
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    if request.GET.get("dealer", "").isdigit():
        dealer = visible_dealers(request.user).filter(pk=request.GET["dealer"]).first()
        if dealer is not None:
            initial["dealer"] = dealer.code
    if request.GET.get("alert", "").isdigit():
        initial["alert"] = int(request.GET["alert"])
    if request.GET.get("purpose"):
        initial["purpose"] = request.GET["purpose"]
    return initial


def _linked_alert(request, alert_id: int | None) -> Any:
    if not alert_id:
        return None
    from qudao.alerts import queries as alert_queries

    return alert_queries.visible_alerts(request.user).filter(pk=alert_id).first()


@login_required
@permission_required("visits.add_visit", raise_exception=True)
def contact_add(request):
    """Log a call or a visit, on the phone: the dealer, what was discussed, the next step;
    for a visit, the check-in (the phone's position) and photos."""
    initial = _initial_from_query(request)
    form = ContactForm(request.POST or None, request.FILES or None, user=request.user,
                       initial=initial)
    alert_id = (form.data.get("alert") if request.method == "POST" else initial.get("alert"))
    alert = _linked_alert(request, int(alert_id) if str(alert_id or "").isdigit() else None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            contact = services.contact_log(
                actor=request.user, check_in=form.check_in(), alert=alert,
                photos=form.cleaned_data["photos"], **values)
        except ContactInvalid as exc:
            _form_errors(form, exc.errors)
        except PhotoInvalid as exc:
            form.add_error("photos", exc.message)
        except NotAllowed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(kind)s with %(dealer)s logged.") % {
                "kind": contact.get_kind_display(), "dealer": contact.dealer.name})
            return redirect("visits:contact_detail", pk=contact.pk)
    context = {"form": form, "alert": alert, "active_nav": NAV}
    return render(request, "visits/contact_form.html", context)


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def contact_detail(request, pk: int):
    """One call or visit: what was found, the check-in and its distance, photos, the next
    step, and every change made to it."""
    contact = _contact(request, pk)
    context = {
        "contact": contact, "photos": queries.contact_photos(contact=contact),
        "history": queries.contact_history(contact=contact)[:20],
        "is_author": contact.staff_id == request.user.pk
        and request.user.has_perm("visits.add_visit"),
        "can_log": request.user.has_perm("visits.add_visit"),
        "photo_form": PhotoForm(), "active_nav": NAV,
    }
    return render(request, "visits/contact_detail.html", context)


@login_required
@permission_required("visits.add_visit", raise_exception=True)
def contact_edit(request, pk: int):
    """Correct a record (its author only); the change is kept in its history."""
    contact = _contact(request, pk)
    if contact.staff_id != request.user.pk:
        raise Http404
    form = ContactEditForm.for_contact(contact, request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        # The form shows minutes: an unchanged time must not read as an edit of its seconds.
        shown = timezone.localtime(contact.happened_at).replace(second=0, microsecond=0)
        if values.get("happened_at") == shown:
            values.pop("happened_at")
        try:
            services.contact_update(actor=request.user, contact=contact, values=values)
        except ContactInvalid as exc:
            _form_errors(form, exc.errors)
        except NotAllowed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("visits:contact_detail", pk=contact.pk)
    return render(request, "visits/contact_edit.html",
                  {"contact": contact, "form": form, "active_nav": NAV})


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def contact_photos_add(request, pk: int):
    contact = _contact(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["photos"]:
        try:
            services.photos_add(actor=request.user, contact=contact,
                                uploads=form.cleaned_data["photos"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Photos added."))
    else:
        messages.error(request, _("Choose one or more photos."))
    return redirect("visits:contact_detail", pk=contact.pk)


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def contact_step_done(request, pk: int):
    contact = _contact(request, pk)
    try:
        services.next_step_done(actor=request.user, contact=contact)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Next step marked done."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("visits:contact_detail", args=[contact.pk])
    return redirect(target)


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def contact_photo(request, pk: int, photo_pk: int):
    """A photo of a record the user may see (never served from a public address)."""
    contact = _contact(request, pk)
    photo = contact.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=kind, filename=photo.name)


# --- the month plan --------------------------------------------------------------------

def _month(request) -> datetime.date:
    try:
        return period_parse(request.GET.get("month") or request.POST.get("month")
                            or timezone.localdate()).replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _plan_rep(request) -> Any:
    """The rep whose plan is shown: the user, or one of the reps he manages (?rep=)."""
    rep_id = request.GET.get("rep", "")
    if not rep_id or not rep_id.isdigit() or int(rep_id) == request.user.pk:
        return request.user
    rep = next((r for r in queries.plan_reps(user=request.user) if r.pk == int(rep_id)), None)
    if rep is None and queries.visible_plans(request.user).filter(rep_id=rep_id).exists():
        rep = User.objects.filter(pk=rep_id).first()  # a manager's own plan, read by HQ
    if rep is None:
        raise Http404
    return rep


def _plan_url(month: datetime.date, rep: Any = None) -> str:
    query = {"month": f"{month:%Y-%m}"}
    if rep is not None:
        query["rep"] = rep.pk
    return f"{reverse('visits:plan')}?{urlencode(query)}"


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def plan(request):
    """A rep's month plan against what he logged; his manager reads it and comments."""
    month, rep = _month(request), _plan_rep(request)
    view = queries.plan_month(user=request.user, rep=rep, month=month)
    previous, following = queries.months_around(month)
    own = rep.pk == request.user.pk
    context = {
        **view, "own": own, "previous": previous, "following": following,
        "can_edit": own and view["is_open"] and request.user.has_perm("visits.add_visit"),
        "can_comment": request.user.has_perm("visits.add_visit") and view["plan"] is not None,
        "item_form": PlanItemForm(user=request.user, month=month),
        "notes_form": PlanNotesForm(initial={"notes": view["plan"].notes
                                             if view["plan"] else ""}),
        "comment_form": CommentForm(), "reps": queries.plan_reps(user=request.user),
        "today": timezone.localdate(), "active_nav": NAV,
    }
    return render(request, "visits/plan.html", context)


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def plan_item_add(request):
    month = _month(request)
    form = PlanItemForm(request.POST, user=request.user, month=month)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.plan_item_add(actor=request.user, dealer=data["dealer"],
                                          day=data["day"], kind=data["kind"],
                                          purpose=data["purpose"], note=data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Added to the plan."))
            month = item.day.replace(day=1)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else
                           " ".join(errors))
    return redirect(_plan_url(month))


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def plan_item_delete(request, pk: int):
    item = PlanItem.objects.select_related("plan").filter(pk=pk,
                                                          plan__rep=request.user).first()
    if item is None:
        raise Http404
    try:
        services.plan_item_delete(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Taken off the plan."))
    return redirect(_plan_url(item.plan.month))


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def plan_notes(request):
    month = _month(request)
    form = PlanNotesForm(request.POST)
    if form.is_valid():
        try:
            services.plan_notes_update(actor=request.user, month=month,
                                       notes=form.cleaned_data["notes"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    return redirect(_plan_url(month))


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def plan_comment(request, pk: int):
    plan_row = queries.visible_plans(request.user).select_related("rep").filter(pk=pk).first()
    if plan_row is None:
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.plan_comment_add(actor=request.user, plan=plan_row,
                                      text=form.cleaned_data["text"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write the comment."))
    rep = None if plan_row.rep_id == request.user.pk else plan_row.rep
    return redirect(_plan_url(plan_row.month, rep))


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def plan_list(request):
    """The month's plans of every rep the user follows: planned against logged."""
    month = _month(request)
    previous, following = queries.months_around(month)
    context = {"rows": queries.plan_overview(user=request.user, month=month), "month": month,
               "previous": previous, "following": following, "active_nav": NAV}
    return render(request, "visits/plan_list.html", context)


# --- compliance ------------------------------------------------------------------------

def _as_of(request) -> datetime.date:
    try:
        return month_or_today(request.GET.get("as_of"))
    except ValueError:
        return timezone.localdate()


def _region_choices(request) -> list[Any]:
    return list(visible_territories(request.user).filter(depth__lte=2).order_by("path"))


def _rep_choices(request) -> list[Any]:
    ids = (visible_dealers(request.user).exclude(assigned_rep__isnull=True).order_by()
           .values("assigned_rep_id").distinct())
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "username"))


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def overdue_list(request):
    """Active dealers whose last call or visit is older than the company's limit."""
    as_of = _as_of(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in dict(OVERDUE_KINDS) else "any"
    dealers = compliance.overdue_list(user=request.user, as_of=as_of, kind=kind,
                                      filters=request.GET)
    page = paginate(request, dealers)
    context = {
        "page": page, "rows": compliance.overdue_rows(page.object_list, as_of=as_of),
        "as_of": as_of, "kind": kind, "kinds": OVERDUE_KINDS, "limits": compliance.limits(),
        "regions": _region_choices(request), "reps": _rep_choices(request),
        "query": query_without_page(request), "active_nav": NAV,
    }
    return list_render(request, context, template="visits/overdue_list.html",
                       partial="visits/_overdue_results.html")


@login_required
@permission_required("visits.export_visit", raise_exception=True)
def overdue_export(request):
    as_of = _as_of(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in dict(OVERDUE_KINDS) else "any"
    dealers = compliance.overdue_list(user=request.user, as_of=as_of, kind=kind,
                                      filters=request.GET)[:OVERDUE_EXPORT_LIMIT]
    rows = (excel.overdue_row(row) for row in compliance.overdue_rows(
        dealers.iterator(chunk_size=2000), as_of=as_of))
    return export_response(filename="overdue-contacts", columns=excel.OVERDUE_COLUMNS,
                           rows=rows)


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def compliance_report(request):
    """Call and visit compliance and the first-order-only share, per rep or region."""
    report = compliance.compliance(user=request.user, by=request.GET.get("by", "rep"),
                                   as_of=_as_of(request), filters=request.GET)
    context = {"report": report, "groupings": compliance.GROUPINGS,
               "regions": _region_choices(request), "query": query_without_page(request),
               "active_nav": NAV}
    return render(request, "visits/compliance.html", context)


@login_required
@permission_required("visits.export_visit", raise_exception=True)
def compliance_export(request):
    report = compliance.compliance(user=request.user, by=request.GET.get("by", "rep"),
                                   as_of=_as_of(request), filters=request.GET)
    no_group = _("No rep assigned") if report["by"] == "rep" else "—"
    rows = [excel.compliance_row(row, no_group=no_group) for row in report["rows"]]
    rows.append(excel.compliance_row({**report["total"], "label": _("Total")},
                                     no_group=no_group))
    return export_response(filename="contact-compliance", columns=excel.COMPLIANCE_COLUMNS,
                           rows=rows)

