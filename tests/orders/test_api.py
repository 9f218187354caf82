"""The orders API: placing, refusals with stable codes, actions, scope, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.finance.models import CreditAccount
from qudao.orders.models import Order, ProductCode
from tests.orders.factories import order_row, return_row, shipment_row
from tests.trade import priced_product, trading_dealer

DAY = "2026-06-15"


def _post(client, url, body=None):
    return client.post(url, data=body or {}, content_type="application/json")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_dealer_user_places_an_order_for_its_own_dealer(world, dealer_a_staff, login, tea,
                                                        agreement_a):
    client = login(dealer_a_staff)
    response = _post(client, "/api/orders", {
        "lines": [{"product_id": tea.pk, "quantity": 2}], "ordered_on": DAY,
        "delivery_address": "石家庄裕华路 1 号"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "approved" and body["dealer_id"] == world.dealer_a.pk
    assert body["total_amount"] == "200.00" and body["lines"][0]["sku"] == "TEA-500"
    assert Order.objects.get().channel == "api"


@pytest.mark.django_db
def test_refusals_answer_409_with_a_stable_code_and_write_nothing(world, hq_admin, login,
                                                                  agreement_a):
    box = priced_product("10.00", sku="BOX-6", order_multiple=6)
    client = login(hq_admin)
    response = _post(client, "/api/orders", {
        "dealer_id": world.dealer_a.pk, "lines": [{"product_id": box.pk, "quantity": 4}],
        "ordered_on": DAY})
    assert response.status_code == 409
    assert response.json()["code"] == "order_lines_invalid"
    assert "BOX-6" in response.json()["errors"]["lines.BOX-6"]
    response = _post(client, "/api/orders", {
        "dealer_id": world.dealer_a.pk, "lines": [{"product_id": box.pk, "quantity": 6}],
        "ordered_on": DAY, "delivery_territory_id": world.hangzhou.pk})
    assert response.json()["code"] == "outside_territory"
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_a_dealer_cannot_order_for_or_read_another_dealer(world, dealer_b_admin, login, tea,
                                                         agreement_a):
    client = login(dealer_b_admin)
    response = _post(client, "/api/orders", {
        "dealer_id": world.dealer_a.pk, "lines": [{"product_id": tea.pk, "quantity": 1}]})
    assert response.status_code == 404
    other = order_row(world.dealer_a)
    assert client.get(f"/api/orders/{other.pk}").status_code == 404
    assert _post(client, f"/api/orders/{other.pk}/cancel", {"reason": "x"}).status_code == 404
    assert not client.get("/api/orders").json()["items"]


@pytest.mark.django_db
def test_finance_approves_then_the_desk_ships_and_a_return_is_credited(
        world, hq_admin, finance, service, dealer_a_admin, login, tea):
    trading_dealer(world.dealer_a, credit_limit="100.00")
    client = login(hq_admin)
    order = _post(client, "/api/orders", {"dealer_id": world.dealer_a.pk, "ordered_on": DAY,
                                          "lines": [{"product_id": tea.pk, "quantity": 3}]})
    order = order.json()
    assert order["status"] == "submitted" and "300.00" in order["hold_reason"]
    client = login(finance)
    assert client.get("/api/orders?awaiting=true").json()["count"] == 1
    approved = _post(client, f"/api/orders/{order['id']}/approve").json()
    assert approved["status"] == "approved" and approved["approved_by_id"] == finance.pk
    client = login(service)
    shipped = _post(client, f"/api/orders/{order['id']}/ship", {
        "lines": [{"order_line_id": order["lines"][0]["id"], "quantity": 3,
                   "batch_number": "B1"}], "shipped_on": DAY, "code_kind": "unit"})
    assert shipped.status_code == 201 and shipped.json()["code_count"] == 3
    code = ProductCode.objects.first().code
    traced = client.get(f"/api/product-codes/{code}").json()
    assert traced["dealer_code"] == "A0001" and traced["batch_number"] == "B1"
    account = CreditAccount.objects.get(dealer=world.dealer_a)
    assert (account.reserved, account.receivable) == (Decimal("0.00"), Decimal("300.00"))

    client = login(dealer_a_admin)
    assert client.get(f"/api/product-codes/{code}").status_code == 403
    created = _post(client, "/api/returns", {
        "order_id": order["id"], "reason": "quality",
        "lines": [{"order_line_id": order["lines"][0]["id"], "quantity": 1}]})
    assert created.status_code == 201
    return_id = created.json()["id"]
    client = login(service)
    _post(client, f"/api/returns/{return_id}/approve")
    received = _post(client, f"/api/returns/{return_id}/receive",
                     {"received_on": "2026-06-20"}).json()
    assert received["status"] == "received"
    account.refresh_from_db()
    assert account.receivable == Decimal("200.00")


@pytest.mark.django_db
def test_api_lists_query_counts_do_not_grow(world, hq_admin, north_rep, login):
    def seed():
        order = order_row(world.dealer_a, status="shipped")
        shipment_row(order, codes=2)
        return_row(order)

    seed()
    urls = ["/api/orders", "/api/shipments", "/api/returns", "/api/orders?dealer=A00"]
    for user in (hq_admin, north_rep):
        client = login(user)
        few = {url: _queries(client, url) for url in urls}
        for _i in range(8):
            seed()
        assert {url: _queries(client, url) for url in urls} == few
    body = login(north_rep).get("/api/shipments").json()
    assert body["count"] == 17 and body["items"][0]["code_count"] == 2
    assert body["items"][0]["line_count"] == 1


@pytest.mark.django_db
def test_order_detail_query_count_does_not_grow(world, hq_admin, login):
    order = order_row(world.dealer_a, status="shipped")
    client = login(hq_admin)
    few = _queries(client, f"/api/orders/{order.pk}")
    for _i in range(5):
        shipment_row(order, codes=3)
        return_row(order)
    assert _queries(client, f"/api/orders/{order.pk}") == few
    assert len(client.get(f"/api/orders/{order.pk}").json()["shipments"]) == 5


@pytest.mark.django_db
def test_delivery_confirmed_through_the_api(world, service, login):
    order = order_row(world.dealer_a, status="shipped")
    shipment = shipment_row(order)
    client = login(service)
    body = _post(client, f"/api/shipments/{shipment.pk}/deliver",
                 {"delivered_on": str(datetime.date(2026, 6, 20))}).json()
    assert body["status"] == "delivered"
    assert Order.objects.get(pk=order.pk).status == "delivered"
