"""50 orders at once against one dealer's credit on PostgreSQL: the accepted total never
exceeds the limit, because each order's credit check waits on the account's row lock."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from qudao.finance.models import CreditAccount
from qudao.orders import services
from qudao.orders.models import Order
from tests.trade import priced_product, trading_dealer

DAY = datetime.date(2026, 6, 15)
THREADS = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_orders_never_approve_more_than_the_credit_limit(world, hq_admin):
    limit = Decimal("5000.00")
    trading_dealer(world.dealer_a, credit_limit=limit)
    tea = priced_product("100.00", sku="TEA-500")
    # 50 orders of 3 to 5 pieces: 20,000.00 asked for against 5,000.00 of credit.
    quantities = [3 + i % 3 for i in range(THREADS)]

    def place(quantity: int) -> str:
        try:
            return services.order_place(actor=hq_admin, dealer=world.dealer_a,
                                        lines=[(tea.pk, quantity)], ordered_on=DAY).status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(place, quantities))

    assert len(statuses) == THREADS
    orders = Order.objects.filter(dealer=world.dealer_a)
    assert orders.count() == THREADS
    approved = orders.filter(status="approved")
    approved_total = approved.aggregate(total=Sum("total_amount"))["total"] or Decimal("0")
    assert Decimal("0") < approved_total <= limit
    assert CreditAccount.objects.get(dealer=world.dealer_a).reserved == approved_total
    held = orders.exclude(status="approved")
    assert held.count() == THREADS - approved.count() > 0
    assert set(held.values_list("status", flat=True)) == {"submitted"}
    assert not held.filter(hold_reason="").exists()
    # Greedy in arrival order: once refused, an order left less than the smallest order.
    assert limit - approved_total < Decimal("300.00") or approved.count() == THREADS
