"""Demo tiers: the review of the last complete quarter, most of its suggestions decided, and
a few lifecycle actions (a credit increase, a probation, a termination).

Runs AFTER the dealer-month facts are built (it grades on them); reads the staff from
ctx["users"] (falling back to the database) and the planted patterns from the "demo:*"
dealer tags of agreements.demo, so it also runs on a small test world:

- the sales director runs the review over every dealer; the regional managers approve
  the first grades and upgrades of their regions and about two thirds of the downgrades,
  rejecting the rest with a note (a dealer kept at its grade for a season);
- a rep proposes more credit for a dealer just upgraded to A; the director approves it
  (through finance's credit_limit_adjust);
- a rep proposes probation for a "demo:declining" dealer; its manager approves it;
- a manager proposes terminating a "demo:stopped" dealer (persistent decline); the director
  approves it (the dealer's status becomes terminated with its exit reason).

Call it after the facts: ``tiers_demo.run(scale=scale, rng=rng, ctx=ctx)``.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.dealers.choices import DealerStatus
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.tiers import services
from qudao.tiers.choices import Direction, SuggestionStatus
from qudao.tiers.models import TierSuggestion

DOWNGRADE_APPROVED = 0.66


def _user(ctx: dict[str, Any], username: str, role: str) -> User | None:
    user = ctx.get("users", {}).get(username)
    if user is None:
        user = (User.objects.filter(username=username).first()
                or User.objects.filter(role=role, is_active=True).order_by("id").first())
    return user


def _rep_of(dealer: Dealer) -> User | None:
    if dealer.assigned_rep_id and dealer.assigned_rep.is_active:
        return dealer.assigned_rep
    return next((u for u in User.objects.filter(role=Role.SALES_REP, is_active=True)
                 .order_by("id") if visible_dealers(u).filter(pk=dealer.pk).exists()), None)


def _manager_of(dealer: Dealer, fallback: User) -> User:
    for user in User.objects.filter(role=Role.REGIONAL_MANAGER, is_active=True).order_by("id"):
        if visible_dealers(user).filter(pk=dealer.pk).exists():
            return user
    return fallback


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Run and decide the last quarter's tier review; propose and approve a few actions."""
    director = _user(ctx, "director", Role.SALES_DIRECTOR)
    if director is None or not Dealer.objects.exists():
        return
    review = services.review_start(actor=director, period=services.last_complete_quarter(),
                                   run_now=True)
    managers: dict[int, User] = {}
    pending = (TierSuggestion.objects.filter(review=review, status=SuggestionStatus.PENDING)
               .select_related("dealer", "review").order_by("id"))
    for suggestion in pending:
        manager = managers.get(suggestion.dealer.territory_id)
        if manager is None:
            manager = managers[suggestion.dealer.territory_id] = _manager_of(
                suggestion.dealer, director)
        if suggestion.direction == Direction.DOWNGRADE and rng.random() > DOWNGRADE_APPROVED:
            services.suggestion_decide(actor=manager, suggestion=suggestion, decision="reject",
                                       note="旺季前暂不降级，下季度复评")
        else:
            services.suggestion_decide(actor=manager, suggestion=suggestion,
                                       decision="approve", note="同意")
    _credit_increase(review, director)
    _probation(director)
    _termination(director)


def _credit_increase(review: Any, director: User) -> None:
    upgraded = (TierSuggestion.objects.filter(review=review, suggested_grade="A",
                                              status=SuggestionStatus.APPROVED,
                                              dealer__status=DealerStatus.ACTIVE)
                .select_related("dealer", "dealer__assigned_rep").order_by("-sales").first())
    if upgraded is None:
        return
    dealer = upgraded.dealer
    proposer = _rep_of(dealer) or _manager_of(dealer, director)
    if proposer == director:
        return
    current = services.credit_limit(dealer)
    new = max(current * Decimal("1.3"), current + Decimal("100000")).quantize(Decimal("10000"))
    action = services.action_propose(
        actor=proposer, dealer=dealer, kind="grow_credit", suggestion=upgraded,
        values={"reason": "升A级，近12个月回款及时，旺季备货需要更高授信",
                "new_credit_limit": new})
    services.action_decide(actor=director, action=action, decision="approve",
                           note="按A级政策提高授信")


def _tagged(tag: str) -> Dealer | None:
    return (Dealer.objects.filter(tags__name=tag, status=DealerStatus.ACTIVE)
            .select_related("assigned_rep").order_by("code").first())


def _probation(director: User) -> None:
    dealer = _tagged("demo:declining")
    if dealer is None:
        return
    proposer = _rep_of(dealer)
    manager = _manager_of(dealer, director)
    if proposer is None or proposer == manager:
        return
    action = services.action_propose(
        actor=proposer, dealer=dealer, kind="probation",
        values={"reason": "连续两个季度销量下滑，库存周转变慢",
                "conditions": "90天内月进货恢复到去年同期水平，每月按时提报库存",
                "deadline": timezone.localdate() + datetime.timedelta(days=90)})
    services.action_decide(actor=manager, action=action, decision="approve",
                           note="进入考察期，业务员每两周拜访")


def _termination(director: User) -> None:
    dealer = _tagged("demo:stopped")
    if dealer is None:
        return
    manager = _manager_of(dealer, director)
    if manager == director:
        return
    action = services.action_propose(
        actor=manager, dealer=dealer, kind="terminate",
        values={"reason": "连续数月无进货，多次拜访无改善，清理渠道成员",
                "termination_reason": "decline"})
    services.action_decide(actor=director, action=action, decision="approve",
                           note="同意淘汰，收回库存与门头")
