"""Hand-built evaluation fixtures: dealer-month facts, agreements, new products and their
orders, rated service requests, all written straight to the database."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from qudao.agreements.models import Agreement
from qudao.analytics.models import DealerMonth
from qudao.evaluation import services
from qudao.evaluation.models import Scorecard
from qudao.evaluation.periods import Period
from qudao.orders.models import Order, OrderLine
from tests.factories import ProductFactory

# A quarter long past (the tests never depend on today's date for it).
Q1 = Period("quarter", datetime.date(2025, 1, 1))
_numbers = itertools.count(1)


def month(text: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{text}-01")


def fact(dealer, when: str, **values) -> DealerMonth:
    """One dealer-month row; money given as numbers or strings."""
    for key, value in values.items():
        if isinstance(value, int | str) and key.endswith(("amount", "added", "paid", "days")):
            values[key] = Decimal(str(value))
    return DealerMonth.objects.create(dealer=dealer, month=month(when), **values)


def agreement(dealer, *, start: str, end: str, status: str = "active", **values) -> Agreement:
    return Agreement.objects.create(
        number=f"EVT{next(_numbers):05d}", dealer=dealer, status=status,
        start_date=datetime.date.fromisoformat(start), end_date=datetime.date.fromisoformat(end),
        **values)


def product_launched(on: str, **values):
    product = ProductFactory(**values)
    moment = timezone.make_aware(datetime.datetime.fromisoformat(f"{on}T10:00:00"))
    type(product).objects.filter(pk=product.pk).update(created_at=moment)
    return product


def ordered(dealer, product, on: str, *, status: str = "approved", quantity: int = 10
            ) -> OrderLine:
    day = datetime.date.fromisoformat(on)
    order = Order.objects.create(number=f"EVO{next(_numbers):06d}", dealer=dealer,
                                 status=status, ordered_on=day)
    return OrderLine.objects.create(order=order, dealer=dealer, ordered_on=day,
                                    product=product, quantity=quantity,
                                    unit_price=Decimal("10.00"), amount=Decimal(10 * quantity))


def computed(period: Period = Q1, dealer_ids=None) -> dict:
    return services.compute(period=period, dealer_ids=dealer_ids)


def card_of(dealer, period: Period = Q1) -> Scorecard:
    return Scorecard.objects.prefetch_related("lines").get(
        dealer=dealer, period_kind=period.kind, period_start=period.start)


def scores(card: Scorecard) -> dict[str, Decimal | None]:
    return {line.dimension: line.score for line in card.lines.all()}


def quarter_history(a) -> None:
    """Four months of facts of dealer `a` (2024-02, 2025 Q1) and an exclusive agreement since
    2022, with 2024 Q4 and 2025 Q1 computed: a scorecard to open in a browser test."""
    for when, sales, target, customers in (("2024-02", 90000, 0, 20),
                                           ("2025-01", 100000, 100000, 28),
                                           ("2025-02", 80000, 100000, 31),
                                           ("2025-03", 60000, 100000, 30)):
        DealerMonth.objects.create(
            dealer=a, month=month(when),
            order_amount=Decimal(sales), target_amount=Decimal(target), order_count=3,
            allocated_amount=Decimal(sales) / 2, late_amount_days=Decimal(sales),
            active_customers=customers, stock_reports=1, complaints=1 if sales == 80000 else 0)
    Agreement.objects.create(number="UIEV0001", dealer=a, status="active",
                             start_date=datetime.date(2022, 1, 1),
                             end_date=datetime.date(2027, 12, 31), exclusivity=True)
    for period in (Q1.shifted(-1), Q1):
        services.compute(period=period)
