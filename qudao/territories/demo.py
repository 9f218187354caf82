"""Demo territories: the shipped 大区/province/city tree and the sales organisation on it.

Runs after accounts.demo.run (which leaves the staff in ctx["users"] and the wanted
assignments in ctx["assignments"]). Leaves for the later steps:
ctx["provinces"]: {province code: DemoProvince}, ctx["rep_by_province"]: {code: rep user}.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qudao.core import demo as gen
from qudao.territories import services
from qudao.territories.models import AssignmentRole, Territory, TerritoryLevel


@dataclass
class DemoCity:
    """A prefecture city (or a municipality's district) dealers can be filed under."""

    node: Territory
    code: str
    name: str
    prefix: str  # the short place name companies carry: 石家庄, 北京
    province_name: str
    region_code: str
    latitude: Decimal | None
    longitude: Decimal | None


@dataclass
class DemoProvince:
    node: Territory
    code: str
    name: str
    region_code: str
    cities: list[DemoCity] = field(default_factory=list)


def province_tree() -> dict[str, DemoProvince]:
    """Provinces with their cities, by code, in code order (the order generators rely on)."""
    nodes = list(Territory.objects.filter(
        level__in=[TerritoryLevel.REGION, TerritoryLevel.PROVINCE, TerritoryLevel.CITY],
    ).order_by("code"))
    steplen = Territory.steplen
    by_path = {node.path: node for node in nodes}
    provinces: dict[str, DemoProvince] = {}
    for node in nodes:
        if node.level != TerritoryLevel.PROVINCE:
            continue
        region = by_path.get(node.path[:-steplen])
        provinces[node.code] = DemoProvince(node=node, code=node.code, name=node.name,
                                            region_code=region.code if region else "QG")
    by_province_path = {p.node.path: p for p in provinces.values()}
    for node in nodes:
        province = by_province_path.get(node.path[:-steplen])
        if node.level != TerritoryLevel.CITY or province is None:
            continue
        province.cities.append(DemoCity(
            node=node, code=node.code, name=node.name,
            prefix=gen.place_prefix(node.name, province=province.name),
            province_name=province.name, region_code=province.region_code,
            latitude=node.latitude, longitude=node.longitude,
        ))
    return {code: p for code, p in provinces.items() if p.cities}


def run(*, scale: str, rng: random.Random, ctx: dict[str, Any]) -> None:
    """Load the region tree (idempotent, not bulk at any scale) and assign the staff to it."""
    services.regions_load()
    nodes = {t.code: t for t in Territory.objects.filter(
        code__in={code for _user, code, _role in ctx.get("assignments", [])})}
    rep_by_province: dict[str, Any] = {}
    for username, code, role in ctx.get("assignments", []):
        user = ctx["users"][username]
        services.assignment_add(territory=nodes[code], user=user, role=role, actor=ctx["admin"])
        if role == AssignmentRole.REP and nodes[code].level == TerritoryLevel.PROVINCE:
            rep_by_province.setdefault(code, user)
    ctx["provinces"] = province_tree()
    ctx["rep_by_province"] = rep_by_province
