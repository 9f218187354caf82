"""After placing: finance's decision, cancelling, shipping with invoices and codes, delivery,
closing and returns, checked on the dealer's credit account."""

import datetime
from decimal import Decimal

import pytest

from qudao.core.exceptions import NotAllowed
from qudao.finance.models import CreditAccount, Invoice
from qudao.orders import queries, services
from qudao.orders.exceptions import (
    OrderNotAllowed,
    OrderStatusInvalid,
    ReasonRequired,
    ReturnInvalid,
    ShipmentInvalid,
)
from qudao.orders.models import Order, ProductCode, ReturnRequest, Shipment
from tests.trade import priced_product, trading_dealer

DAY = datetime.date(2026, 6, 15)


def _account(dealer):
    return CreditAccount.objects.get(dealer=dealer)


def _balances(dealer):
    account = _account(dealer)
    return account.reserved, account.receivable, account.available


@pytest.fixture
def held_order(world, place, tea):
    """An order of 1,500.00 against a credit of 1,000.00: waiting for finance."""
    trading_dealer(world.dealer_a, credit_limit="1000.00")
    return place(world.dealer_a, [(tea, 15)], ordered_on=DAY)


@pytest.fixture
def approved_order(world, place, tea, agreement_a):
    """An approved order of 10 tea (1,000.00) and 5 coffee (250.00)."""
    coffee = priced_product("50.00", sku="COFFEE-1", units_per_case=12)
    return place(world.dealer_a, [(tea, 10), (coffee, 5)], ordered_on=DAY)


def _lines(order):
    tea_line, coffee_line = order.lines.order_by("id")
    return tea_line, coffee_line


@pytest.mark.django_db
def test_finance_approval_reserves_even_beyond_the_limit(world, held_order, finance):
    order = services.order_approve_credit(actor=finance, order=held_order)
    assert order.status == "approved" and order.approved_by == finance
    assert _balances(world.dealer_a) == (Decimal("1500.00"), Decimal("0.00"),
                                         Decimal("-500.00"))
    with pytest.raises(OrderStatusInvalid):
        services.order_approve_credit(actor=finance, order=order)
    assert _account(world.dealer_a).reserved == Decimal("1500.00")


@pytest.mark.django_db
def test_only_finance_approves_credit(world, held_order, north_rep, dealer_a_admin):
    for actor in (north_rep, dealer_a_admin):
        with pytest.raises(NotAllowed):
            services.order_approve_credit(actor=actor, order=held_order)
    held_order.refresh_from_db()
    assert held_order.status == "submitted"
    assert _account(world.dealer_a).reserved == Decimal("0.00")


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_reserves_nothing(world, held_order, finance):
    with pytest.raises(ReasonRequired):
        services.order_reject(actor=finance, order=held_order, reason="  ")
    order = services.order_reject(actor=finance, order=held_order, reason="超出授信")
    assert order.status == "rejected" and order.decision_reason == "超出授信"
    assert _account(world.dealer_a).reserved == Decimal("0.00")
    assert queries.approval_queue(user=finance).count() == 0


@pytest.mark.django_db
def test_cancelling_an_approved_order_releases_its_reserve(world, approved_order,
                                                          dealer_a_admin):
    assert _account(world.dealer_a).reserved == Decimal("1250.00")
    with pytest.raises(ReasonRequired):
        services.order_cancel(actor=dealer_a_admin, order=approved_order, reason="")
    order = services.order_cancel(actor=dealer_a_admin, order=approved_order, reason="下错单")
    assert order.status == "cancelled"
    assert _balances(world.dealer_a) == (Decimal("0.00"), Decimal("0.00"),
                                         Decimal("10000.00"))


@pytest.mark.django_db
def test_dealer_users_cannot_touch_another_dealers_order(world, approved_order,
                                                         dealer_b_admin, east_rep):
    for actor in (dealer_b_admin, east_rep):
        with pytest.raises(OrderNotAllowed):
            services.order_cancel(actor=actor, order=approved_order, reason="x")
        with pytest.raises(NotAllowed):
            services.return_request_create(actor=actor, order=approved_order, lines=[],
                                           reason="damaged")
    approved_order.refresh_from_db()
    assert approved_order.status == "approved"
    assert _account(world.dealer_a).reserved == Decimal("1250.00")


