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


@pytest.mark.django_db
def test_dealer_rows_limits_owned_rows_and_adds_nothing_for_company_wide_roles(
        world, hq_admin, north_rep, dealer_b_admin):
    from qudao.dealers.models import Contact
    from qudao.dealers.scoping import dealer_rows
    from tests.factories import ContactFactory

    for dealer in (world.dealer_a, world.dealer_beijing, world.dealer_b):
        ContactFactory(dealer=dealer)
    everything = dealer_rows(Contact.objects.all(), hq_admin)
    assert everything.count() == 3 and "dealers_dealer" not in str(everything.query)
    assert {c.dealer.code for c in dealer_rows(Contact.objects.all(), north_rep)} == {"A0001"}
    assert {c.dealer.code for c in dealer_rows(Contact.objects.all(), dealer_b_admin)} == {
        "B0001"}
    hq_admin.is_active = False
    assert not dealer_rows(Contact.objects.all(), hq_admin).exists()
