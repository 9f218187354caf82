"""Rows of orders, shipments, codes and returns written directly (no services, no audit)."""

import datetime
import itertools
import secrets
from decimal import Decimal

from qudao.orders.models import (
    Order,
    OrderLine,
    ProductCode,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)
from tests.factories import ProductFactory

_numbers = itertools.count(1)
DAY = datetime.date(2026, 6, 15)


def order_row(dealer, *, status: str = "approved", quantity: int = 2,
              unit_price: Decimal = Decimal("10.00"), product=None,
              ordered_on: datetime.date = DAY) -> Order:
    """An order of one line, as the service would have left it in `status`."""
    product = product or ProductFactory()
    amount = unit_price * quantity
    order = Order.objects.create(number=f"SO-T{next(_numbers):07d}", dealer=dealer,
                                 status=status, ordered_on=ordered_on, total_amount=amount,
                                 total_quantity=quantity)
    OrderLine.objects.create(order=order, dealer=dealer, ordered_on=ordered_on,
                             product=product, quantity=quantity, list_price=unit_price,
                             unit_price=unit_price, amount=amount)
    return order


def shipment_row(order: Order, *, codes: int = 0) -> Shipment:
    """A shipment of the order's first line in full, with `codes` unit codes."""
    line = order.lines.first()
    shipment = Shipment.objects.create(number=f"SH-T{next(_numbers):07d}", order=order,
                                       dealer=order.dealer, shipped_on=order.ordered_on,
                                       amount=line.amount, code_kind="unit" if codes else "")
    row = ShipmentLine.objects.create(shipment=shipment, order_line=line,
                                      product=line.product, quantity=line.quantity,
                                      batch_number="B-T1", amount=line.amount)
    OrderLine.objects.filter(pk=line.pk).update(shipped_quantity=line.quantity)
    ProductCode.objects.bulk_create(
        ProductCode(code=secrets.token_hex(8).upper(), kind="unit", shipment_line=row,
                    product=line.product, dealer=order.dealer) for _i in range(codes))
    return shipment


def return_row(order: Order, *, status: str = "requested", quantity: int = 1) -> ReturnRequest:
    """A return of part of the order's first line."""
    line = order.lines.first()
    request = ReturnRequest.objects.create(number=f"RT-T{next(_numbers):07d}", order=order,
                                           dealer=order.dealer, reason="damaged",
                                           status=status, amount=line.unit_price * quantity)
    ReturnLine.objects.create(return_request=request, order_line=line, quantity=quantity,
                              amount=line.unit_price * quantity)
    return request