@pytest.mark.django_db
def test_shipping_partly_then_fully_moves_reserve_to_receivable(world, approved_order,
                                                                service, dealer_a_admin):
    tea_line, coffee_line = _lines(approved_order)
    first = services.order_ship(actor=service, order=approved_order,
                                lines=[(tea_line.pk, 4, "B2606A")], shipped_on=DAY)
    approved_order.refresh_from_db()
    assert approved_order.status == "partially_shipped"
    assert first.amount == Decimal("400.00") and first.number.startswith("SH")
    assert _balances(world.dealer_a) == (Decimal("850.00"), Decimal("400.00"),
                                         Decimal("8750.00"))
    invoice = Invoice.objects.get(shipment=first)
    assert invoice.amount == Decimal("400.00")
    assert invoice.due_on == DAY + datetime.timedelta(days=30)

    with pytest.raises(OrderStatusInvalid):  # partly shipped: close it, not cancel it
        services.order_cancel(actor=dealer_a_admin, order=approved_order, reason="x")

    second = services.order_ship(
        actor=service, order=approved_order, shipped_on=DAY,
        lines=[(tea_line.pk, 3, "B2606A"), (tea_line.pk, 3, "B2606B"),
               (coffee_line.pk, 5, "C01")])
    approved_order.refresh_from_db()
    assert approved_order.status == "shipped"
    assert second.amount == Decimal("850.00") and second.lines.count() == 3
    assert _balances(world.dealer_a) == (Decimal("0.00"), Decimal("1250.00"),
                                         Decimal("8750.00"))
    assert Invoice.objects.filter(dealer=world.dealer_a).count() == 2


@pytest.mark.django_db
def test_shipping_refuses_too_much_and_missing_batches(world, approved_order, service,
                                                       dealer_a_admin):
    tea_line, _coffee = _lines(approved_order)
    with pytest.raises(ShipmentInvalid) as caught:
        services.order_ship(actor=service, order=approved_order,
                            lines=[(tea_line.pk, 6, "B1"), (tea_line.pk, 5, "B2")])
    assert "TEA-500" in caught.value.message and "10" in caught.value.message
    with pytest.raises(ShipmentInvalid):
        services.order_ship(actor=service, order=approved_order, lines=[(tea_line.pk, 1, " ")])
    with pytest.raises(NotAllowed):
        services.order_ship(actor=dealer_a_admin, order=approved_order,
                            lines=[(tea_line.pk, 1, "B1")])
    assert not Shipment.objects.exists() and not Invoice.objects.exists()
    assert _account(world.dealer_a).reserved == Decimal("1250.00")


@pytest.mark.django_db
def test_a_held_order_cannot_ship(world, held_order, service):
    with pytest.raises(OrderStatusInvalid):
        services.order_ship(actor=service, order=held_order,
                            lines=[(held_order.lines.get().pk, 1, "B1")])


@pytest.mark.django_db
def test_product_codes_per_unit_and_per_case(world, approved_order, service, hq_admin):
    tea_line, coffee_line = _lines(approved_order)
    by_unit = services.order_ship(actor=service, order=approved_order, code_kind="unit",
                                  lines=[(tea_line.pk, 10, "B1")], shipped_on=DAY)
    assert ProductCode.objects.filter(shipment_line__shipment=by_unit).count() == 10
    # 5 coffee at 12 a case: one partial case holding the 5.
    by_case = services.order_ship(actor=service, order=approved_order, code_kind="case",
                                  lines=[(coffee_line.pk, 5, "C1")], shipped_on=DAY)
    codes = list(ProductCode.objects.filter(shipment_line__shipment=by_case))
    assert [(c.kind, c.units) for c in codes] == [("case", 5)]
    every = list(ProductCode.objects.order_by("pk").values_list("code", flat=True))
    assert len(set(every)) == 11 and all(len(code) == 16 for code in every)

    found = queries.product_code_trace(user=hq_admin, code=every[0].lower())
    assert found.dealer == world.dealer_a and found.shipment_line.batch_number == "B1"
    assert found.shipment_line.shipment == by_unit


@pytest.mark.django_db
def test_cases_with_a_partial_case(world, place, service):
    trading_dealer(world.dealer_a)
    juice = priced_product("5.00", sku="JUICE-24", units_per_case=24)
    order = place(world.dealer_a, [(juice, 50)], ordered_on=DAY)
    shipment = services.order_ship(actor=service, order=order, code_kind="case",
                                   lines=[(order.lines.get().pk, 50, "J1")], shipped_on=DAY)
    units = sorted(ProductCode.objects.filter(shipment_line__shipment=shipment)
                   .values_list("units", flat=True))
    assert units == [2, 24, 24]


@pytest.mark.django_db
def test_tracing_codes_is_for_staff_within_scope(world, approved_order, service,
                                                 dealer_a_admin, east_rep):
    from django.http import Http404

    tea_line, _coffee = _lines(approved_order)
    services.order_ship(actor=service, order=approved_order, code_kind="unit",
                        lines=[(tea_line.pk, 1, "B1")], shipped_on=DAY)
    code = ProductCode.objects.get().code
    with pytest.raises(NotAllowed):
        queries.product_code_trace(user=dealer_a_admin, code=code)
    with pytest.raises(Http404):
        queries.product_code_trace(user=east_rep, code=code)


