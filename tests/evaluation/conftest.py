"""A hand-built quarter (2025 Q1) for dealer A with exact expected scores (see `rich`)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.evaluation.factories import agreement, fact, ordered, product_launched
from tests.service.factories import request_make


@pytest.fixture(autouse=True)
def _service_seeded(request):
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from tests.service.seeds import ensure_seeded

    ensure_seeded()


def _at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


@dataclass
class Rich:
    dealer: object


@pytest.fixture
def rich(world) -> Rich:
    """Dealer A in 2025 Q1, every dimension with data:

    sales 100,000 + 80,000 + 60,000 = 240,000 against targets 300,000 → 80.0;
    collected 100,000 with 300,000 amount·days late → 3.0 days → 94.0; over-30 overdue
    balance 10,000 − 4,000 + 2,000 = 8,000 / 240,000 = 3.33% → 93.3; financial 93.7;
    first agreement 2021-04-01 (4.0 years → 80.0), exclusive → 100; loyalty 90.0;
    sales vs 200,000 a year before +20% → 70.0, best month's customers 36 vs 25 +44% → 94.0;
    growth 82.0; 1 of 4 products launched since 2024-04 ordered → 25% → 50.0;
    36 customers / coverage target 40 → 90.0; complaints 2 / orders 10 → 60.0, service
    rated 4 and 5 → 90.0; satisfaction 75.0. Tier-1 default weights → total 83.5.
    """
    dealer = world.dealer_a
    fact(dealer, "2024-01", order_amount=80000, active_customers=20)
    fact(dealer, "2024-02", order_amount=70000, active_customers=25)
    fact(dealer, "2024-03", order_amount=50000, active_customers=22)
    fact(dealer, "2024-06", overdue30_added=10000)
    fact(dealer, "2024-09", overdue30_paid=4000)
    fact(dealer, "2025-01", order_amount=100000, target_amount=100000, order_count=4,
         allocated_amount=50000, late_amount_days=250000, active_customers=30,
         stock_reports=1, complaints=1)
    fact(dealer, "2025-02", order_amount=80000, target_amount=100000, order_count=3,
         allocated_amount=30000, active_customers=36, stock_reports=1, overdue30_added=2000)
    fact(dealer, "2025-03", order_amount=60000, target_amount=100000, order_count=3,
         allocated_amount=20000, late_amount_days=50000, active_customers=33,
         stock_reports=1, complaints=1)
    # After the quarter: must not count.
    fact(dealer, "2025-04", order_amount=999999, target_amount=1, order_count=50,
         complaints=9, overdue30_added=50000)
    agreement(dealer, start="2021-04-01", end="2024-03-31", status="expired")
    agreement(dealer, start="2024-04-01", end="2027-03-31", exclusivity=True,
              coverage_target_count=40)
    old = product_launched("2023-01-10")
    new = [product_launched("2024-06-01"), product_launched("2024-09-15"),
           product_launched("2025-02-01"), product_launched("2024-04-02")]
    product_launched("2025-04-10")  # launched after the quarter
    ordered(dealer, new[0], "2025-02-10")
    ordered(dealer, new[0], "2025-03-10")
    ordered(dealer, old, "2025-02-10")
    ordered(dealer, new[1], "2024-12-10")  # before the quarter
    ordered(dealer, new[2], "2025-03-01", status="cancelled")  # not a sale
    for rating, closed in ((4, "2025-01-20T10:00"), (5, "2025-03-30T16:00"),
                           (1, "2025-04-02T09:00")):
        request_make(dealer, created_at=_at(closed) - datetime.timedelta(days=3),
                     status="closed", closed_at=_at(closed), rating=rating)
    request_make(dealer, created_at=_at("2025-02-01T09:00"), status="closed",
                 closed_at=_at("2025-02-05T09:00"))  # closed without a rating
    return Rich(dealer)
