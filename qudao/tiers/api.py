"""API of tiers: thin handlers over queries and services. Suggestions, grade changes and
lifecycle actions belong to a dealer: another dealer's answers 404."""

from django.http import Http404
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers.models import Dealer
from qudao.territories.models import Territory
from qudao.tiers import queries, scoring, services
from qudao.tiers.exceptions import ActionInvalid
from qudao.tiers.models import LifecycleAction, TierSuggestion
from qudao.tiers.schemas import (
    ActionIn,
    ActionOut,
    ActionQuery,
    DealerTierOut,
    DecideIn,
    GradeChangeOut,
    RuleOut,
    SuggestionOut,
    SuggestionQuery,
    VerdictIn,
)

router = Router(tags=["Tiers and dealer lifecycle"])


def _dealer(request, dealer_id: int) -> Dealer:
    try:
        return queries.visible_dealer(user=request.user, pk=dealer_id)
    except Dealer.DoesNotExist:
        raise Http404 from None


def _suggestion(request, suggestion_id: int) -> TierSuggestion:
    try:
        return queries.suggestion_get(user=request.user, pk=suggestion_id)
    except TierSuggestion.DoesNotExist:
        raise Http404 from None


def _action(request, action_id: int) -> LifecycleAction:
    try:
        return queries.action_get(user=request.user, pk=action_id)
    except LifecycleAction.DoesNotExist:
        raise Http404 from None


@router.get("/tier-rules", response=list[RuleOut])
def rule_list(request):
    """The tier thresholds per channel level with the policies of tiers A, B and C."""
    require(request, "tiers.view_tier")
    return queries.rules()


@router.get("/tier-suggestions", response=list[SuggestionOut])
@paginate(PageNumberPagination)
def suggestion_list(request, filters: Query[SuggestionQuery]):
    """Suggestions of the tier reviews for the caller's dealers (one quarter with
    `period`), with their figures and reasons."""
    require(request, "tiers.view_tier")
    data = filters.dict(exclude_none=True)
    review = None
    if "period" in data:
        period = services.period_parse(data.pop("period"))
        review = queries.review_list().filter(period=period).first()
        if review is None:
            return TierSuggestion.objects.none()
    return queries.suggestion_list(user=request.user, review=review, filters=data)


@router.post("/tier-suggestions/{suggestion_id}/decide", response=SuggestionOut)
def suggestion_decide(request, suggestion_id: int, payload: DecideIn):
    """Approve (the dealer gets the grade) or reject a suggestion, with a note."""
    require(request, "tiers.approve_tier")
    suggestion = _suggestion(request, suggestion_id)
    services.suggestion_decide(actor=request.user, suggestion=suggestion,
                               decision=payload.decision, note=payload.note)
    return _suggestion(request, suggestion_id)


@router.get("/grade-changes", response=list[GradeChangeOut])
@paginate(PageNumberPagination)
def grade_change_list(request, dealer: int | None = None, direction: str | None = None):
    """Grade changes of the caller's dealers, newest first."""
    require(request, "tiers.view_tier")
    filters = {k: v for k, v in {"dealer": dealer, "direction": direction}.items() if v}
    return queries.grade_change_list(user=request.user, filters=filters)


@router.get("/dealers/{dealer_id}/tier", response=DealerTierOut)
def dealer_tier(request, dealer_id: int):
    """A dealer's grade, the grade the rules give it, its lifecycle stage, and the sales and
    cooperation score (with its parts) of the last complete quarter's 12 months."""
    require(request, "tiers.view_tier")
    dealer = _dealer(request, dealer_id)
    panel = queries.dealer_panel(user=request.user, dealer=dealer)
    judgement = panel["judgement"]
    if judgement is None:
        raise Http404
    return {"dealer_id": dealer.pk, "grade": dealer.grade, "grade_by_rules": judgement.grade,
            "stage": judgement.stage, "sales": judgement.sales,
            "cooperation": judgement.cooperation, "parts": scoring.plain(judgement.parts),
            "reasons": panel["reasons"], "window_start": panel["window"][0],
            "window_end": panel["window"][1]}


@router.get("/lifecycle-actions", response=list[ActionOut])
@paginate(PageNumberPagination)
def action_list(request, filters: Query[ActionQuery]):
    """Lifecycle actions of the caller's dealers, newest first."""
    require(request, "tiers.view_tier")
    return (queries.action_list(user=request.user, filters=filters.dict(exclude_none=True))
            .prefetch_related("territories"))


@router.post("/lifecycle-actions", response={201: ActionOut})
def action_create(request, payload: ActionIn):
    """Propose a lifecycle action for a dealer of the caller's scope."""
    require(request, "tiers.propose_action")
    dealer = _dealer(request, payload.dealer_id)
    values = payload.dict()
    territories = list(Territory.objects.filter(pk__in=payload.territory_ids))
    if len(territories) != len(set(payload.territory_ids)):
        raise ActionInvalid({"territory_ids": "No territory with some of these ids."})
    values["territories"] = territories
    suggestion = None
    if payload.suggestion_id:
        suggestion = queries.suggestion_rows(request.user).filter(
            pk=payload.suggestion_id).first()
    action = services.action_propose(actor=request.user, dealer=dealer, kind=payload.kind,
                                     values=values, suggestion=suggestion)
    return Status(201, _action(request, action.pk))


@router.get("/lifecycle-actions/{action_id}", response=ActionOut)
def action_detail(request, action_id: int):
    require(request, "tiers.view_tier")
    return _action(request, action_id)


@router.post("/lifecycle-actions/{action_id}/decide", response=ActionOut)
def action_decide(request, action_id: int, payload: DecideIn):
    """Approve (applying it) or reject a proposed action; not the proposer's own."""
    require(request, "tiers.approve_tier")
    action = _action(request, action_id)
    services.action_decide(actor=request.user, action=action, decision=payload.decision,
                           note=payload.note)
    return _action(request, action_id)


@router.post("/lifecycle-actions/{action_id}/verdict", response=ActionOut)
def action_verdict(request, action_id: int, payload: VerdictIn):
    """End a running probation: passed (back to active) or failed (termination proposed)."""
    require(request, "tiers.approve_tier")
    action = _action(request, action_id)
    services.probation_verdict(actor=request.user, action=action, verdict=payload.verdict,
                               note=payload.note, termination_reason=payload.termination_reason)
    return _action(request, action_id)
