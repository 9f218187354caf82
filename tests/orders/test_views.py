"""Order pages: what staff and dealer users see and do, and constant query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from qudao.finance.models import CreditAccount
from qudao.orders import queries, services
from qudao.orders.models import Order, ProductCode, ReturnRequest, Shipment
from tests.helpers import page_queries
from tests.orders.factories import order_row, return_row, shipment_row
from tests.trade import TERM_END, TERM_START, priced_product, trading_dealer

TODAY = datetime.date.today()
IN_TERM = TERM_START <= TODAY <= TERM_END
needs_term = pytest.mark.skipif(not IN_TERM, reason="the test agreements run through 2026")


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _sheet(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_order_list_query_count_does_not_grow(world, hq_admin, dealer_a_admin, login):
    client = login(hq_admin)
    order_row(world.dealer_a)
    few = page_queries(client, "/orders/")
    for i in range(30):
        order_row(world.dealer_a if i % 2 else world.dealer_b)
    assert page_queries(client, "/orders/") == few
    client = login(dealer_a_admin)
    few = page_queries(client, "/orders/?status=approved")
    for _i in range(10):
        order_row(world.dealer_a)
    assert page_queries(client, "/orders/?status=approved") == few


@pytest.mark.django_db
def test_other_lists_and_detail_pages_query_counts_do_not_grow(world, hq_admin, login):
    client = login(hq_admin)
    order = order_row(world.dealer_a, status="shipped")
    shipment = shipment_row(order, codes=3)
    request = return_row(order)
    order_row(world.dealer_b, status="submitted")
    urls = ["/orders/shipments/", "/orders/returns/", "/orders/approvals/",
            f"/orders/{order.pk}/", f"/orders/shipments/{shipment.pk}/",
            f"/orders/returns/{request.pk}/"]
    for url in urls:  # warm the content-type cache the history reads through
        page_queries(client, url)
    few = {url: page_queries(client, url) for url in urls}
    for _i in range(12):
        other = order_row(world.dealer_a, status="submitted")
        shipment_row(other, codes=4)
        return_row(other)
    ProductCode.objects.bulk_create(
        ProductCode(code=f"EXTRA{i:05d}", kind="unit", shipment_line=shipment.lines.get(),
                    product=shipment.lines.get().product, dealer=world.dealer_a)
        for i in range(20))
    assert {url: page_queries(client, url) for url in urls} == few


@pytest.mark.django_db
def test_dealer_sees_only_its_own_orders(world, dealer_a_admin, login):
    own = order_row(world.dealer_a)
    other = order_row(world.dealer_b)
    client = login(dealer_a_admin)
    body = client.get("/orders/").content.decode()
    assert own.number in body and other.number not in body
    assert client.get(f"/orders/{other.pk}/").status_code == 404
    assert client.post(f"/orders/{other.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert Order.objects.get(pk=other.pk).status == "approved"
    other_shipment = shipment_row(order_row(world.dealer_b))
    assert client.get(f"/orders/shipments/{other_shipment.pk}/").status_code == 404
    assert client.get(f"/orders/shipments/{other_shipment.pk}/codes/").status_code == 404
    assert client.get(f"/orders/returns/{return_row(other).pk}/").status_code == 404
    assert client.get("/orders/codes/").status_code == 403


@pytest.mark.django_db
def test_order_export_follows_the_filters(world, hq_admin, login):
    held = order_row(world.dealer_a, status="submitted")
    order_row(world.dealer_b)
    client = login(hq_admin)
    rows = _sheet(client.get("/orders/export/?status=submitted"))
    assert rows[0][0] == "Order number"
    assert [row[0] for row in rows[1:]] == [held.number]


@needs_term
@pytest.mark.django_db
def test_dealer_places_an_order_in_the_portal(world, dealer_a_admin, login, tea):
    trading_dealer(world.dealer_a, credit_limit="1000.00")
    client = login(dealer_a_admin)
    page = client.get("/orders/new/")
    assert page.status_code == 200 and "Available credit" in page.content.decode()
    found = client.get("/orders/new/products/?q=TEA").content.decode()
    assert "TEA-500" in found and "100.00" in found
    response = client.post("/orders/new/", {f"qty_{tea.pk}": "3",
                                            "delivery_territory": world.shijiazhuang.pk})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert order.status == "approved" and order.channel == "portal"
    assert order.placed_by == dealer_a_admin and order.total_amount == Decimal("300.00")


@needs_term
@pytest.mark.django_db
def test_a_refused_order_shows_the_error_beside_its_line(world, dealer_a_admin, login):
    trading_dealer(world.dealer_a)
    box = priced_product("10.00", sku="BOX-6", order_multiple=6)
    client = login(dealer_a_admin)
    response = client.post("/orders/new/", {f"qty_{box.pk}": "5"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-sku="BOX-6"' in body and "multiples of 6" in body
    assert f'name="qty_{box.pk}" value="5"' in body
    assert not Order.objects.exists()


@needs_term
@pytest.mark.django_db
def test_rep_chooses_the_dealer_then_orders_beyond_credit(world, north_rep, login, tea):
    trading_dealer(world.dealer_a, credit_limit="100.00")
    client = login(north_rep)
    choose = client.get("/orders/new/?q=A000").content.decode()
    assert world.dealer_a.name in choose and world.dealer_b.name not in choose
    assert client.get(f"/orders/new/?dealer={world.dealer_b.pk}").status_code == 404
    response = client.post("/orders/new/", {"dealer": world.dealer_a.pk,
                                            f"qty_{tea.pk}": "2"}, follow=True)
    order = Order.objects.get()
    assert order.status == "submitted" and order.channel == "rep"
    assert "waits for finance approval" in response.content.decode()


@pytest.mark.django_db
def test_finance_approves_from_the_queue_and_rejects_with_a_reason(world, finance, login,
                                                                   tea, place):
    trading_dealer(world.dealer_a, credit_limit="100.00")
    first = place(world.dealer_a, [(tea, 2)], ordered_on=datetime.date(2026, 6, 1))
    second = place(world.dealer_a, [(tea, 3)], ordered_on=datetime.date(2026, 6, 1))
    client = login(finance)
    queue = client.get("/orders/approvals/").content.decode()
    assert first.number in queue and "exceeds the available credit" in queue
    client.post(f"/orders/{first.pk}/approve/", {"next": "/orders/approvals/"})
    response = client.post(f"/orders/{second.pk}/reject/", {"reason": ""}, follow=True)
    assert "reason" in response.content.decode().lower()
    assert Order.objects.get(pk=second.pk).status == "submitted"
    client.post(f"/orders/{second.pk}/reject/", {"reason": "额度不足"})
    assert Order.objects.get(pk=first.pk).status == "approved"
    assert Order.objects.get(pk=second.pk).status == "rejected"
    assert CreditAccount.objects.get(dealer=world.dealer_a).reserved == Decimal("200.00")


@pytest.mark.django_db
def test_ship_page_records_a_shipment_with_codes_exportable(world, service, login, tea,
                                                            place, agreement_a):
    order = place(world.dealer_a, [(tea, 30)], ordered_on=datetime.date(2026, 6, 1))
    line = order.lines.get()
    client = login(service)
    assert client.get(f"/orders/{order.pk}/ship/").status_code == 200
    response = client.post(f"/orders/{order.pk}/ship/", {
        f"qty_{line.pk}": "30", f"batch_{line.pk}": "", "code_kind": "case"})
    assert "batch number" in response.content.decode()
    assert not Shipment.objects.exists()
    response = client.post(f"/orders/{order.pk}/ship/", {
        f"qty_{line.pk}": "30", f"batch_{line.pk}": "B2606", "code_kind": "case",
        "shipped_on": "2026-06-02"})
    shipment = Shipment.objects.get()
    assert response["Location"] == f"/orders/shipments/{shipment.pk}/"
    rows = _sheet(client.get(f"/orders/shipments/{shipment.pk}/codes/"))
    assert [row[2] for row in rows[1:]] == [24, 6]
    assert {row[5] for row in rows[1:]} == {"B2606"}
    detail = client.get(f"/orders/{order.pk}/").content.decode()
    assert shipment.number in detail


@pytest.mark.django_db
def test_dealer_requests_a_return_in_the_portal(world, dealer_a_admin, service, login,
                                                tea, place, agreement_a):
    order = place(world.dealer_a, [(tea, 5)], ordered_on=datetime.date(2026, 6, 1))
    line = order.lines.get()
    services.order_ship(actor=service, order=order, lines=[(line.pk, 5, "B1")],
                        shipped_on=datetime.date(2026, 6, 2))
    client = login(dealer_a_admin)
    response = client.post(f"/orders/returns/new/{order.pk}/",
                           {f"qty_{line.pk}": "9", "reason": "damaged"})
    assert "more than the 5" in response.content.decode()
    response = client.post(f"/orders/returns/new/{order.pk}/",
                           {f"qty_{line.pk}": "2", "reason": "damaged"})
    request = ReturnRequest.objects.get()
    assert response["Location"] == f"/orders/returns/{request.pk}/"
    assert request.amount == Decimal("200.00")
    assert client.post(f"/orders/returns/{request.pk}/approve/").status_code == 403


@pytest.mark.django_db
def test_dealer_panel_query_count_does_not_grow(world, hq_admin, django_assert_num_queries):
    order_row(world.dealer_a, status="submitted")
    with django_assert_num_queries(2):
        panel = queries.dealer_panel(user=hq_admin, dealer=world.dealer_a)
    assert panel["awaiting_count"] == 1
    for _i in range(10):
        order_row(world.dealer_a)
    hq_admin._qudao_covered_paths = None
    with django_assert_num_queries(2):
        panel = queries.dealer_panel(user=hq_admin, dealer=world.dealer_a)
    assert panel["open_count"] == 11 and len(panel["recent_orders"]) == 5
