"""The conversion funnel by region and rep (R-RS-10) and the recruited cohorts with their
ramp-up (R-DM-17, -18), on a hand-built fixture."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.analytics.models import DealerMonth
from qudao.recruitment import reports
from qudao.stock.periods import add_months
from tests.factories import DealerFactory
from tests.recruitment.factories import candidate_make, lead_make, this_month


@pytest.fixture
def funnel_world(world, north_rep, east_rep):
    month = this_month()
    now = timezone.now()
    hebei = {"territory": world.shijiazhuang, "rep": north_rep}
    lead_make(**hebei, status="new")
    lead_make(**hebei, status="contacted")
    lead_make(**hebei, status="qualified")
    lead_make(**hebei, status="lost", contacted_at=now)
    ordered = DealerFactory(territory=world.shijiazhuang, status="onboarding")
    silent = DealerFactory(territory=world.shijiazhuang, status="onboarding")
    candidate_make(**hebei, name="甲", status="accepted", dealer=ordered, decided_at=now)
    candidate_make(**hebei, name="乙", status="accepted", dealer=silent, decided_at=now)
    candidate_make(**hebei, name="丙", status="rejected", decided_at=now)
    lead_make(territory=world.dongcheng, status="new")
    candidate_make(territory=world.hangzhou, rep=east_rep, name="丁")
    lead_make(**hebei, status="qualified", period=add_months(month, -1),
              first_period=add_months(month, -1))  # entered last month: not counted
    DealerMonth.objects.create(dealer=ordered, month=month, order_count=1,
                               order_amount=Decimal("5000"), first_order_day=month)
    return month


@pytest.mark.django_db
def test_funnel_by_region(funnel_world, hq_admin):
    data = reports.funnel(user=hq_admin, period_from=funnel_world, period_to=funnel_world)
    rows = {row["label"]: row["cells"] for row in data["rows"]}
    counts = {label: [value for value, _rate in cells] for label, cells in rows.items()}
    assert counts == {"North China": [8, 6, 4, 3, 2, 1], "East China": [1, 1, 1, 1, 0, 0]}
    assert [value for value, _rate in data["total"]["cells"]] == [9, 7, 5, 4, 2, 1]
    assert data["total"]["rates"]["accepted"] == Decimal("22.2")


@pytest.mark.django_db
def test_funnel_by_rep_in_a_managers_scope(funnel_world, north_manager):
    data = reports.funnel(user=north_manager, period_from=funnel_world,
                          period_to=funnel_world, by="rep")
    counts = {row["label"]: row["leads"] for row in data["rows"]}
    assert counts == {"河北业务员": 7, "(no rep)": 1}


@pytest.mark.django_db
def test_recruited_cohorts_and_who_collapsed(world, hq_admin):
    today = datetime.date(2026, 5, 20)
    decided = timezone.make_aware(datetime.datetime(2025, 11, 10, 10))
    month = datetime.date(2026, 5, 1)
    collapsed = DealerFactory(territory=world.shijiazhuang, status="active")
    still = DealerFactory(territory=world.tangshan, status="active")
    never = DealerFactory(territory=world.tangshan, status="onboarding")
    for dealer, name in ((collapsed, "甲"), (still, "乙"), (never, "丙")):
        candidate_make(territory=dealer.territory, name=name, status="accepted", dealer=dealer,
                       decided_at=decided)
    for dealer, back, amount in ((collapsed, 5, "10000"), (collapsed, 4, "15000"),
                                 (collapsed, 3, "20000"), (still, 4, "8000"),
                                 (still, 0, "12000")):
        DealerMonth.objects.create(dealer=dealer, month=add_months(month, -back), order_count=1,
                                   order_amount=Decimal(amount))
    DealerMonth.objects.create(dealer=never, month=month, order_count=0)

    data = reports.cohorts(user=hq_admin, today=today)

    assert data["cohorts"] == [{
        "quarter": "2025 Q4", "accepted": 3, "ordered": 2, "again": 2, "still": 1,
        "collapsed": 1, "first_avg": Decimal("9000.00"), "later_avg": Decimal("14750.00"),
        "growth": Decimal("63.9")}]
    rows = {row["dealer"].pk: row for row in data["dealers"]}
    assert rows[collapsed.pk]["still"] is False
    assert rows[collapsed.pk]["first_amount"] == Decimal("10000")
    assert rows[collapsed.pk]["later_avg"] == Decimal("17500.00")
    assert rows[never.pk]["ordered"] is False


@pytest.mark.django_db
def test_reports_show_nothing_to_dealer_users(funnel_world, dealer_a_admin):
    data = reports.funnel(user=dealer_a_admin, period_from=funnel_world,
                          period_to=funnel_world)
    assert data["rows"] == [] and data["total"]["leads"] == 0
    assert reports.cohorts(user=dealer_a_admin)["cohorts"] == []
