"""Placing an order: agreement prices on the order date, the checks, and the credit decision."""

import datetime
from decimal import Decimal

import pytest

from qudao.catalog.models import ProductPrice
from qudao.core.models import AuditEvent
from qudao.finance.models import CreditAccount, Invoice
from qudao.orders.exceptions import (
    AgreementMissing,
    DealerCannotOrder,
    OrderLinesInvalid,
    OrderNotAllowed,
    OrderSplitRequired,
    OutsideTerritory,
    PriceMissing,
    ProductNotAuthorized,
)
from qudao.orders.models import Order, OrderLine
from tests.factories import ProductFactory
from tests.trade import AgreementFactory, priced_product, trading_dealer

DAY = datetime.date(2026, 6, 15)


def _nothing_written(dealer, reserved="0.00"):
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert not AuditEvent.objects.filter(event__startswith="order.").exists()
    account = CreditAccount.objects.filter(dealer=dealer).first()
    assert account is None or account.reserved == Decimal(reserved)


@pytest.mark.django_db
def test_price_comes_from_the_agreement_level_and_discount_on_the_order_date(world, place):
    trading_dealer(world.dealer_a, price_level="tier2", discount_percent=Decimal("10.00"))
    tea = priced_product("80.00", level="tier1", sku="TEA-1")
    ProductPrice.objects.create(product=tea, level="tier2", unit_price=Decimal("100.00"),
                                valid_from=datetime.date(2025, 1, 1),
                                valid_to=datetime.date(2026, 5, 31))
    ProductPrice.objects.create(product=tea, level="tier2", unit_price=Decimal("120.00"),
                                valid_from=datetime.date(2026, 6, 1))

    may = place(world.dealer_a, [(tea, 3)], ordered_on=datetime.date(2026, 5, 20))
    june = place(world.dealer_a, [(tea, 3)], ordered_on=DAY)

    may_line, june_line = may.lines.get(), june.lines.get()
    assert (may_line.list_price, may_line.unit_price) == (Decimal("100.00"), Decimal("90.00"))
    assert (june_line.list_price, june_line.unit_price) == (Decimal("120.00"),
                                                            Decimal("108.00"))
    assert may.total_amount == Decimal("270.00") and may_line.amount == Decimal("270.00")
    assert june.total_amount == Decimal("324.00") and june.total_quantity == 3
    assert june_line.dealer_id == world.dealer_a.pk and june_line.ordered_on == DAY
    assert june.number.startswith("SO260615")
    assert june.delivery_territory == world.shijiazhuang


@pytest.mark.django_db
def test_within_credit_the_order_is_approved_and_reserves_its_total(world, place, tea):
    trading_dealer(world.dealer_a, credit_limit="1000.00")
    order = place(world.dealer_a, [(tea, 4)], ordered_on=DAY)
    assert order.status == "approved"
    assert order.approved_at is not None and order.approved_by is None
    assert order.hold_reason == ""
    account = CreditAccount.objects.get(dealer=world.dealer_a)
    assert account.reserved == Decimal("400.00")
    assert account.available == Decimal("600.00")
    assert AuditEvent.objects.filter(event="order.placed", target_id=str(order.pk)).exists()


@pytest.mark.django_db
def test_beyond_credit_the_order_waits_for_finance_with_the_numbers(world, place, tea):
    trading_dealer(world.dealer_a, credit_limit="1000.00")
    CreditAccount.objects.filter(dealer=world.dealer_a).update(receivable=Decimal("300.00"))
    order = place(world.dealer_a, [(tea, 8)], ordered_on=DAY)
    assert order.status == "submitted"
    assert "800.00" in order.hold_reason and "700.00" in order.hold_reason
    assert "1000.00" in order.hold_reason and "300.00" in order.hold_reason
    assert CreditAccount.objects.get(dealer=world.dealer_a).reserved == Decimal("0.00")


@pytest.mark.django_db
def test_an_overdue_invoice_holds_even_a_small_order(world, place, tea):
    trading_dealer(world.dealer_a, credit_limit="10000.00")
    Invoice.objects.create(number="IV-OLD", dealer=world.dealer_a,
                           issued_on=datetime.date(2026, 3, 1),
                           due_on=datetime.date(2026, 3, 31), amount=Decimal("500.00"))
    CreditAccount.objects.filter(dealer=world.dealer_a).update(receivable=Decimal("500.00"))
    order = place(world.dealer_a, [(tea, 1)], ordered_on=DAY)
    assert order.status == "submitted"
    assert "overdue" in order.hold_reason and "500.00" in order.hold_reason
    assert CreditAccount.objects.get(dealer=world.dealer_a).reserved == Decimal("0.00")


@pytest.mark.django_db
def test_a_product_outside_the_agreement_is_refused_naming_its_sku(world, place, tea):
    agreement = trading_dealer(world.dealer_a, all_products=False)
    agreement.products.set([tea])
    coffee = priced_product("50.00", sku="COFFEE-9")
    with pytest.raises(ProductNotAuthorized) as caught:
        place(world.dealer_a, [(tea, 1), (coffee, 2)], ordered_on=DAY)
    assert "COFFEE-9" in caught.value.message and "TEA-500" not in caught.value.message
    assert "lines.COFFEE-9" in caught.value.errors
    _nothing_written(world.dealer_a)


