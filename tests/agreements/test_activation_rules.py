"""At most one active agreement per dealer and product scope; protected territories; which
products an agreement authorizes."""

import datetime

import pytest

from qudao.agreements import services
from qudao.agreements.exceptions import AgreementOverlap, TerritoryProtected
from qudao.agreements.models import Agreement
from qudao.agreements.queries import covered_product_ids
from tests.agreements.conftest import draft, to_active, to_signed


def _status(agreement) -> str:
    return Agreement.objects.get(pk=agreement.pk).status


@pytest.mark.django_db
def test_a_second_agreement_over_the_same_products_is_refused(world, hq_admin, director):
    first = to_active(draft(hq_admin, world.dealer_a), approver=director)
    second = to_signed(draft(hq_admin, world.dealer_a, start_date=datetime.date(2026, 6, 1),
                             end_date=datetime.date(2027, 5, 31)), approver=director)

    with pytest.raises(AgreementOverlap) as caught:
        services.agreement_activate(actor=director, agreement=second)

    assert first.number in caught.value.message and "overlapping products" in caught.value.message
    assert _status(second) == "signed" and _status(first) == "active"


@pytest.mark.django_db
def test_terms_that_do_not_overlap_are_allowed(world, hq_admin, director):
    to_active(draft(hq_admin, world.dealer_a, start_date=datetime.date(2025, 7, 1),
                    end_date=datetime.date(2026, 3, 31)), approver=director)
    later = to_active(draft(hq_admin, world.dealer_a, start_date=datetime.date(2026, 4, 1),
                            end_date=datetime.date(2027, 3, 31)), approver=director)
    assert later.status == "active"


@pytest.mark.django_db
def test_separate_product_scopes_of_one_dealer_may_both_be_active(world, hq_admin, director,
                                                                 catalog, product_in):
    drinks = to_active(draft(hq_admin, world.dealer_a, categories=[catalog.drinks]),
                       approver=director)
    food = to_active(draft(hq_admin, world.dealer_a, categories=[catalog.food]),
                     approver=director)
    assert drinks.status == food.status == "active"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["sub_category", "product_in_category", "same_product",
                                  "all_products"])
def test_overlapping_scopes_are_refused(kind, world, hq_admin, director, catalog, product_in):
    green_tea = product_in(catalog.green_tea)
    first = to_active(draft(hq_admin, world.dealer_a, categories=[catalog.drinks]),
                      approver=director)
    scope = {"sub_category": {"categories": [catalog.green_tea]},
             "product_in_category": {"products": [green_tea]},
             "same_product": {"products": [green_tea]},
             "all_products": {}}[kind]
    if kind == "same_product":
        services.agreement_terminate(actor=director, agreement=first, reason="改按单品")
        to_active(draft(hq_admin, world.dealer_a, products=[green_tea]), approver=director)
    second = to_signed(draft(hq_admin, world.dealer_a, **scope), approver=director)
    with pytest.raises(AgreementOverlap):
        services.agreement_activate(actor=director, agreement=second)
    assert _status(second) == "signed"


@pytest.mark.django_db
def test_scopes_overlap_rules(world, hq_admin, catalog, product_in):
    green_tea, biscuit = product_in(catalog.green_tea), product_in(catalog.food)

    def scope(**kwargs):
        return draft(hq_admin, world.dealer_a, **kwargs)

    tea = scope(categories=[catalog.tea])
    assert services.scopes_overlap(tea, scope(categories=[catalog.drinks]))  # ancestor
    assert services.scopes_overlap(tea, scope(categories=[catalog.green_tea]))  # descendant
    assert services.scopes_overlap(tea, scope(products=[green_tea]))  # product inside
    assert not services.scopes_overlap(tea, scope(categories=[catalog.food]))
    assert not services.scopes_overlap(tea, scope(products=[biscuit]))
    assert services.scopes_overlap(scope(products=[biscuit]), scope(products=[biscuit]))
    assert services.scopes_overlap(tea, scope(all_products=True))


@pytest.mark.django_db
def test_another_dealers_protected_territory_is_refused(world, hq_admin, director):
    # Dealer A holds protection over 河北 (the province); Beijing's dealer asks for 唐山 inside it.
    holder = to_active(draft(hq_admin, world.dealer_a, territories=[world.hebei]),
                       approver=director)
    intruder = to_signed(draft(hq_admin, world.dealer_beijing,
                               territories=[world.dongcheng, world.tangshan]),
                         approver=director)

    with pytest.raises(TerritoryProtected) as caught:
        services.agreement_activate(actor=director, agreement=intruder)

    assert holder.number in caught.value.message and world.dealer_a.name in caught.value.message
    assert _status(intruder) == "signed"


@pytest.mark.django_db
def test_protected_territory_allows_other_products_and_other_places(world, hq_admin, director,
                                                                   catalog):
    to_active(draft(hq_admin, world.dealer_a, territories=[world.hebei],
                    categories=[catalog.drinks]), approver=director)
    other_products = to_active(draft(hq_admin, world.dealer_beijing, territories=[world.tangshan],
                                     categories=[catalog.food]), approver=director)
    elsewhere = to_active(draft(hq_admin, world.dealer_b, territories=[world.hangzhou]),
                          approver=director)
    assert other_products.status == elsewhere.status == "active"


@pytest.mark.django_db
def test_unprotected_territory_may_be_shared(world, hq_admin, director):
    to_active(draft(hq_admin, world.dealer_a, territories=[world.hebei],
                    territory_protection=False), approver=director)
    shared = to_active(draft(hq_admin, world.dealer_beijing, territories=[world.tangshan],
                             territory_protection=False), approver=director)
    assert shared.status == "active"


@pytest.mark.django_db
def test_covered_product_ids_follow_the_category_subtree(world, hq_admin, catalog, product_in):
    green_tea, tea, juice_cat = (product_in(catalog.green_tea), product_in(catalog.tea),
                                 product_in(catalog.drinks))
    biscuit, extra = product_in(catalog.food), product_in(catalog.food)
    agreement = draft(hq_admin, world.dealer_a, categories=[catalog.tea], products=[extra])
    asked = {green_tea.pk, tea.pk, juice_cat.pk, biscuit.pk, extra.pk}

    assert covered_product_ids(agreement, asked) == {green_tea.pk, tea.pk, extra.pk}
    everything = draft(hq_admin, world.dealer_a)
    assert covered_product_ids(everything, asked) == asked


@pytest.mark.django_db
def test_order_check_refuses_products_outside_the_agreement(world, hq_admin, director, catalog,
                                                           product_in):
    from qudao.agreements.queries import agreements_in_force

    agreement = to_active(draft(hq_admin, world.dealer_a, categories=[catalog.tea]),
                          approver=director)
    biscuit = product_in(catalog.food)
    in_force = list(agreements_in_force(dealer_id=world.dealer_a.pk,
                                        day=datetime.date(2026, 3, 15)))
    assert in_force == [agreement]
    assert covered_product_ids(agreement, {biscuit.pk}) == set()
