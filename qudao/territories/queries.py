"""Reads of the territory tree, limited to what the user covers."""

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Length, Substr

from qudao.dealers.scoping import visible_dealers, visible_territories
from qudao.territories.models import Territory


def _with_parent_id(territories: QuerySet[Territory]) -> QuerySet[Territory]:
    """Annotate each node with its parent's id, found by path prefix in one subquery."""
    parent = Territory.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Territory.steplen)
    ).values("pk")[:1]
    return territories.annotate(parent_id=Subquery(parent))


def territory_list(*, user: Any, q: str = "", level: str = "",
                   parent: int | None = None) -> QuerySet[Territory]:
    """Visible nodes in tree order, searchable by code or name, or the children of one node."""
    nodes = visible_territories(user)
    if q:
        nodes = nodes.filter(Q(code__istartswith=q) | Q(name__icontains=q)
                             | Q(name_en__icontains=q))
    if level:
        nodes = nodes.filter(level=level)
    if parent is not None:
        node = nodes.filter(pk=parent).first()
        if node is None:
            return nodes.none()
        nodes = nodes.filter(path__startswith=node.path, depth=node.depth + 1)
    return _with_parent_id(nodes).order_by("path")


def territory_get(*, user: Any, pk: int) -> Territory:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(_with_parent_id(visible_territories(user)), pk=pk)


def territory_children_with_counts(*, user: Any, node: Territory | None) -> list[Territory]:
    """Children of `node` (or the top level) with the visible dealers under each, in 2 queries."""
    visible = visible_territories(user)
    if node is None:
        children = Territory.objects.get_root_nodes().filter(pk__in=visible.values("pk"))
        if not children.exists():  # a manager or rep: start at the nodes he covers
            children = visible.order_by("path")
            top = min((c.depth for c in children), default=1)
            children = children.filter(depth=top)
    else:
        children = Territory.objects.get_children(node).filter(pk__in=visible.values("pk"))
    children = list(children.order_by("code"))
    step = Territory.steplen
    counts: dict[str, int] = {}
    if children:
        depth = children[0].depth
        rows = (visible_dealers(user).order_by()
                .annotate(prefix=Substr("territory__path", 1, depth * step))
                .filter(prefix__in=[c.path for c in children])
                .values("prefix").annotate(n=Count("id")))
        counts = {row["prefix"]: row["n"] for row in rows}
    for child in children:
        child.dealer_count = counts.get(child.path, 0)
    return children


def assignments_for(nodes: list[Territory]) -> dict[int, list]:
    """Who covers each of `nodes`, in one query."""
    from qudao.territories.models import TerritoryAssignment

    result: dict[int, list] = {node.pk: [] for node in nodes}
    for assignment in (TerritoryAssignment.objects.filter(territory__in=nodes)
                       .select_related("user")):
        result[assignment.territory_id].append(assignment)
    return result


__all__ = ["territory_list", "territory_get", "territory_children_with_counts",
           "assignments_for", "Coalesce"]
