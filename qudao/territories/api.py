"""The territory tree over the API: staff see their subtrees, HQ edits."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers.scoping import visible_territories
from qudao.territories import queries, services
from qudao.territories.models import Territory

router = Router(tags=["territories"])


class TerritoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    level: str
    depth: int
    parent_id: int | None
    latitude: Decimal | None
    longitude: Decimal | None
    is_active: bool

    @staticmethod
    def resolve_parent_id(obj) -> int | None:
        return getattr(obj, "parent_id", None)


class TerritoryIn(Schema):
    code: str
    name: str
    name_en: str = ""
    level: str
    parent_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class TerritoryPatch(Schema):
    code: str | None = None
    name: str | None = None
    name_en: str | None = None
    level: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_active: bool | None = None


class TerritoryQuery(Schema):
    q: str | None = None
    level: str | None = None
    parent: int | None = None


class AssignmentOut(Schema):
    id: int
    territory_id: int
    user_id: int
    role: str


class AssignmentIn(Schema):
    user_id: int
    role: str


@router.get("/territories", response=list[TerritoryOut])
@paginate(PageNumberPagination)
def territory_list(request, filters: Query[TerritoryQuery]):
    require(request, "territories.view_territory")
    return queries.territory_list(user=request.user, **filters.dict(exclude_none=True))


@router.post("/territories", response={201: TerritoryOut})
def territory_create(request, payload: TerritoryIn):
    require(request, "territories.add_territory")
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = get_object_or_404(Territory, pk=parent_id) if parent_id else None
    node = services.territory_create(parent=parent, actor=request.user, **data)
    return Status(201, queries.territory_get(user=request.user, pk=node.pk))


@router.get("/territories/{territory_id}", response=TerritoryOut)
def territory_detail(request, territory_id: int):
    require(request, "territories.view_territory")
    return queries.territory_get(user=request.user, pk=territory_id)


@router.patch("/territories/{territory_id}", response=TerritoryOut)
def territory_update(request, territory_id: int, payload: TerritoryPatch):
    require(request, "territories.change_territory")
    node = get_object_or_404(visible_territories(request.user), pk=territory_id)
    services.territory_update(
        territory=node, actor=request.user, **payload.dict(exclude_unset=True)
    )
    return queries.territory_get(user=request.user, pk=territory_id)


@router.get("/territories/{territory_id}/assignments", response=list[AssignmentOut])
def assignment_list(request, territory_id: int):
    require(request, "territories.view_territory")
    node = get_object_or_404(visible_territories(request.user), pk=territory_id)
    return node.assignments.all()


@router.post("/territories/{territory_id}/assignments", response={201: AssignmentOut})
def assignment_add(request, territory_id: int, payload: AssignmentIn):
    require(request, "territories.assign_territory")
    from qudao.accounts.models import User

    node = get_object_or_404(visible_territories(request.user), pk=territory_id)
    user = get_object_or_404(User.objects.filter(is_active=True), pk=payload.user_id)
    return Status(
        201,
        services.assignment_add(territory=node, user=user, role=payload.role, actor=request.user),
    )
