"""Sales against target with pace for the month, quarter and year (agreements/targets.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.agreements import targets
from tests.factories import DealerFactory, ProductFactory
from tests.stock.factories import monthly_targets, sale
from tests.trade import AgreementFactory, trading_dealer

D = datetime.date
DAY = D(2026, 11, 15)


@pytest.fixture
def fixture(world):
    """Dealer A: 10,000 a month except Oct 9,000, Nov 12,000, Dec 15,000 (year 126,000), plus
    a signed agreement terminated end of February whose January target (1,000) counts and
    March target does not; a draft's targets never count."""
    tea = ProductFactory()
    agreement = trading_dealer(world.dealer_a)
    monthly_targets(agreement, {m: "10000" for m in range(1, 10)}
                    | {10: "9000", 11: "12000", 12: "15000"})
    ended = AgreementFactory(dealer=world.dealer_a, status="terminated",
                             signed_on=D(2025, 12, 20), ended_on=D(2026, 2, 28))
    monthly_targets(ended, {1: "1000", 3: "1000"})
    monthly_targets(AgreementFactory(dealer=world.dealer_a, status="draft"), {11: "50000"})
    a = world.dealer_a
    sale(a, tea, D(2026, 11, 3), "5000")
    sale(a, tea, D(2026, 11, 10), "1000", status="shipped")
    sale(a, tea, D(2026, 11, 15), "0.50", status="partially_shipped")
    sale(a, tea, D(2026, 11, 16), "7000")  # after the day
    sale(a, tea, D(2026, 11, 12), "9999", status="cancelled")
    sale(a, tea, D(2026, 11, 12), "888", status="draft")
    sale(a, tea, D(2026, 10, 20), "4000", status="delivered")
    sale(a, tea, D(2026, 2, 1), "20000", status="closed")
    sale(a, tea, D(2025, 12, 30), "50000")  # last year
    sale(world.dealer_b, tea, D(2026, 11, 5), "3000")
    monthly_targets(trading_dealer(world.dealer_b), {11: "6000"})
    return world


@pytest.mark.django_db
def test_target_progress_is_exact_for_month_quarter_and_year(fixture):
    with CaptureQueriesContext(connection) as ctx:
        progress = targets.target_progress(dealer_id=fixture.dealer_a.pk, day=DAY)
    assert len(ctx.captured_queries) == 2
    got = {key: (p["target"], p["actual"], p["achievement"], p["pace"], p["lag"])
           for key, p in progress.items()}
    assert got == {
        # 15 of 30 days: expected 6,000.
        "month": (Decimal("12000.00"), Decimal("6000.50"), Decimal("50.0"), Decimal("50.0"),
                  Decimal("0.50")),
        # 1 Oct - 15 Nov is 46 of 92 days: expected 18,000.
        "quarter": (Decimal("36000.00"), Decimal("10000.50"), Decimal("27.8"),
                    Decimal("50.0"), Decimal("-7999.50")),
        # Day 319 of 365: expected 127,000 × 319 / 365 = 110,994.52.
        "year": (Decimal("127000.00"), Decimal("30000.50"), Decimal("23.6"), Decimal("87.4"),
                 Decimal("-80994.02")),
    }
    assert progress["month"]["start"] == D(2026, 11, 1)
    assert progress["quarter"]["end"] == D(2026, 12, 31)


@pytest.mark.django_db
def test_target_progress_many_equals_one_by_one_in_two_queries(fixture):
    nobody = DealerFactory(territory=fixture.hangzhou)
    ids = [fixture.dealer_a.pk, fixture.dealer_b.pk, nobody.pk]
    with CaptureQueriesContext(connection) as ctx:
        many = targets.target_progress_many(ids, DAY)
    assert len(ctx.captured_queries) == 2
    assert set(many) == set(ids)
    for pk in ids:
        assert many[pk] == targets.target_progress(dealer_id=pk, day=DAY)
    assert many[nobody.pk]["year"]["target"] == Decimal("0.00")
    assert many[nobody.pk]["year"]["achievement"] is None


@pytest.mark.django_db
def test_lagging_dealers_are_ranked_worst_first_and_scoped(fixture):
    from qudao.dealers.models import Dealer

    ranked = targets.lagging_dealers(dealers=Dealer.objects.all(), day=DAY, period="month")
    # Month: A is 0.50 ahead of pace, B exactly on it (3,000 of 6,000 by mid-month).
    assert ranked == []
    ranked = targets.lagging_dealers(dealers=Dealer.objects.all(), day=DAY)
    assert [(dealer.code, p["year"]["lag"]) for dealer, p in ranked] == [
        ("A0001", Decimal("-80994.02")), ("B0001", Decimal("-2243.84"))]
    only_b = targets.lagging_dealers(dealers=Dealer.objects.filter(code="B0001"), day=DAY)
    assert [dealer.code for dealer, _p in only_b] == ["B0001"]
