"""A hand-built quarter, 2025 Q1, in the world of tests/conftest.py.

north_rep has dealers A (tier-1) and A-sub (tier-2), east_rep has B; Beijing has no rep;
A-shop is a terminal. Numbers are chosen so every figure of the report and the KPI can be
worked out by hand (see the tests for the sums).
"""

import datetime

import pytest

from qudao.dealers.models import Dealer
from tests.factories import ProductFactory
from tests.performance.factories import (
    agreement_make,
    contact_make,
    expense_make,
    fact,
    market_make,
    order_make,
    rating_make,
    request_make,
)

PERIOD = "2025-Q1"


@pytest.fixture
def quarter(world, north_rep, east_rep, north_manager):
    w = world
    Dealer.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
                          status_changed_at=None)
    Dealer.objects.filter(pk__in=[w.dealer_a.pk, w.dealer_a_sub.pk]).update(
        assigned_rep=north_rep)
    Dealer.objects.filter(pk=w.dealer_b.pk).update(assigned_rep=east_rep)
    a, sub, b, shop = w.dealer_a, w.dealer_a_sub, w.dealer_b, w.dealer_a_shop
    fact(a, "2023-05", order_amount="100", list_amount="100", order_count=1,
         first_order_day=datetime.date(2023, 5, 10))
    fact(a, "2024-01", order_amount="800", list_amount="800", order_count=1)
    fact(a, "2024-12", order_amount="300", list_amount="300", order_count=1)
    fact(a, "2025-01", order_amount="1000", list_amount="1250", order_quantity=100,
         order_count=2, invoiced_amount="1000", payment_amount="800", target_amount="1200",
         stock_reports=1, sold_quantity=80, active_customers=10, calls_out=1, visits=1,
         overdue30_added="200", overdue30_paid="50")
    fact(a, "2025-02", order_amount="500", list_amount="500", order_quantity=50, order_count=1,
         invoiced_amount="500", payment_amount="600", target_amount="1200", stock_reports=1,
         sold_quantity=60, active_customers=12)
    fact(sub, "2025-03", order_amount="250", list_amount="250", order_quantity=25,
         order_count=1, invoiced_amount="250", target_amount="300",
         first_order_day=datetime.date(2025, 3, 5))
    fact(b, "2024-02", order_amount="1000", list_amount="1000", order_count=1)
    fact(b, "2024-12", order_amount="400", list_amount="400", order_count=1)
    fact(b, "2025-01", order_amount="2000", list_amount="2000", order_quantity=200,
         order_count=1)
    fact(shop, "2025-02", visits=1)
    # Service: one complaint answered in time but resolved late, one request the other way.
    request_make(a, "complaint", "2025-02-03 09:00", response_due_h=4, response_h=2,
                 resolution_due_h=24, resolved_h=30)
    request_make(a, "logistics", "2025-02-10 09:00", response_due_h=4, response_h=6,
                 resolution_due_h=24, resolved_h=10)
    product = ProductFactory()
    order_make(a, "SO250201", "2025-02-01", product=product, amount="600",
               shipped="2025-02-03", delivered="2025-02-05")
    # A's first agreement was in 2023 (renewed in the period); A-sub's first is in it.
    agreement_make(a, "AG2023", "2023-01-01")
    agreement_make(a, "AG2025", "2025-01-10")
    agreement_make(sub, "AG2025S", "2025-02-15")
    contact_make(a, north_rep, "call_out", "2025-03-20 10:00")
    contact_make(a, north_rep, "visit", "2025-02-15 10:00")
    rating_make(a, north_rep, "2025-01", (5, 4, 3), "很专业")
    rating_make(sub, north_rep, "2025-01", (2, 2, 2), "响应慢")
    rating_make(b, east_rep, "2025-01", (1, 2, 2), "很少来")
    rating_make(w.dealer_beijing, east_rep, "2025-01", (2, 2, 3))
    expense_make(w.hebei, "2025-01", "promotion", "300")
    expense_make(w.hebei, "2025-02", "logistics", "75")
    expense_make(w.zhejiang, "2025-03", "staff", "100")
    expense_make(w.hebei, "2024-12", "other", "999")
    market_make(w.hebei, 2025, "100000")
    market_make(w.zhejiang, 2025, "200000")
    return w
