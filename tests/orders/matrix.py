"""Access-matrix entries of the orders routes (see tests/api/test_access_matrix.py)."""

from qudao.dealers.models import Dealer
from tests.orders.factories import order_row, return_row, shipment_row


def _orders(world) -> dict:
    return {d.code: order_row(d, status="submitted").pk for d in Dealer.objects.all()}


def _shipments(world) -> dict:
    return {d.code: shipment_row(order_row(d, status="partially_shipped")).pk
            for d in Dealer.objects.all()}


def _returns(world) -> dict:
    result = {}
    for dealer in Dealer.objects.all():
        order = order_row(dealer, status="shipped")
        shipment_row(order)
        result[dealer.code] = return_row(order).pk
    return result


def _codes(world) -> dict:
    result = {}
    for dealer in Dealer.objects.all():
        shipment = shipment_row(order_row(dealer, status="shipped"), codes=1)
        result[dealer.code] = shipment.lines.get().codes.get().code
    return result


ROUTES: dict = {
    ("get", "/api/orders"): "scoped_list",
    ("post", "/api/orders"): "create",
    ("get", "/api/orders/{order_id}"): "order_read",
    ("post", "/api/orders/{order_id}/approve"): "order_write",
    ("post", "/api/orders/{order_id}/reject"): "order_write",
    ("post", "/api/orders/{order_id}/cancel"): "order_write",
    ("post", "/api/orders/{order_id}/ship"): "order_write",
    ("post", "/api/orders/{order_id}/close"): "order_write",
    ("get", "/api/shipments"): "scoped_list",
    ("get", "/api/shipments/{shipment_id}"): "shipment_read",
    ("post", "/api/shipments/{shipment_id}/deliver"): "shipment_write",
    ("get", "/api/returns"): "scoped_list",
    ("post", "/api/returns"): "create",
    ("get", "/api/returns/{return_id}"): "return_read",
    ("post", "/api/returns/{return_id}/approve"): "return_write",
    ("post", "/api/returns/{return_id}/reject"): "return_write",
    ("post", "/api/returns/{return_id}/receive"): "return_write",
    ("get", "/api/product-codes/{code}"): "product_code_read",
}
RECORDS: dict = {
    "order": ("order_id", _orders),
    "shipment": ("shipment_id", _shipments),
    "return": ("return_id", _returns),
    "product_code": ("code", _codes),
}
