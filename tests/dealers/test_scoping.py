import pytest

from qudao.dealers.scoping import visible_dealers
from tests.conftest import EXPECTED_DEALERS, PERSONAS


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_sees_exactly_its_dealers(persona, personas):
    codes = set(visible_dealers(personas[persona]).values_list("code", flat=True))
    assert codes == EXPECTED_DEALERS[persona]


@pytest.mark.django_db
def test_rep_also_sees_a_dealer_assigned_to_him_outside_his_territory(world, north_rep):
    world.dealer_b.assigned_rep = north_rep
    world.dealer_b.save()
    assert "B0001" in set(visible_dealers(north_rep).values_list("code", flat=True))


@pytest.mark.django_db
def test_inactive_user_sees_nothing(world, hq_admin):
    hq_admin.is_active = False
    assert not visible_dealers(hq_admin).exists()
