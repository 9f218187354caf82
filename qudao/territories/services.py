"""Writes to the territory tree and the sales organization mapped on it."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.territories.exceptions import TerritoryInvalid
from qudao.territories.models import (
    LEVEL_ORDER,
    AssignmentRole,
    Territory,
    TerritoryAssignment,
    TerritoryLevel,
)

REGIONS_FILE = Path(__file__).parent / "data" / "china_regions.json"
EDITABLE = ["code", "name", "name_en", "level", "latitude", "longitude", "is_active"]


def _check_level(*, parent: Territory | None, level: str) -> None:
    """A child sits at a deeper level than its parent; a root is a region or a province."""
    if parent is None:
        if level not in (TerritoryLevel.REGION, TerritoryLevel.PROVINCE):
            raise TerritoryInvalid(_("A top-level territory must be a sales region or a province."))
        return
    if LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(parent.level):
        raise TerritoryInvalid(
            _("A %(child)s cannot sit under a %(parent)s.")
            % {"child": TerritoryLevel(level).label, "parent": TerritoryLevel(parent.level).label}
        )


@transaction.atomic
def territory_create(*, parent: Territory | None, actor: Any, **fields: Any) -> Territory:
    """Add a node under `parent` (or at the top). Raises TerritoryInvalid on a bad level or code."""
    code = str(fields.get("code", "")).strip()
    if not code:
        raise TerritoryInvalid(_("A territory needs a code."))
    if Territory.objects.filter(code=code).exists():
        raise TerritoryInvalid(_("Territory code %(code)s is already used.") % {"code": code})
    _check_level(parent=parent, level=fields.get("level", ""))
    values = {k: v for k, v in fields.items() if k in EDITABLE}
    values["code"] = code
    node = (Territory.objects.add_child(parent, values) if parent
            else Territory.objects.add_root(values))
    audit.record(actor=actor, target=node, event="territory.created",
                 data={k: values.get(k) for k in ("code", "name", "level")})
    return node


@transaction.atomic
def territory_update(
    *, territory: Territory, actor: Any, parent: Territory | None = None, move: bool = False,
    **fields: Any,
) -> Territory:
    """Edit a node; with move=True also put it (and its subtree) under `parent`."""
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    before = audit.snapshot(territory, EDITABLE)
    code = str(fields.get("code", territory.code)).strip()
    if Territory.objects.filter(code=code).exclude(pk=territory.pk).exists():
        raise TerritoryInvalid(_("Territory code %(code)s is already used.") % {"code": code})
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(territory, name, value)
    territory.code = code
    new_parent = parent if move else Territory.objects.get_parent(territory)
    _check_level(parent=new_parent, level=territory.level)
    for child in Territory.objects.get_children(territory):
        if LEVEL_ORDER.index(child.level) <= LEVEL_ORDER.index(territory.level):
            raise TerritoryInvalid(_("The new level is not above the levels of its children."))
    territory.save()
    changes = audit.diff(before, audit.snapshot(territory, EDITABLE))
    if move and new_parent != Territory.objects.get_parent(territory):
        if new_parent is not None and new_parent.path.startswith(territory.path):
            raise TerritoryInvalid(_("A territory cannot be moved under itself."))
        old_parent = Territory.objects.get_parent(territory)
        if new_parent is None:
            first_root = Territory.objects.get_first_root_node()
            Territory.objects.move(territory, first_root, "last-sibling")
        else:
            Territory.objects.move(territory, new_parent, "last-child")
        changes["parent"] = [str(old_parent) if old_parent else None,
                             str(new_parent) if new_parent else None]
        territory = Territory.objects.get(pk=territory.pk)
    if changes:
        audit.record(actor=actor, target=territory, event="territory.updated", data=changes)
    return territory


@transaction.atomic
def assignment_add(
    *, territory: Territory, user: Any, role: str, actor: Any
) -> TerritoryAssignment:
    """Make `user` cover `territory` and its subtree as manager or rep."""
    if role not in AssignmentRole.values:
        raise TerritoryInvalid(_("Unknown assignment role."))
    assignment, created = TerritoryAssignment.objects.get_or_create(
        territory=territory, user=user, defaults={"role": role}
    )
    if not created and assignment.role != role:
        assignment.role = role
        assignment.save(update_fields=["role", "updated_at"])
    audit.record(actor=actor, target=assignment, subject=territory, event="territory.assigned",
                 data={"user": user.username, "role": role})
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: TerritoryAssignment, actor: Any) -> None:
    audit.record(actor=actor, target=assignment, subject=assignment.territory,
                 event="territory.unassigned", data={"user": assignment.user.username})
    assignment.delete()


def _coordinate(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
def regions_load(*, path: Path = REGIONS_FILE) -> int:
    """Load the shipped tree of 大区, provinces and prefecture cities; safe to run twice.

    Nodes already present (by code) are left where they are, so an HQ that rearranged
    its 大区 keeps its arrangement. Returns the number of nodes created.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = set(Territory.objects.values_list("code", flat=True))
    created = 0
    province_region: dict[str, dict[str, Any]] = {}
    for region in data["regions"]:
        for code in region["provinces"]:
            province_region[code] = region
    regions: dict[str, Territory] = {t.code: t for t in Territory.objects.filter(
        level=TerritoryLevel.REGION)}
    for region in data["regions"]:
        if region["code"] not in existing:
            regions[region["code"]] = Territory.objects.add_root({
                "code": region["code"], "name": region["name"],
                "name_en": region.get("name_en", ""), "level": TerritoryLevel.REGION,
            })
            created += 1
    for province in data["provinces"]:
        if province["code"] in existing:
            continue
        region = regions[province_region[province["code"]]["code"]]
        region = Territory.objects.get(pk=region.pk)  # fresh numchild after earlier inserts
        node = Territory.objects.add_child(region, {
            "code": province["code"], "name": province["name"],
            "name_en": province.get("name_en", ""), "level": TerritoryLevel.PROVINCE,
            "latitude": _coordinate(province.get("lat")),
            "longitude": _coordinate(province.get("lng")),
        })
        created += 1
        for city in province.get("cities", []):
            if city["code"] in existing:
                continue
            node = Territory.objects.get(pk=node.pk)
            Territory.objects.add_child(node, {
                "code": city["code"], "name": city["name"], "name_en": city.get("name_en", ""),
                "level": TerritoryLevel.CITY, "latitude": _coordinate(city.get("lat")),
                "longitude": _coordinate(city.get("lng")),
            })
            created += 1
    return created
