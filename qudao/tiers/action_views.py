"""Pages of lifecycle actions (list with export, detail with the decision and the probation
verdict, the proposal form), the grade history with export, and the tier report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.core.views import list_render
from qudao.dealers.models import Dealer
from qudao.tiers import excel, queries, reports, services
from qudao.tiers.choices import ActionKind, ActionStatus
from qudao.tiers.filters import ActionFilter, GradeChangeFilter
from qudao.tiers.forms import ActionForm, DecideForm, VerdictForm, region_choices
from qudao.tiers.models import GradeChange, LifecycleAction
from qudao.tiers.views import EXPORT_LIMIT, NAV, form_errors


def _action(request, pk: int) -> LifecycleAction:
    try:
        return queries.action_get(user=request.user, pk=pk)
    except LifecycleAction.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def action_list(request):
    """Lifecycle actions of the user's dealers, filtered by action, status and region."""
    page = paginate(request, queries.action_list(user=request.user, filters=request.GET))
    context = {"page": page, "regions": region_choices(request.user),
               "filter_form": ActionFilter(request.GET or None,
                                           queryset=LifecycleAction.objects.none()).form,
               "overdue": queries.overdue_probations(user=request.user).count(),
               "active_nav": NAV}
    return list_render(request, context, template="tiers/action_list.html",
                       partial="tiers/_action_results.html")


@login_required
@permission_required("tiers.export_tier", raise_exception=True)
def action_export(request):
    rows = queries.action_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="lifecycle-actions", columns=excel.ACTION_COLUMNS,
                           rows=(excel.action_row(a) for a in rows.iterator(chunk_size=2000)))


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def action_detail(request, pk: int):
    action = _action(request, pk)
    user = request.user
    context = {
        "action": action, "decide_form": DecideForm(), "verdict_form": VerdictForm(),
        "can_decide": (user.has_perm("tiers.approve_tier")
                       and action.status == ActionStatus.PROPOSED),
        "own": action.proposed_by_id == user.pk,
        "can_verdict": user.has_perm("tiers.approve_tier") and action.is_probation_running,
        "territories": list(action.territories.all()), "active_nav": NAV,
    }
    return render(request, "tiers/action_detail.html", context)


@login_required
@require_POST
@permission_required("tiers.approve_tier", raise_exception=True)
def action_decide(request, pk: int):
    action = _action(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or reject the action."))
        return redirect("tiers:action_detail", pk=action.pk)
    try:
        services.action_decide(actor=request.user, action=action,
                               decision=form.cleaned_data["decision"],
                               note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Action approved.") if form.cleaned_data["decision"]
                         == "approve" else _("Action rejected."))
    return redirect("tiers:action_detail", pk=action.pk)


@login_required
@require_POST
@permission_required("tiers.approve_tier", raise_exception=True)
def action_verdict(request, pk: int):
    action = _action(request, pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Passed or failed?"))
        return redirect("tiers:action_detail", pk=action.pk)
    try:
        action = services.probation_verdict(
            actor=request.user, action=action, verdict=form.cleaned_data["verdict"],
            note=form.cleaned_data["note"],
            termination_reason=form.cleaned_data["termination_reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Verdict recorded."))
        if action.follow_up_id:
            return redirect("tiers:action_detail", pk=action.follow_up_id)
    return redirect("tiers:action_detail", pk=action.pk)


@login_required
@permission_required("tiers.propose_action", raise_exception=True)
def action_add(request, pk: int):
    """Propose a lifecycle action for a dealer (from its tier panel or a suggestion)."""
    try:
        dealer = queries.visible_dealer(user=request.user, pk=pk)
    except Dealer.DoesNotExist:
        raise Http404 from None
    suggestion = None
    if request.GET.get("suggestion", "").isdigit():
        suggestion = queries.suggestion_rows(request.user).filter(
            pk=int(request.GET["suggestion"]), dealer=dealer).first()
    initial = {"kind": request.GET.get("kind") or ActionKind.KEEP,
               "new_credit_limit": services.credit_limit(dealer)}
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_propose(actor=request.user, dealer=dealer,
                                             kind=form.cleaned_data["kind"],
                                             values=form.cleaned_data, suggestion=suggestion)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Proposed: another manager approves it."))
            return redirect("tiers:action_detail", pk=action.pk)
    judgement = queries.dealer_judgement(dealer=dealer)
    return render(request, "tiers/action_form.html", {
        "form": form, "dealer": dealer, "suggestion": suggestion, "judgement": judgement,
        "credit_limit": services.credit_limit(dealer), "active_nav": NAV})


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def history_list(request):
    """Grade changes of the user's dealers, newest first, filtered."""
    page = paginate(request, queries.grade_change_list(user=request.user, filters=request.GET))
    context = {"page": page, "regions": region_choices(request.user),
               "filter_form": GradeChangeFilter(request.GET or None,
                                                queryset=GradeChange.objects.none()).form,
               "active_nav": NAV}
    return list_render(request, context, template="tiers/history_list.html",
                       partial="tiers/_history_results.html")


@login_required
@permission_required("tiers.export_tier", raise_exception=True)
def history_export(request):
    rows = queries.grade_change_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="grade-changes", columns=excel.GRADE_CHANGE_COLUMNS,
                           rows=(excel.grade_change_row(c) for c in rows.iterator(
                               chunk_size=2000)))


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def report(request):
    """Attrition by quarter, region and reason; grades per region and level; movements."""
    context = {"attrition": reports.attrition(user=request.user),
               "distribution": reports.distribution(user=request.user),
               "movements": reports.movements(user=request.user), "active_nav": NAV}
    return render(request, "tiers/report.html", context)


