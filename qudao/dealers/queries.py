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


def counts_by(*, user: Any, field: str) -> dict[str, int]:
    """Visible dealers counted by one of their fields, in one GROUP BY."""
    rows = visible_dealers(user).order_by().values(field).annotate(n=Count("id"))
    return {row[field] or "": row["n"] for row in rows}


def counts_by_region(*, user: Any) -> list[tuple[str, int]]:
    """Visible dealers counted by top-level territory (大区), largest first, in two queries."""
    step = Territory.steplen
    rows = (
        visible_dealers(user).order_by()
        .annotate(root=Substr("territory__path", 1, step)).values("root")
        .annotate(n=Count("id"))
    )
    counts = {row["root"]: row["n"] for row in rows}
    roots = Territory.objects.filter(depth=1, path__in=list(counts))
    names = {root.path: root.display_name for root in roots}
    return sorted(((names.get(p, p), n) for p, n in counts.items()), key=lambda item: -item[1])
