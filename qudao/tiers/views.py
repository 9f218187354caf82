"""Tier pages: the reviews, one quarter's review (run it with progress, decide its
suggestions one by one or in bulk, export), the rules and policies, a manual grade change.
Lifecycle actions, the grade history and the report are in action_views."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.core.views import list_render
from qudao.dealers.choices import ChannelLevel
from qudao.dealers.models import Dealer
from qudao.tiers import excel, queries, scoring, services
from qudao.tiers.choices import GRADES, STAGE_ACTIONS, Stage, SuggestionStatus
from qudao.tiers.filters import SuggestionFilter
from qudao.tiers.forms import (
    BulkDecideForm,
    DecideForm,
    GradeForm,
    PolicyForm,
    RuleForm,
    RunReviewForm,
    region_choices,
)
from qudao.tiers.models import TierPolicy, TierReview, TierRule, TierSuggestion

NAV = "tiers"
EXPORT_LIMIT = 100_000


def form_errors(form: Any, exc: DomainError) -> None:
    """A service's errors on the form: on the field they name, else above the form."""
    errors = getattr(exc, "errors", None) or {}
    if not errors:
        form.add_error(None, exc.message)
    for name, why in errors.items():
        form.add_error(name if name in form.fields else None, why)


def _review(period: str) -> TierReview:
    try:
        return TierReview.objects.select_related("run_by").get(
            period=services.period_parse(period))
    except (TierReview.DoesNotExist, DomainError):
        raise Http404 from None


def _back(request, review: TierReview) -> Any:
    url = reverse("tiers:review_detail", args=[review.label])
    query = request.POST.get("back") or ""
    return redirect(f"{url}?{query}" if query else url)


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def review_list(request):
    """The reviews run so far, and (managers) running the review of a quarter."""
    form = RunReviewForm(request.POST or None,
                         initial={"period": TierReview(
                             period=services.last_complete_quarter()).label})
    if request.method == "POST":
        if not request.user.has_perm("tiers.approve_tier"):
            raise Http404
        if form.is_valid():
            try:
                review = services.review_start(
                    actor=request.user, period=services.period_parse(form.cleaned_data["period"]))
            except DomainError as exc:
                form_errors(form, exc)
            else:
                return redirect("tiers:review_detail", period=review.label)
    context = {"reviews": paginate(request, queries.review_list()), "form": form,
               "overdue": queries.overdue_probations(user=request.user).count(),
               "active_nav": NAV}
    return render(request, "tiers/review_list.html", context)


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def review_detail(request, period: str):
    """One quarter's review: its progress, and the suggestions of the user's dealers
    (pending by default), filtered by region, level and direction."""
    review = _review(period)
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = SuggestionStatus.PENDING
    page = paginate(request, queries.suggestion_list(user=request.user, review=review,
                                                     filters=params))
    context = {
        "review": review, "page": page,
        "counts": queries.review_counts(user=request.user, review=review),
        "filter_form": SuggestionFilter(params, queryset=TierSuggestion.objects.none()).form,
        "regions": region_choices(request.user), "status": params["status"],
        "can_decide": request.user.has_perm("tiers.approve_tier"),
        "stages": dict(Stage.choices), "active_nav": NAV,
    }
    return list_render(request, context, template="tiers/review_detail.html",
                       partial="tiers/_suggestion_results.html")


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def review_status(request, period: str):
    """The progress block, polled every second while the review runs."""
    return render(request, "tiers/_review_status.html", {"review": _review(period)})


@login_required
@permission_required("tiers.export_tier", raise_exception=True)
def review_export(request, period: str):
    review = _review(period)
    rows = queries.suggestion_list(user=request.user, review=review,
                                   filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename=f"tier-review-{review.label}",
                           columns=excel.SUGGESTION_COLUMNS,
                           rows=(excel.suggestion_row(s) for s in rows.iterator(
                               chunk_size=2000)))


