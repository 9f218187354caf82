"""The one scoping function: which dealers (and so whose data) a user may see.

Every page and API query that returns dealer data starts from `visible_dealers(user)`:
company-wide roles see every dealer; regional managers and reps see the dealers in the
territory subtrees they cover (a rep also sees the dealers assigned to him by name);
dealer users see their own dealer only; anyone else sees nothing.
"""

from typing import Any

from django.db.models import Q, QuerySet

from qudao.dealers.models import Dealer
from qudao.territories.models import Territory


def covered_paths(user: Any) -> list[str]:
    """Tree paths of the territory nodes the user covers, cached on the user for the request."""
    cached = getattr(user, "_qudao_covered_paths", None)
    if cached is None:
        cached = list(
            Territory.objects.filter(assignments__user=user).values_list("path", flat=True)
        )
        user._qudao_covered_paths = cached
    return cached


def _under(paths: list[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def visible_dealers(user: Any) -> QuerySet[Dealer]:
    """Dealers the user may see; every other dealer answers 404 to them."""
    dealers = Dealer.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return dealers.none()
    if user.sees_all_dealers:
        return dealers
    if user.is_dealer_user:
        return dealers.filter(pk=user.dealer_id) if user.dealer_id else dealers.none()
    if user.is_territory_user:
        condition = _under(covered_paths(user), "territory__path")
        if user.role == "sales_rep":
            condition |= Q(assigned_rep=user)
        return dealers.filter(condition)
    return dealers.none()


def visible_territories(user: Any) -> QuerySet[Territory]:
    """Territory nodes the user may see and file dealers under: his subtrees, or all of them."""
    territories = Territory.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return territories.none()
    if user.sees_all_dealers:
        return territories
    if user.is_territory_user:
        return territories.filter(_under(covered_paths(user), "path"))
    return territories.none()


def visible_staff(user: Any) -> QuerySet:
    """Staff a user may pick as a dealer's rep: everyone for company-wide roles, else his area."""
    from qudao.accounts.models import User

    staff = User.objects.filter(is_active=True, role="sales_rep")
    if user.sees_all_dealers:
        return staff
    if user.is_territory_user:
        paths = covered_paths(user)
        if user.role == "sales_rep":
            return staff.filter(pk=user.pk)
        return staff.filter(_under(paths, "territory_assignments__territory__path")).distinct()
    return staff.none()


def dealer_rows(queryset: QuerySet, user: Any, field: str = "dealer") -> QuerySet:
    """`queryset` (rows that belong to a dealer through `field`) limited to the dealers the
    user may see. For users who see every dealer no condition is added: "dealer in all
    dealers" filters nothing out and doubles the cost of counting millions of orders."""
    if (user is not None and user.is_authenticated and user.is_active
            and user.sees_all_dealers):
        return queryset
    return queryset.filter(**{f"{field}__in": visible_dealers(user)})
