"""Which regions a user may evaluate, and the dealers and reps of one.

A region is a territory subtree (a 大区, a province or a city). Company-wide roles may also
take the whole company (no region); a regional manager only the nodes at or below the ones
he covers, so his report and ranking never reach beyond his territories. Dealers are
always taken through the scoping function as well.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import covered_paths, visible_dealers, visible_territories
from qudao.territories.models import Territory

# Regions offered by the selector: 大区, provinces and cities (tree depth 1 to 3).
MAX_DEPTH = 3


def region_choices(user: Any) -> list[Territory]:
    """The nodes the user may pick, in tree order."""
    return list(visible_territories(user).filter(depth__lte=MAX_DEPTH).order_by("path"))


def may_see_company(user: Any) -> bool:
    return bool(getattr(user, "sees_all_dealers", False))


def region_get(user: Any, value: object) -> Territory | None:
    """The region picked (None: the whole company). An empty value is the company for
    company-wide roles and the first node a manager covers; a node outside the user's
    territories answers 404."""
    text = str(value or "").strip()
    if not text:
        if may_see_company(user):
            return None
        paths = sorted(covered_paths(user))
        node = Territory.objects.filter(path__in=paths[:1]).first()
        if node is None:
            raise Http404(_("You cover no region."))
        return node
    if not text.isdigit():
        raise Http404(_("Unknown region."))
    node = visible_territories(user).filter(pk=int(text)).first()
    if node is None:
        raise Http404(_("Unknown region."))
    return node


def region_label(region: Territory | None) -> str:
    return region.display_name if region is not None else _("Whole company")


def region_dealers(user: Any, region: Territory | None) -> QuerySet[Dealer]:
    """Dealers of the region the user may see."""
    dealers = visible_dealers(user)
    if region is not None:
        dealers = dealers.filter(territory__path__startswith=region.path)
    return dealers


def region_dealer_filter(user: Any, region: Territory | None, field: str = "dealer") -> Q:
    """A condition on rows that belong to a dealer through `field`: the dealer is in the
    region and visible to the user (no condition for the whole company seen by HQ)."""
    condition = Q()
    if region is not None:
        condition &= Q(**{f"{field}__territory__path__startswith": region.path})
    if not may_see_company(user):
        condition &= Q(**{f"{field}__in": visible_dealers(user)})
    return condition


def region_reps(user: Any, region: Territory | None) -> QuerySet[User]:
    """Active sales reps of the region: those covering a node in it (or above it) and
    those with a dealer of it assigned by name."""
    reps = User.objects.filter(is_active=True, role=Role.SALES_REP)
    if region is None and may_see_company(user):
        return reps
    dealers = region_dealers(user, region)
    covering = Q(pk__in=[])
    if region is not None:
        covering = Q(territory_assignments__territory__path__startswith=region.path)
        for depth in range(1, region.depth):
            covering |= Q(territory_assignments__territory__path=region.path[
                :Territory.steplen * depth])
    else:
        for path in covered_paths(user):
            covering |= Q(territory_assignments__territory__path__startswith=path)
    ids = reps.filter(covering | Q(assigned_dealers__in=dealers)).values("pk")
    if getattr(user, "role", None) == Role.SALES_REP:
        return reps.filter(pk=user.pk)
    return reps.filter(pk__in=ids)