@pytest.mark.django_db
def test_delivery_then_closing(world, approved_order, service):
    tea_line, coffee_line = _lines(approved_order)
    first = services.order_ship(actor=service, order=approved_order, shipped_on=DAY,
                                lines=[(tea_line.pk, 10, "B1")])
    services.shipment_deliver(actor=service, shipment=first,
                              delivered_on=DAY + datetime.timedelta(days=2))
    approved_order.refresh_from_db()
    assert approved_order.status == "partially_shipped"
    # The coffee will not ship: closing gives its 250.00 back.
    services.order_close(actor=service, order=approved_order, reason="缺货")
    approved_order.refresh_from_db()
    assert approved_order.status == "closed"
    assert _balances(world.dealer_a) == (Decimal("0.00"), Decimal("1000.00"),
                                         Decimal("9000.00"))


@pytest.mark.django_db
def test_order_is_delivered_when_fully_shipped_and_every_shipment_arrived(
        world, approved_order, service, dealer_a_admin):
    tea_line, coffee_line = _lines(approved_order)
    first = services.order_ship(actor=service, order=approved_order, shipped_on=DAY,
                                lines=[(tea_line.pk, 10, "B1")])
    second = services.order_ship(actor=service, order=approved_order, shipped_on=DAY,
                                 lines=[(coffee_line.pk, 5, "C1")])
    services.shipment_deliver(actor=dealer_a_admin, shipment=second, delivered_on=DAY)
    approved_order.refresh_from_db()
    assert approved_order.status == "shipped"
    services.shipment_deliver(actor=service, shipment=first, delivered_on=DAY)
    approved_order.refresh_from_db()
    assert approved_order.status == "delivered"
    with pytest.raises(OrderStatusInvalid):
        services.shipment_deliver(actor=service, shipment=first)
    services.order_close(actor=service, order=approved_order)
    assert Order.objects.get(pk=approved_order.pk).status == "closed"


@pytest.mark.django_db
def test_a_received_return_raises_a_credit_note_that_lowers_receivable(
        world, approved_order, service, finance, dealer_a_admin):
    tea_line, coffee_line = _lines(approved_order)
    services.order_ship(actor=service, order=approved_order, shipped_on=DAY,
                        lines=[(tea_line.pk, 10, "B1")])
    assert _account(world.dealer_a).receivable == Decimal("1000.00")

    with pytest.raises(ReturnInvalid):  # coffee never shipped
        services.return_request_create(actor=dealer_a_admin, order=approved_order,
                                       lines=[(coffee_line.pk, 1)], reason="damaged")
    request = services.return_request_create(actor=dealer_a_admin, order=approved_order,
                                             lines=[(tea_line.pk, 3)], reason="damaged",
                                             description="外箱破损")
    assert request.amount == Decimal("300.00") and request.status == "requested"
    with pytest.raises(ReturnInvalid):  # 3 already asked for: only 7 more may come back
        services.return_request_create(actor=dealer_a_admin, order=approved_order,
                                       lines=[(tea_line.pk, 8)], reason="damaged")
    with pytest.raises(NotAllowed):
        services.return_approve(actor=dealer_a_admin, return_request=request)
    with pytest.raises(OrderStatusInvalid):  # must be approved first
        services.return_receive(actor=finance, return_request=request)

    services.return_approve(actor=finance, return_request=request)
    services.return_receive(actor=service, return_request=request, received_on=DAY)
    request.refresh_from_db()
    tea_line.refresh_from_db()
    assert request.status == "received" and tea_line.returned_quantity == 3
    note = Invoice.objects.get(return_request=request)
    assert note.kind == "credit_note" and note.amount == Decimal("-300.00")
    assert _account(world.dealer_a).receivable == Decimal("700.00")


@pytest.mark.django_db
def test_a_rejected_return_frees_its_quantity(world, approved_order, service, finance,
                                              dealer_a_admin):
    tea_line, _coffee = _lines(approved_order)
    services.order_ship(actor=service, order=approved_order, shipped_on=DAY,
                        lines=[(tea_line.pk, 10, "B1")])
    request = services.return_request_create(actor=dealer_a_admin, order=approved_order,
                                             lines=[(tea_line.pk, 10)], reason="quality")
    with pytest.raises(ReasonRequired):
        services.return_reject(actor=finance, return_request=request, reason="")
    services.return_reject(actor=finance, return_request=request, reason="无质量问题")
    assert ReturnRequest.objects.get(pk=request.pk).status == "rejected"
    again = services.return_request_create(actor=dealer_a_admin, order=approved_order,
                                           lines=[(tea_line.pk, 10)], reason="quality")
    assert again.amount == Decimal("1000.00")
