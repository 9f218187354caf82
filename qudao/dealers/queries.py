"""Reads of dealers, each starting from the user's scope."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Substr

from qudao.core import audit
from qudao.core.pagination import filters_copy
from qudao.dealers.filters import DealerFilter
from qudao.dealers.models import Contact, Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.territories.models import Territory

LIST_FIELDS = [
    "id", "code", "name", "short_name", "channel_level", "status", "grade", "phone",
    "created_at", "territory__name", "territory__name_en", "assigned_rep__full_name",
    "assigned_rep__username", "parent__name", "parent__code",
]


def dealer_list(*, user: Any, filters: dict | None = None) -> QuerySet[Dealer]:
    """Dealers the user may see, filtered and sorted as asked, with what the list shows."""
    dealers = visible_dealers(user).select_related("territory", "assigned_rep", "parent")
    dealers = dealers.only(*[f for f in LIST_FIELDS if f != "id"])
    data = filters_copy(filters)
    data.setdefault("sort", "code")
    return DealerFilter(data, queryset=dealers).qs


def dealer_get(*, user: Any, pk: int) -> Dealer:
    """One visible dealer with its related rows; Dealer.DoesNotExist if not visible."""
    return (
        visible_dealers(user)
        .select_related("territory", "assigned_rep", "parent", "parent__territory", "created_by")
        .prefetch_related("tags", Prefetch("contacts", queryset=Contact.objects.all()))
        .get(pk=pk)
    )


def dealer_children(*, user: Any, dealer: Dealer) -> QuerySet[Dealer]:
    """Visible dealers directly under `dealer` in the network."""
    return (visible_dealers(user).filter(parent=dealer).select_related("territory")
            .order_by("channel_level", "code"))


def dealer_history(*, dealer: Dealer) -> QuerySet:
    """The dealer's change history (its own and its contacts'), newest first."""
    return audit.history(dealer)


def counts_cube(*, user: Any) -> list[dict[str, Any]]:
    """Visible dealers counted by status, grade, channel level and 大区 path, in one GROUP BY."""
    return list(
        visible_dealers(user).order_by()
        .annotate(region=Substr("territory__path", 1, Territory.steplen))
        .values("status", "grade", "channel_level", "region").annotate(n=Count("id"))
    )


def region_names(paths: list[str]) -> dict[str, str]:
    """Display names of top-level territories by tree path."""
    return {root.path: root.display_name
            for root in Territory.objects.filter(depth=1, path__in=paths)}


def contact_get(*, user: Any, pk: int) -> Contact:
    """One contact of a visible dealer; Http404 otherwise."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Contact.objects.filter(dealer__in=visible_dealers(user)).select_related("dealer"), pk=pk)


def dealer_references(*, territory_id: int | None, parent_id: int | None,
                      rep_id: int | None) -> dict[str, Any]:
    """The region, parent dealer and rep an API write names by id (None when unknown).

    Not scoped here on purpose: the dealer services refuse an out-of-scope region, parent
    or rep with their own message, which an "unknown" would hide.
    """
    from qudao.accounts.models import User

    return {
        "territory": Territory.objects.filter(pk=territory_id).first() if territory_id else None,
        "parent": Dealer.objects.filter(pk=parent_id).first() if parent_id else None,
        "assigned_rep": User.objects.filter(pk=rep_id).first() if rep_id else None,
    }