@pytest.mark.django_db
def test_products_of_two_agreements_must_be_ordered_separately(world, place, tea):
    first = trading_dealer(world.dealer_a, all_products=False)
    first.products.set([tea])
    coffee = priced_product("50.00", sku="COFFEE-9")
    second = AgreementFactory(dealer=world.dealer_a, all_products=False)
    second.products.set([coffee])
    with pytest.raises(OrderSplitRequired) as caught:
        place(world.dealer_a, [(tea, 1), (coffee, 2)], ordered_on=DAY)
    assert "TEA-500" in caught.value.message and "COFFEE-9" in caught.value.message
    assert first.number in caught.value.message and second.number in caught.value.message
    _nothing_written(world.dealer_a)
    assert place(world.dealer_a, [(coffee, 2)], ordered_on=DAY).agreement == second


@pytest.mark.django_db
def test_delivery_outside_the_authorized_territory_is_refused(world, place, tea,
                                                              agreement_a):
    with pytest.raises(OutsideTerritory) as caught:
        place(world.dealer_a, [(tea, 1)], ordered_on=DAY, delivery_territory=world.tangshan)
    assert "outside the authorized territory" in caught.value.message
    _nothing_written(world.dealer_a)


@pytest.mark.django_db
def test_delivery_below_an_authorized_region_is_accepted(world, place, tea):
    trading_dealer(world.dealer_a, territories=[world.hebei])
    order = place(world.dealer_a, [(tea, 1)], ordered_on=DAY, delivery_territory=world.tangshan)
    assert order.delivery_territory == world.tangshan


@pytest.mark.django_db
def test_quantities_must_be_positive_multiples_of_the_pack(world, place, agreement_a):
    case = priced_product("10.00", sku="CASE-12", order_multiple=12)
    with pytest.raises(OrderLinesInvalid) as caught:
        place(world.dealer_a, [(case, 18)], ordered_on=DAY)
    assert "CASE-12" in caught.value.message and "12" in caught.value.message
    with pytest.raises(OrderLinesInvalid):
        place(world.dealer_a, [(case, 0)], ordered_on=DAY)
    with pytest.raises(OrderLinesInvalid):
        place(world.dealer_a, [(case, 12), (case, 24)], ordered_on=DAY)
    with pytest.raises(OrderLinesInvalid):
        place(world.dealer_a, [], ordered_on=DAY)
    _nothing_written(world.dealer_a)
    assert place(world.dealer_a, [(case, 24)], ordered_on=DAY).total_amount == Decimal("240.00")


@pytest.mark.django_db
def test_a_discontinued_or_unpriced_product_is_refused(world, place, agreement_a):
    old = priced_product("10.00", sku="OLD-1", status="discontinued")
    bare = ProductFactory(sku="BARE-1")
    with pytest.raises(OrderLinesInvalid) as caught:
        place(world.dealer_a, [(old, 1)], ordered_on=DAY)
    assert "OLD-1" in caught.value.message
    with pytest.raises(PriceMissing) as caught:
        place(world.dealer_a, [(bare, 1)], ordered_on=DAY)
    assert "BARE-1" in caught.value.message
    _nothing_written(world.dealer_a)


@pytest.mark.django_db
def test_no_active_agreement_on_the_order_date(world, place, tea):
    trading_dealer(world.dealer_a)
    trading_dealer(world.dealer_b, status="signed")
    with pytest.raises(AgreementMissing):
        place(world.dealer_a, [(tea, 1)], ordered_on=datetime.date(2027, 1, 5))
    with pytest.raises(AgreementMissing):
        place(world.dealer_b, [(tea, 1)], ordered_on=DAY)
    _nothing_written(world.dealer_a)


@pytest.mark.django_db
def test_a_dealer_that_is_not_active_cannot_order(world, place, tea, agreement_a):
    world.dealer_a.status = "suspended"
    world.dealer_a.save()
    with pytest.raises(DealerCannotOrder):
        place(world.dealer_a, [(tea, 1)], ordered_on=DAY)
    _nothing_written(world.dealer_a)
    world.dealer_a.status = "probation"
    world.dealer_a.save()
    assert place(world.dealer_a, [(tea, 1)], ordered_on=DAY).status == "approved"


@pytest.mark.django_db
def test_users_order_only_for_dealers_they_may_act_for(world, place, tea, agreement_a,
                                                       dealer_b_admin, east_rep,
                                                       dealer_a_staff):
    trading_dealer(world.dealer_b)
    for actor in (dealer_b_admin, east_rep):
        with pytest.raises(OrderNotAllowed):
            place(world.dealer_a, [(tea, 1)], actor=actor, ordered_on=DAY)
    _nothing_written(world.dealer_a)
    order = place(world.dealer_a, [(tea, 1)], actor=dealer_a_staff, ordered_on=DAY)
    assert order.placed_by == dealer_a_staff