@login_required
@require_POST
@permission_required("tiers.approve_tier", raise_exception=True)
def suggestion_decide(request, pk: int):
    try:
        suggestion = queries.suggestion_get(user=request.user, pk=pk)
    except TierSuggestion.DoesNotExist:
        raise Http404 from None
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or reject the suggestion."))
        return _back(request, suggestion.review)
    try:
        services.suggestion_decide(actor=request.user, suggestion=suggestion,
                                   decision=form.cleaned_data["decision"],
                                   note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = (_("%(dealer)s is now grade %(grade)s.") if form.cleaned_data["decision"]
                == "approve" else _("Suggestion for %(dealer)s rejected; grade kept."))
        messages.success(request, done % {"dealer": suggestion.dealer.name,
                                          "grade": suggestion.suggested_grade})
    return _back(request, suggestion.review)


@login_required
@require_POST
@permission_required("tiers.approve_tier", raise_exception=True)
def suggestions_bulk(request, period: str):
    """Approve or reject the ticked suggestions at once (the page asks to confirm)."""
    review = _review(period)
    form = BulkDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(request, review)
    chosen = queries.suggestion_rows(request.user).filter(
        review=review, pk__in=form.cleaned_data["ids"]).select_related("dealer", "review")
    try:
        count = services.suggestions_decide(actor=request.user, suggestions=list(chosen),
                                            decision=form.cleaned_data["decision"],
                                            note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d suggestions decided.") % {"n": count})
    return _back(request, review)


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
def rules(request):
    """The tier rules per channel level, the policies per tier, how cooperation is scored
    and the lifecycle stages with their actions."""
    context = {"rules": queries.rules(), "stages": [
        (Stage(code).label, STAGE_ACTIONS[code][0], STAGE_ACTIONS[code][1])
        for code in Stage.values], "doc": scoring.__doc__, "active_nav": NAV}
    return render(request, "tiers/rules.html", context)


@login_required
@permission_required("tiers.change_rule", raise_exception=True)
def rule_edit(request, level: str):
    """Head office: the thresholds of a channel level and its three tiers' policies."""
    if level not in ChannelLevel.values:
        raise Http404
    rule = TierRule.objects.filter(channel_level=level).first()
    policies = {p.grade: p for p in TierPolicy.objects.filter(channel_level=level)}
    data = request.POST or None
    form = RuleForm(data, initial=rule.thresholds() if rule else None)
    policy_forms = [(grade, PolicyForm(data, prefix=grade, initial={
        "visit_every_days": policies[grade].visit_every_days,
        "entitlements": policies[grade].entitlements,
        "nurturing": policies[grade].nurturing} if grade in policies else None))
        for grade in GRADES]
    if request.method == "POST" and form.is_valid() and all(f.is_valid()
                                                            for _g, f in policy_forms):
        try:
            with transaction.atomic():  # the thresholds and the policies, all or nothing
                services.rule_save(actor=request.user, channel_level=level,
                                   values=form.cleaned_data)
                for grade, policy_form in policy_forms:
                    services.policy_save(actor=request.user, channel_level=level, grade=grade,
                                         values=policy_form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Tier rule of %(level)s saved.") % {
                "level": ChannelLevel(level).label})
            return redirect("tiers:rules")
    return render(request, "tiers/rule_form.html", {
        "form": form, "policy_forms": policy_forms, "level": ChannelLevel(level).label,
        "active_nav": NAV})


@login_required
@permission_required("tiers.approve_tier", raise_exception=True)
def grade_edit(request, pk: int):
    """Change a dealer's grade by hand, with the reason."""
    try:
        dealer = queries.visible_dealer(user=request.user, pk=pk)
    except Dealer.DoesNotExist:
        raise Http404 from None
    form = GradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_change(actor=request.user, dealer=dealer,
                                  to_grade=form.cleaned_data["to_grade"],
                                  reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(dealer)s is now grade %(grade)s.") % {
                "dealer": dealer.name, "grade": form.cleaned_data["to_grade"]})
            return redirect("dealers:dealer_detail", pk=dealer.pk)
    return render(request, "tiers/grade_form.html", {"form": form, "dealer": dealer,
                                                     "active_nav": NAV})
