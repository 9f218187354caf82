"""Rows of orders, shipments, money and stock reports for stock, target and dashboard tests.

Written directly (no services, no audit events): the order and finance services are built
elsewhere, and these tests only need the rows those services would leave behind.
"""

import datetime
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from qudao.agreements.models import AgreementTarget
from qudao.finance.models import Invoice, Payment
from qudao.orders.models import Order, OrderLine, Shipment, ShipmentLine
from qudao.stock.models import FlowLine, StockLine, StockReport

_numbers = itertools.count(1)


def _number(prefix: str) -> str:
    return f"{prefix}T{next(_numbers):08d}"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.LazyFunction(lambda: _number("SO"))
    status = "approved"
    ordered_on = datetime.date(2026, 3, 1)


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    dealer = factory.LazyAttribute(lambda o: o.order.dealer)
    ordered_on = factory.LazyAttribute(lambda o: o.order.ordered_on)
    quantity = 1
    list_price = Decimal("100.00")
    unit_price = Decimal("100.00")
    amount = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


def sale(dealer, product, day: datetime.date, amount: Decimal | str, *,
         status: str = "approved") -> OrderLine:
    """An order of one line worth `amount`, with the order's total kept equal to it."""
    amount = Decimal(amount)
    order = OrderFactory(dealer=dealer, ordered_on=day, status=status, total_amount=amount,
                         total_quantity=1)
    return OrderLineFactory(order=order, product=product, unit_price=amount, list_price=amount)


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    number = factory.LazyFunction(lambda: _number("SH"))
    dealer = factory.LazyAttribute(lambda o: o.order.dealer)
    shipped_on = datetime.date(2026, 3, 1)


def shipped(dealer, product, day: datetime.date, quantity: int, batch: str = "B1",
            price: Decimal | str = "10.00") -> ShipmentLine:
    """An order of `quantity` units shipped in full on `day` from batch `batch`."""
    price = Decimal(price)
    order = OrderFactory(dealer=dealer, ordered_on=day, status="shipped",
                         total_amount=price * quantity, total_quantity=quantity)
    line = OrderLineFactory(order=order, product=product, quantity=quantity, unit_price=price,
                            list_price=price, shipped_quantity=quantity)
    shipment = ShipmentFactory(order=order, shipped_on=day, amount=price * quantity)
    return ShipmentLine.objects.create(shipment=shipment, order_line=line, product=product,
                                       quantity=quantity, batch_number=batch,
                                       amount=price * quantity)


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    number = factory.LazyFunction(lambda: _number("IV"))
    issued_on = datetime.date(2026, 1, 1)
    due_on = factory.LazyAttribute(lambda o: o.issued_on + datetime.timedelta(days=30))
    amount = Decimal("1000.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    number = factory.LazyFunction(lambda: _number("PM"))
    received_on = datetime.date(2026, 3, 1)
    amount = Decimal("1000.00")


class StockReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockReport

    period = datetime.date(2026, 3, 1)
    submitted_at = factory.LazyFunction(timezone.now)


class StockLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLine

    quantity = 10


class FlowLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlowLine

    sold_on = factory.LazyAttribute(lambda o: o.report.period)
    quantity = 1
    customer_name = "门店"


def monthly_targets(agreement, amounts: dict[int, Decimal | str], year: int = 2026) -> None:
    """Monthly targets of `agreement`: {month number: amount}."""
    AgreementTarget.objects.bulk_create(
        AgreementTarget(agreement=agreement, month=datetime.date(year, month, 1),
                        amount=Decimal(amount)) for month, amount in amounts.items())
