"""Recruitment pages of leads: the list with its filters, period figures, carry-over and
export; a lead with its follow-ups, status, rep and candidate; mobilization campaigns; and
the funnel and cohort report. Candidates, comparison and criteria: candidate_views.py."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.accounts.models import User
from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.core.views import list_render
from qudao.recruitment import excel, queries, reports, services
from qudao.recruitment.choices import LEAD_MOVES, LeadStatus
from qudao.recruitment.filters import LeadFilter
from qudao.recruitment.forms import (
    AssignForm,
    CampaignForm,
    FollowUpForm,
    LeadForm,
    LeadStatusForm,
)
from qudao.recruitment.models import Campaign, Lead
from qudao.stock.periods import add_months, month_start, period_parse

NAV = "recruitment"
EXPORT_LIMIT = 100_000


def form_errors(form: Any, exc: DomainError) -> None:
    """A service's errors on the form: on the field they name, else above the form."""
    errors = getattr(exc, "errors", None) or {}
    if not errors:
        form.add_error(None, exc.message)
    for name, why in errors.items():
        form.add_error(name if name in form.fields else None, why)


def _lead(request, pk: int) -> Lead:
    try:
        return queries.lead_get(user=request.user, pk=pk)
    except Lead.DoesNotExist:
        raise Http404 from None


def _staff(request) -> None:
    if request.user.is_dealer_user:
        raise Http404


def _month(value: Any, default):
    try:
        return month_start(period_parse(value)) if value else default
    except ValueError:
        return default


# -- leads --------------------------------------------------------------------------------

@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def lead_list(request):
    """Leads of the user's scope, filtered (HTMX swaps the table); the period's figures."""
    _staff(request)
    user = request.user
    period = _month(request.GET.get("period"), month_start(timezone.localdate()))
    page = paginate(request, queries.lead_list(user=user, filters=request.GET))
    summary = queries.period_summary(user=user, period=period)
    context = {
        "page": page, "period": period, "summary": summary,
        "status_figures": [(value, label, summary["by_status"].get(value, 0))
                           for value, label in LeadStatus.choices],
        "waiting": (services.carry_over_waiting(user=user, to_period=timezone.localdate())
                    if user.has_perm("recruitment.assign_lead") else 0),
        "filter_form": LeadFilter(request.GET or None, queryset=Lead.objects.none()).form,
        "regions": queries.region_choices(user), "reps": queries.rep_options(user),
        "active_nav": NAV,
    }
    return list_render(request, context, template="recruitment/lead_list.html",
                       partial="recruitment/_lead_results.html")


@login_required
@permission_required("recruitment.export_lead", raise_exception=True)
def lead_export(request):
    """The lead list as Excel, with the page's filters."""
    _staff(request)
    leads = queries.lead_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="leads", columns=excel.LEAD_COLUMNS,
                           rows=(excel.lead_row(lead) for lead in leads.iterator(
                               chunk_size=500)))


@login_required
@permission_required("recruitment.add_lead", raise_exception=True)
def lead_add(request):
    _staff(request)
    form = LeadForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        rep_id = form.cleaned_data.get("rep")
        rep = User.objects.filter(pk=rep_id).first() if rep_id else None
        try:
            lead = services.lead_create(actor=request.user, values=form.service_values(),
                                        rep=rep)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Lead recorded."))
            return redirect("recruitment:lead_detail", pk=lead.pk)
    return render(request, "recruitment/form.html", {
        "form": form, "title": _("New lead"), "active_nav": NAV,
        "back": reverse("recruitment:lead_list")})


@login_required
@permission_required("recruitment.add_lead", raise_exception=True)
def lead_edit(request, pk: int):
    lead = _lead(request, pk)
    initial = {name: getattr(lead, name) for name in services.LEAD_FIELDS}
    initial["territory"] = lead.territory_id
    form = LeadForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(actor=request.user, lead=lead, values=form.service_values())
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Lead saved."))
            return redirect("recruitment:lead_detail", pk=lead.pk)
    return render(request, "recruitment/form.html", {
        "form": form, "title": _("Change lead %(lead)s") % {"lead": lead}, "active_nav": NAV,
        "back": reverse("recruitment:lead_detail", args=[lead.pk])})


@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def lead_detail(request, pk: int, follow_up_form=None, status_form=None):
    """A lead: details, follow-ups, status, rep, candidate, history."""
    lead = _lead(request, pk)
    user = request.user
    moves = LEAD_MOVES.get(lead.status, set())
    context = {
        "lead": lead, "follow_ups": queries.lead_follow_ups(lead=lead)[:100],
        "candidate": queries.lead_candidate(lead=lead),
        "follow_up_form": follow_up_form or FollowUpForm(),
        "status_form": status_form or LeadStatusForm(),
        "moves": moves,
        "can_work": user.has_perm("recruitment.add_lead"),
        "can_assign": user.has_perm("recruitment.assign_lead"),
        "assign_form": AssignForm(user=user, initial={"rep": lead.assigned_rep_id}),
        "history": queries.history(target=lead)[:20], "active_nav": NAV,
    }
    return render(request, "recruitment/lead_detail.html", context)


