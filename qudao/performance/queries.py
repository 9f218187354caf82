"""Reads of channel performance, already scoped to the user: channel expenses, market
sizes, and the dealers' ratings of reps (each dealer's for managers, averages for the rep)."""

from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from qudao.accounts.models import User
from qudao.core.pagination import filters_copy
from qudao.dealers.scoping import dealer_rows, visible_territories
from qudao.performance.filters import ExpenseFilter
from qudao.performance.models import ChannelExpense, MarketSize, RepRating
from qudao.performance.periods import Period, quarter_start

# The rep sees his averages only once this many dealers rated him: with one rating the
# average would be that dealer's own answer.
ANONYMOUS_MIN = 2


def _in_territories(rows: QuerySet, user: Any) -> QuerySet:
    if user.sees_all_dealers:
        return rows
    if user.is_dealer_user:
        return rows.none()
    return rows.filter(territory__in=visible_territories(user))


def expense_list(*, user: Any, filters: Any = None) -> QuerySet[ChannelExpense]:
    """Channel expenses of the user's territories, newest month first, filtered."""
    expenses = _in_territories(ChannelExpense.objects.select_related("territory",
                                                                     "created_by"), user)
    return ExpenseFilter(filters_copy(filters), queryset=expenses).qs


def expense_get(*, user: Any, pk: int) -> ChannelExpense:
    return expense_list(user=user).get(pk=pk)


def market_size_list(*, user: Any, year: int | None = None) -> QuerySet[MarketSize]:
    sizes = _in_territories(MarketSize.objects.select_related("territory", "updated_by"), user)
    if year:
        sizes = sizes.filter(year=year)
    return sizes.order_by("-year", "territory__path")


def may_see_rating_details(user: Any) -> bool:
    """Managers and HQ (who read performance) see which dealer said what, in scope."""
    return (not user.is_dealer_user and user.role != "sales_rep"
            and user.has_perm("performance.view_performance"))


def rating_details(*, user: Any, rep: User, period: Period) -> list[RepRating]:
    """Each dealer's rating of the rep in the period's quarters, for managers of the
    dealers' regions; nothing for anyone else (the rep himself included)."""
    if not may_see_rating_details(user):
        return []
    return list(dealer_rows(RepRating.objects.filter(rep=rep, quarter__in=period.quarters),
                            user).select_related("dealer").order_by("-quarter", "dealer__code"))


def rating_summary(*, user: Any, rep: User, period: Period) -> dict[str, Any]:
    """The rep's average scores over the period's quarters. The rep himself gets them only
    from ANONYMOUS_MIN ratings on, never the dealers' names or comments."""
    ratings = RepRating.objects.filter(rep=rep, quarter__in=period.quarters)
    if not (user.pk == rep.pk and not may_see_rating_details(user)):
        ratings = dealer_rows(ratings, user)
    summary = ratings.aggregate(count=Count("id"), responsiveness=Avg("responsiveness"),
                                professionalism=Avg("professionalism"),
                                sales_help=Avg("sales_help"))
    hidden = user.pk == rep.pk and summary["count"] < ANONYMOUS_MIN
    if hidden:
        summary.update(responsiveness=None, professionalism=None, sales_help=None)
    summary["hidden"] = hidden
    return summary


def my_rating(*, user: Any) -> dict[str, Any]:
    """The portal: the dealer's rep and the rating it gave him this quarter, if any."""
    dealer = user.dealer
    quarter = quarter_start(timezone.localdate())
    rep = dealer.assigned_rep if dealer else None
    rating = (RepRating.objects.filter(dealer=dealer, rep=rep, quarter=quarter).first()
              if rep else None)
    past = (RepRating.objects.filter(dealer=dealer).exclude(Q(quarter=quarter) & Q(rep=rep))
            .select_related("rep").order_by("-quarter")[:8]) if dealer else []
    return {"dealer": dealer, "rep": rep, "quarter": quarter, "rating": rating,
            "past": list(past)}


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    """The dealer page's panel for managers: how the dealer rated its reps, last quarters
    first (the caller has checked the dealer is visible)."""
    ratings = []
    if may_see_rating_details(user):
        ratings = list(RepRating.objects.filter(dealer=dealer).select_related("rep")
                       .order_by("-quarter")[:4])
    return {"dealer": dealer, "ratings": ratings}
