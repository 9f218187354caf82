"""Typing the start of a document number finds it, in any letter case."""

import pytest

from tests.finance.factories import OrderFactory, ShipmentFactory


@pytest.mark.django_db
def test_order_and_shipment_lists_find_numbers_by_their_start(world, hq_admin, login):
    wanted = OrderFactory(dealer=world.dealer_a, number="SO2501090000012")
    OrderFactory(dealer=world.dealer_a, number="SO2502090000013")
    OrderFactory(dealer=world.dealer_b, number="SO2601090000014")
    ShipmentFactory(order=wanted, number="SH2501100000020")
    client = login(hq_admin)

    body = client.get("/orders/?number=so2501").content.decode()
    assert "SO2501090000012" in body
    assert "SO2502090000013" not in body and "SO2601090000014" not in body
    assert client.get("/api/orders?number=SO25").json()["count"] == 2
    assert client.get("/api/orders?number=SO2501090000012").json()["count"] == 1

    shipments = client.get("/orders/shipments/?order=so25010900").content.decode()
    assert "SH2501100000020" in shipments