@login_required
@require_POST
@permission_required("recruitment.add_lead", raise_exception=True)
def lead_follow_up(request, pk: int):
    lead = _lead(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.followup_add(actor=request.user, lead=lead, values=form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Follow-up logged."))
            return redirect("recruitment:lead_detail", pk=lead.pk)
    return lead_detail(request, pk, follow_up_form=form)


@login_required
@require_POST
@permission_required("recruitment.add_lead", raise_exception=True)
def lead_status(request, pk: int):
    lead = _lead(request, pk)
    form = LeadStatusForm(request.POST)
    if form.is_valid():
        try:
            services.lead_status_change(actor=request.user, lead=lead,
                                        to_status=form.cleaned_data["status"],
                                        reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Lead status changed."))
            return redirect("recruitment:lead_detail", pk=lead.pk)
    return lead_detail(request, pk, status_form=form)


@login_required
@require_POST
@permission_required("recruitment.assign_lead", raise_exception=True)
def lead_assign(request, pk: int):
    lead = _lead(request, pk)
    form = AssignForm(request.POST, user=request.user)
    if form.is_valid():
        rep = User.objects.filter(pk=form.cleaned_data["rep"]).first()
        try:
            services.lead_assign(actor=request.user, lead=lead, rep=rep)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Lead assigned to %(rep)s.") % {"rep": rep})
    else:
        messages.error(request, _("Choose a sales rep."))
    return redirect("recruitment:lead_detail", pk=lead.pk)


@login_required
@require_POST
@permission_required("recruitment.assign_lead", raise_exception=True)
def carry_over(request):
    """Carry the qualified leads of earlier periods into this month (R-DM-11)."""
    moved = services.leads_carry_over(actor=request.user, to_period=timezone.localdate())
    messages.success(request, _("%(n)d qualified leads carried over into this month.") % {
        "n": moved})
    return redirect("recruitment:lead_list")


# -- campaigns ----------------------------------------------------------------------------

@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def campaign_list(request):
    _staff(request)
    return render(request, "recruitment/campaign_list.html", {
        "campaigns": queries.campaign_list(user=request.user), "active_nav": NAV})


@login_required
@permission_required("recruitment.change_campaign", raise_exception=True)
def campaign_form(request, pk: int | None = None):
    _staff(request)
    campaign = None
    initial: dict[str, Any] = {"starts_on": timezone.localdate(),
                               "ends_on": timezone.localdate()}
    if pk is not None:
        campaign = Campaign.objects.filter(pk=pk).first()
        if campaign is None:
            raise Http404
        initial = {name: getattr(campaign, name) for name in
                   ("name", "method", "starts_on", "ends_on", "status", "plan")}
        initial["territory"] = campaign.territory_id
    form = CampaignForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_save(actor=request.user, campaign=campaign,
                                              values=form.service_values())
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("recruitment:campaign_detail", pk=campaign.pk)
    return render(request, "recruitment/form.html", {
        "form": form, "title": _("Mobilization campaign"), "active_nav": NAV,
        "back": reverse("recruitment:campaign_list")})


@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def campaign_detail(request, pk: int):
    """A campaign, its figures and its target list; add leads to it or take them off."""
    _staff(request)
    try:
        campaign = queries.campaign_get(user=request.user, pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None
    user = request.user
    if request.method == "POST" and user.has_perm("recruitment.change_campaign"):
        add = [int(v) for v in request.POST.getlist("add") if v.isdigit()]
        remove = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
        services.campaign_leads_set(actor=user, campaign=campaign, add=add, remove=remove)
        messages.success(request, _("Target list saved."))
        return redirect("recruitment:campaign_detail", pk=pk)
    targets = queries.lead_list(user=user, filters={"campaign": pk})
    target_ids = set(targets.values_list("pk", flat=True))
    open_leads = (queries.lead_list(user=user, filters={}).exclude(pk__in=target_ids)
                  .filter(status__in=["new", "contacted", "qualified"])[:50])
    return render(request, "recruitment/campaign_detail.html", {
        "campaign": campaign, "targets": targets[:200], "open_leads": open_leads,
        "can_change": user.has_perm("recruitment.change_campaign"), "active_nav": NAV})


# -- reports ------------------------------------------------------------------------------

@login_required
@permission_required("recruitment.view_report", raise_exception=True)
def report(request):
    """The conversion funnel by region or rep over a span of periods, and the cohorts."""
    _staff(request)
    this_month = month_start(timezone.localdate())
    period_from = _month(request.GET.get("from"), add_months(this_month, -5))
    period_to = _month(request.GET.get("to"), this_month)
    by = "rep" if request.GET.get("by") == "rep" else "region"
    funnel = reports.funnel(user=request.user, period_from=period_from, period_to=period_to,
                            by=by)
    chart = {"steps": [str(funnel["labels"][s]) for s in reports.STEPS],
             "values": [funnel["total"][s] for s in reports.STEPS]}
    return render(request, "recruitment/report.html", {
        "funnel": funnel, "cohorts": reports.cohorts(user=request.user),
        "steps": reports.STEPS, "chart": chart, "active_nav": NAV})
