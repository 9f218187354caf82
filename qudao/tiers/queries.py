"""Reads of tiers and the dealer lifecycle, already limited to the dealers the user sees."""

import datetime
from typing import Any

from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone

from qudao.core.pagination import filters_copy
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.tiers import scoring
from qudao.tiers.choices import (
    OPEN_STATUSES,
    STAGE_BADGE,
    ActionKind,
    ActionStatus,
    Entitlement,
    Stage,
)
from qudao.tiers.filters import ActionFilter, GradeChangeFilter, SuggestionFilter
from qudao.tiers.models import (
    GradeChange,
    LifecycleAction,
    TierPolicy,
    TierReview,
    TierRule,
    TierSuggestion,
)
from qudao.tiers.services.review import last_complete_quarter, period_last_month

PANEL_ROWS = 5


def _may_view(user: Any) -> bool:
    return (user is not None and user.is_authenticated and user.is_active
            and not user.is_dealer_user and user.has_perm("tiers.view_tier"))


def rules() -> list[TierRule]:
    """The tier rules in channel-level order, each with its policies A, B, C."""
    policies: dict[str, list[TierPolicy]] = {}
    for policy in TierPolicy.objects.order_by("grade"):
        policies.setdefault(policy.channel_level, []).append(policy)
    found = list(TierRule.objects.order_by("id"))
    for rule in found:
        rule.policies = policies.get(rule.channel_level, [])
    return found


def review_list() -> QuerySet[TierReview]:
    return TierReview.objects.select_related("run_by").order_by("-period")


def suggestion_rows(user: Any) -> QuerySet[TierSuggestion]:
    if not _may_view(user):
        return TierSuggestion.objects.none()
    return dealer_rows(TierSuggestion.objects.all(), user)


def suggestion_list(*, user: Any, review: TierReview | None = None,
                    filters: Any = None) -> QuerySet[TierSuggestion]:
    """Suggestions of the user's dealers (of one review, if given), filtered; upgrades
    first, then downgrades and first grades, each by sales."""
    rows = suggestion_rows(user).select_related("dealer", "dealer__territory", "review",
                                                "decided_by")
    if review is not None:
        rows = rows.filter(review=review)
    filters = filters_copy(filters)
    rank = Case(When(direction="upgrade", then=Value(0)), When(direction="downgrade",
                                                              then=Value(1)), default=Value(2))
    return (SuggestionFilter(filters, queryset=rows).qs.annotate(rank=rank)
            .order_by("rank", "-sales", "id"))


def suggestion_get(*, user: Any, pk: int) -> TierSuggestion:
    return suggestion_rows(user).select_related("dealer", "review").get(pk=pk)


def review_counts(*, user: Any, review: TierReview) -> dict[str, int]:
    """Pending, approved and rejected suggestions of the review over the user's dealers."""
    from django.db.models import Count

    rows = (suggestion_rows(user).filter(review=review).order_by().values("status")
            .annotate(n=Count("id")))
    counts = {"pending": 0, "approved": 0, "rejected": 0}
    counts.update({row["status"]: row["n"] for row in rows})
    counts["total"] = sum(counts.values())
    return counts


def grade_change_list(*, user: Any, filters: Any = None) -> QuerySet[GradeChange]:
    """Grade changes of the user's dealers, newest first."""
    if not _may_view(user):
        return GradeChange.objects.none()
    rows = dealer_rows(GradeChange.objects.all(), user).select_related(
        "dealer", "dealer__territory", "changed_by", "suggestion__review")
    return GradeChangeFilter(filters_copy(filters), queryset=rows).qs.order_by("-changed_at",
                                                                              "-id")


def action_rows(user: Any) -> QuerySet[LifecycleAction]:
    if not _may_view(user):
        return LifecycleAction.objects.none()
    return dealer_rows(LifecycleAction.objects.all(), user)


def action_list(*, user: Any, filters: Any = None) -> QuerySet[LifecycleAction]:
    """Lifecycle actions of the user's dealers, newest first."""
    rows = action_rows(user).select_related("dealer", "dealer__territory", "proposed_by",
                                            "decided_by")
    return ActionFilter(filters_copy(filters), queryset=rows).qs.order_by("-created_at", "-id")


def action_get(*, user: Any, pk: int) -> LifecycleAction:
    """One action; LifecycleAction.DoesNotExist outside the user's scope."""
    return (action_rows(user)
            .select_related("dealer", "dealer__territory", "proposed_by", "decided_by",
                            "verdict_by", "suggestion__review", "follow_up")
            .prefetch_related("territories").get(pk=pk))


def overdue_probations(*, user: Any) -> QuerySet[LifecycleAction]:
    """Probations past their deadline without a verdict, for the managers to decide."""
    return action_rows(user).filter(kind=ActionKind.PROBATION, status=ActionStatus.OVERDUE)


def dealer_judgement(*, dealer: Dealer, last_month: datetime.date | None = None
                     ) -> scoring.Judgement | None:
    """The dealer's figures, grade by the rules and stage over the 12 months ending with
    `last_month` (default: the last complete quarter's last month)."""
    last_month = last_month or period_last_month(last_complete_quarter())
    rule = TierRule.objects.filter(channel_level=dealer.channel_level).first()
    if rule is None:
        return None
    facts = scoring.facts_by_dealer(dealer_ids=[dealer.pk], last_month=last_month)
    terminating = LifecycleAction.objects.filter(
        dealer=dealer, kind=ActionKind.TERMINATE, status=ActionStatus.PROPOSED).exists()
    info = {"id": dealer.pk, "grade": dealer.grade, "status": dealer.status,
            "channel_level": dealer.channel_level}
    return next(scoring.judge(dealers=[info], facts=facts,
                              rules={dealer.channel_level: rule.thresholds()},
                              last_month=last_month,
                              terminating={dealer.pk} if terminating else set()))


def dealer_panel(*, user: Any, dealer: Dealer) -> dict[str, Any]:
    """The dealer page's tier panel: grade and the policy of its tier, the lifecycle stage,
    sales and the cooperation score with its inputs, grade history, open actions."""
    last_month = period_last_month(last_complete_quarter())
    judgement = dealer_judgement(dealer=dealer, last_month=last_month)
    policy = (TierPolicy.objects.filter(channel_level=dealer.channel_level,
                                        grade=dealer.grade).first() if dealer.grade else None)
    first, last = scoring.window(last_month)
    actions = list(LifecycleAction.objects.filter(dealer=dealer, status__in=OPEN_STATUSES)
                   .select_related("proposed_by").order_by("-created_at")[:PANEL_ROWS])
    return {
        "dealer": dealer, "judgement": judgement, "policy": policy,
        "stage_label": Stage(judgement.stage).label if judgement else "",
        "stage_badge": STAGE_BADGE.get(judgement.stage, "") if judgement else "",
        "reasons": scoring.reasons(grade=judgement.grade, sales=judgement.sales,
                                   cooperation=judgement.cooperation,
                                   thresholds=judgement.thresholds) if judgement else [],
        "window": (first, last),
        "history": list(GradeChange.objects.filter(dealer=dealer)
                        .select_related("changed_by").order_by("-changed_at", "-id")
                        [:PANEL_ROWS]),
        "actions": actions,
        "can_propose": user.has_perm("tiers.propose_action"),
        "can_approve": user.has_perm("tiers.approve_tier"),
        "today": timezone.localdate(),
    }


def entitlement_choices() -> list[tuple[str, str]]:
    return list(Entitlement.choices)


def visible_dealer(*, user: Any, pk: int) -> Dealer:
    return visible_dealers(user).select_related("territory").get(pk=pk)
