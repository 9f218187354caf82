"""Territory tree writes: the level rule, unique codes, moves with the subtree, assignments."""

import pytest

from qudao.core.models import AuditEvent
from qudao.territories import services
from qudao.territories.exceptions import TerritoryInvalid
from qudao.territories.models import Territory, TerritoryAssignment


def _fresh(node: Territory) -> Territory:
    return Territory.objects.get(pk=node.pk)


def _parent(node: Territory) -> Territory | None:
    return Territory.objects.get_parent(_fresh(node))


def _children(node: Territory) -> set[str]:
    return set(Territory.objects.get_children(_fresh(node)).values_list("code", flat=True))


@pytest.mark.django_db
def test_create_under_a_parent_and_record_it(world, hq_admin):
    node = services.territory_create(parent=_fresh(world.hebei), actor=hq_admin, code="130300",
                                     name="秦皇岛市", level="city")
    assert _parent(node) == world.hebei
    assert AuditEvent.objects.filter(event="territory.created", target_id=str(node.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("parent", "level", "message"), [
    (None, "city", "top-level territory must be a sales region or a province"),
    ("hebei", "region", "cannot sit under"),
    ("hebei", "province", "cannot sit under"),
    ("shijiazhuang", "city", "cannot sit under"),
])
def test_level_rule_is_enforced_and_nothing_written(world, hq_admin, parent, level, message):
    before = Territory.objects.count()
    parent_node = _fresh(getattr(world, parent)) if parent else None
    with pytest.raises(TerritoryInvalid) as caught:
        services.territory_create(parent=parent_node, actor=hq_admin, code="X1", name="X",
                                  level=level)
    assert message in caught.value.message
    assert Territory.objects.count() == before


@pytest.mark.django_db
def test_duplicate_and_empty_codes_are_refused(world, hq_admin):
    with pytest.raises(TerritoryInvalid, match="130100 is already used"):
        services.territory_create(parent=_fresh(world.hebei), actor=hq_admin, code="130100",
                                  name="重复", level="city")
    with pytest.raises(TerritoryInvalid, match="needs a code"):
        services.territory_create(parent=_fresh(world.hebei), actor=hq_admin, code="  ",
                                  name="无编码", level="city")
    with pytest.raises(TerritoryInvalid, match="already used"):
        services.territory_update(territory=world.tangshan, actor=hq_admin, code="130100")


@pytest.mark.django_db
def test_move_takes_the_subtree_along_and_is_audited(world, hq_admin):
    services.territory_create(parent=_fresh(world.zhejiang), actor=hq_admin, code="330200",
                              name="宁波市", level="city")
    hd = _fresh(world.hd)
    moved = services.territory_update(territory=world.zhejiang, actor=hq_admin,
                                      parent=_fresh(world.hb), move=True)
    assert _parent(moved) == world.hb
    assert _children(moved) == {"330100", "330200"}
    assert _children(hd) == set()
    event = AuditEvent.objects.get(event="territory.updated", target_id=str(moved.pk))
    assert event.data["parent"] == ["East China", "North China"]


@pytest.mark.django_db
def test_move_refused_under_own_subtree_or_against_the_level_rule(world, hq_admin):
    # A subtree always sits at deeper levels, so the level rule already refuses this move.
    with pytest.raises(TerritoryInvalid):
        services.territory_update(territory=world.hb, actor=hq_admin,
                                  parent=_fresh(world.hebei), move=True)
    with pytest.raises(TerritoryInvalid, match="cannot sit under"):
        services.territory_update(territory=world.tangshan, actor=hq_admin,
                                  parent=_fresh(world.shijiazhuang), move=True)
    with pytest.raises(TerritoryInvalid, match="not above the levels of its children"):
        services.territory_update(territory=world.hebei, actor=hq_admin, level="city")
    assert _parent(world.tangshan) == world.hebei
    assert _fresh(world.hebei).level == "province"


@pytest.mark.django_db
def test_province_can_be_moved_to_the_top(world, hq_admin):
    moved = services.territory_update(territory=world.beijing, actor=hq_admin, parent=None,
                                      move=True)
    assert _parent(moved) is None
    assert _children(moved) == {"110101"}


@pytest.mark.django_db
def test_assignment_add_change_remove_are_audited(world, hq_admin, north_rep):
    assignment = services.assignment_add(territory=world.zhejiang, user=north_rep, role="rep",
                                         actor=hq_admin)
    services.assignment_add(territory=world.zhejiang, user=north_rep, role="manager",
                            actor=hq_admin)
    assignment.refresh_from_db()
    assert assignment.role == "manager"
    services.assignment_remove(assignment=assignment, actor=hq_admin)
    assert not TerritoryAssignment.objects.filter(territory=world.zhejiang).exists()
    events = list(AuditEvent.objects.filter(subject_id=str(world.zhejiang.pk))
                  .order_by("id").values_list("event", flat=True))
    assert events == ["territory.assigned", "territory.assigned", "territory.unassigned"]


@pytest.mark.django_db
def test_unknown_assignment_role_is_refused(world, hq_admin, north_rep):
    with pytest.raises(TerritoryInvalid):
        services.assignment_add(territory=world.zhejiang, user=north_rep, role="boss",
                                actor=hq_admin)
    assert not TerritoryAssignment.objects.filter(territory=world.zhejiang).exists()
