"""Builders of money rows for the finance tests.

Orders and shipments are written directly (the orders services belong to another app);
invoices are raised through finance.services.receivable_raise, as shipping does, so the
credit account's running balances move exactly as in production.
"""

import datetime
import itertools
from decimal import Decimal

import factory
from django.db import transaction
from django.db.models import F

from qudao.finance import services
from qudao.finance.models import CreditAccount, Invoice, Payment
from qudao.orders.models import Order, OrderLine, Shipment
from tests.factories import ProductFactory

_numbers = itertools.count(1)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.LazyFunction(lambda: f"SO-T{next(_numbers):08d}")
    status = "approved"
    ordered_on = datetime.date(2026, 1, 5)


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    number = factory.LazyFunction(lambda: f"SH-T{next(_numbers):08d}")
    order = factory.SubFactory(OrderFactory)
    dealer = factory.SelfAttribute("order.dealer")
    shipped_on = datetime.date(2026, 1, 6)


def approved_order(dealer, amount: Decimal | str, *, ordered_on=datetime.date(2026, 1, 5),
                   quantity: int = 1) -> Order:
    """An approved order of one line worth `amount`, its total reserved on the account."""
    amount = Decimal(amount)
    product = ProductFactory()
    order = OrderFactory(dealer=dealer, ordered_on=ordered_on, total_amount=amount,
                         total_quantity=quantity)
    OrderLine.objects.create(order=order, dealer=dealer, ordered_on=ordered_on, product=product,
                             quantity=quantity, list_price=amount / quantity,
                             unit_price=amount / quantity, amount=amount)
    with transaction.atomic():
        account = services.credit_account_lock(dealer_id=dealer.pk)
        services.credit_reserve(account=account, amount=amount)
    return order


def ship(order: Order, *, quantity: int | None = None, shipped_on=datetime.date(2026, 1, 6)
         ) -> Shipment:
    """Ship `quantity` (all that is left by default) of the order's line, without invoicing."""
    line = order.lines.get()
    quantity = quantity or line.quantity - line.shipped_quantity
    OrderLine.objects.filter(pk=line.pk).update(shipped_quantity=F("shipped_quantity")
                                                + quantity)
    line.refresh_from_db()
    order.status = "shipped" if line.shipped_quantity == line.quantity else "partially_shipped"
    order.save(update_fields=["status"])
    return ShipmentFactory(order=order, dealer=order.dealer, shipped_on=shipped_on,
                           amount=line.unit_price * quantity)


def invoiced(dealer, amount: Decimal | str, *, shipped_on: datetime.date,
             terms_days: int = 30) -> Invoice:
    """An invoice of `amount` issued on `shipped_on`, due `terms_days` later, raised the way
    shipping raises it (order approved and reserved, shipped in full, receivable_raise)."""
    order = approved_order(dealer, amount, ordered_on=shipped_on)
    shipment = ship(order, shipped_on=shipped_on)
    return services.receivable_raise(shipment=shipment, payment_terms_days=terms_days)


def invoice_due(dealer, amount: Decimal | str, *, due_on: datetime.date,
                terms_days: int = 30) -> Invoice:
    """An invoice of `amount` falling due on `due_on`."""
    return invoiced(dealer, amount, shipped_on=due_on - datetime.timedelta(days=terms_days),
                    terms_days=terms_days)


def balances(dealer) -> dict:
    """The account's running receivable and reserved, to compare with the recompute."""
    account = CreditAccount.objects.get(dealer=dealer)
    return {"receivable": account.receivable, "reserved": account.reserved}


def bare_invoice(dealer, amount: Decimal | str = "100.00", **fields) -> Invoice:
    """An invoice row with no shipment and no balance movement (access-matrix records)."""
    n = next(_numbers)
    values = {"number": f"IV-T{n:08d}", "dealer": dealer, "issued_on": datetime.date(2026, 1, 6),
              "due_on": datetime.date(2026, 2, 5), "amount": Decimal(amount)}
    values.update(fields)
    return Invoice.objects.create(**values)


def bare_payment(dealer, amount: Decimal | str = "100.00", **fields) -> Payment:
    """A payment row with no allocation and no balance movement (access-matrix records)."""
    n = next(_numbers)
    values = {"number": f"PM-T{n:08d}", "dealer": dealer,
              "received_on": datetime.date(2026, 1, 10), "amount": Decimal(amount)}
    values.update(fields)
    return Payment.objects.create(**values)
