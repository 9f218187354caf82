"""Access-matrix entries of the tiers routes (see tests/api/test_access_matrix.py).

Suggestions, grade changes and lifecycle actions belong to a dealer: staff who may see tiers
see those of the dealers they see, dealers none (403). The rules are the company's; a
dealer's tier figures (/api/dealers/{id}/tier) answer 403 to roles without tiers and are
checked persona by persona in tests/tiers/test_api.py.
"""

from qudao.dealers.models import Dealer
from qudao.tiers.models import LifecycleAction, TierSuggestion
from tests.tiers.factories import review_make


def _suggestions(world) -> dict:
    """One pending upgrade suggestion per dealer of the world, in the last quarter's
    review (written directly: no audit events); the same ones when asked again."""
    review = review_make()
    return {dealer.code: TierSuggestion.objects.get_or_create(
        review=review, dealer=dealer, defaults={
            "current_grade": "B", "suggested_grade": "A", "direction": "upgrade",
            "sales": "3500000", "cooperation": "85.0", "stage": "stable",
            "thresholds": {"a_volume": "3000000", "a_cooperation": 80,
                           "b_volume": "1000000", "b_cooperation": 60}})[0].pk
        for dealer in Dealer.objects.all()}


def _actions(world) -> dict:
    """One proposed "keep" action per dealer of the world."""
    return {dealer.code: LifecycleAction.objects.get_or_create(
        dealer=dealer, kind="keep", status="proposed",
        defaults={"reason": "矩阵：维持现状"})[0].pk
        for dealer in Dealer.objects.all()}


ROUTES: dict = {
    ("get", "/api/tier-rules"): "company_wide",
    ("get", "/api/tier-suggestions"): "scoped_list",
    ("post", "/api/tier-suggestions/{suggestion_id}/decide"): "tiersuggestion_write",
    ("get", "/api/grade-changes"): "scoped_list",
    ("get", "/api/dealers/{dealer_id}/tier"): "self",
    ("get", "/api/lifecycle-actions"): "scoped_list",
    ("post", "/api/lifecycle-actions"): "create",
    ("get", "/api/lifecycle-actions/{action_id}"): "lifecycleaction_read",
    ("post", "/api/lifecycle-actions/{action_id}/decide"): "lifecycleaction_write",
    ("post", "/api/lifecycle-actions/{action_id}/verdict"): "lifecycleaction_write",
}
RECORDS: dict = {"tiersuggestion": ("suggestion_id", _suggestions),
                 "lifecycleaction": ("action_id", _actions)}
