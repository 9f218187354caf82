"""The channel performance report of 2025 Q1 against the hand-built quarter (conftest)."""

from decimal import Decimal as D

import pytest

from qudao.performance import report
from qudao.performance.periods import period_parse
from qudao.performance.scope import region_get
from qudao.service.models import ServiceFunction
from tests.performance.conftest import PERIOD

pytestmark = pytest.mark.django_db


def _company(user):
    return report.channel_report(user=user, region=None, period=period_parse(PERIOD))


def test_management_organization(quarter, hq_admin):
    org = _company(hq_admin)["organization"]
    # Active dealers other than terminals: A, A-sub, Beijing, B; three have a rep.
    assert (org["dealers"], org["with_rep"], org["with_rep_share"]) == (4, 3, D("0.7500"))
    # Two active reps: 50 per 100 dealers, 2 dealers each.
    assert (org["reps"], org["reps_per_100"], org["dealers_per_rep"]) == (2, D("50.0"),
                                                                          D("2.0"))
    # 华北 has north_manager, 华东 has none.
    assert (org["areas_covered"], org["areas"], org["manager_share"]) == (1, 2, D("0.5000"))
    # The one terminal was visited in February.
    assert (org["terminals_reached"], org["terminals"], org["terminal_share"]) == (1, 1,
                                                                                   D("1"))
    # north_rep 65.2 and east_rep (see test_kpi) average.
    assert org["kpi_reps"] == 2


def test_operating_status(quarter, hq_admin):
    ops = _company(hq_admin)["operations"]
    assert ops["sell_in"] == D("3750.00")
    assert (ops["sold"], ops["quantity_reported"], ops["sell_through"]) == (140, 150,
                                                                            D("0.9333"))
    assert (ops["invoiced"], ops["collected"], ops["collection_rate"]) == (
        D("1750.00"), D("1400.00"), D("0.8000"))
    # Receivable at the end 1750 - 1400 = 350; 350 × 90 days / 1750 invoiced = 18 days.
    assert (ops["receivable"], ops["dso"]) == (D("350.00"), D("18.0"))
    assert ops["overdue30"] == D("150.00")
    # Ordering in 2 of the 3 months: only A, of 4 active dealers.
    assert (ops["regular_months"], ops["regular"], ops["regular_share"]) == (2, 1, D("0.2500"))
    assert ops["customers_per_month"] == D("7.3")
    # The directory has no conflict (窜货) function: not counted, not zero.
    assert ops["conflicts"] is None


def test_conflicts_counted_when_the_directory_has_the_function(quarter, hq_admin):
    from tests.performance.factories import request_make

    ServiceFunction.objects.create(code="cross_region", name="窜货投诉", department="市场部",
                                   response_low=8, response_normal=8, response_high=4,
                                   response_urgent=2, resolution_low=40, resolution_normal=40,
                                   resolution_high=16, resolution_urgent=8)
    request_make(quarter.dealer_b, "cross_region", "2025-03-02 09:00", response_due_h=8,
                 response_h=1, resolution_due_h=40, resolved_h=20)
    assert _company(hq_admin)["operations"]["conflicts"] == 1


def test_service_quality(quarter, hq_admin):
    svc = _company(hq_admin)["service"]
    assert (svc["requests"], svc["response_share"], svc["resolution_share"]) == (
        2, D("0.5000"), D("0.5000"))
    assert (svc["response_hours"], svc["resolution_hours"]) == (D("4.0"), D("20.0"))
    assert (svc["complaints"], svc["complaint_hours"], svc["complaints_resolved_share"]) == (
        1, D("30.0"), D("1"))
    assert (svc["shipments"], svc["delivery_days"], svc["shipping_days"]) == (1, D("4.0"),
                                                                              D("2.0"))


def test_economic_effect(quarter, hq_admin):
    econ = _company(hq_admin)["economics"]
    assert (econ["sales"], econ["last_year"], econ["growth"]) == (D("3750.00"), D("1800.00"),
                                                                  D("1.0833"))
    assert (econ["target"], econ["target_share"]) == (D("2700.00"), D("1.3889"))
    assert econ["price_realization"] == D("0.9375")
    levels = {row["code"]: (row["sales"], row["last_year"], row["growth"])
              for row in econ["by_level"]}
    assert levels == {"tier1": (D("3500.00"), D("1800.00"), D("0.9444")),
                      "tier2": (D("250.00"), D("0"), None)}
    assert [(r["label"], r["sales"], r["share"]) for r in econ["by_category"]] == [
        ("饮料", D("600.00"), D("1"))]
    expenses = {row["code"]: row["amount"] for row in econ["expenses"]}
    assert expenses == {"promotion": D("300.00"), "rebates": D("0"), "logistics": D("75.00"),
                        "staff": D("100.00"), "other": D("0")}
    assert (econ["expense_total"], econ["expense_ratio"]) == (D("475.00"), D("0.1267"))
    assert econ["contribution"] == D("3275.00")
    # Hebei 100,000 + Zhejiang 200,000 a year; a quarter is 75,000: 3750 / 75000.
    assert (econ["market_size"], econ["market_share"]) == (D("300000.00"), D("0.0500"))
    trend = econ["trend"]
    assert trend["months"][-3:] == ["2025-01", "2025-02", "2025-03"]
    assert trend["sales"][-3:] == [3000.0, 500.0, 250.0]
    assert trend["last_year"][-3:] == [800.0, 1000.0, None]
    assert trend["expense_ratio"][-3:] == [10.0, 15.0, 40.0]


def test_region_report_is_the_regions_share(quarter, north_manager):
    hb = region_get(north_manager, "")
    assert hb == quarter.hb
    data = report.channel_report(user=north_manager, region=hb, period=period_parse(PERIOD))
    assert data["economics"]["sales"] == D("1750.00")
    # 华北's market is Hebei's figure (no entry for 华北 or Beijing): 1750 / 25000.
    assert data["economics"]["market_share"] == D("0.0700")
    assert data["economics"]["expense_total"] == D("375.00")
    # Areas below 华北: Hebei and Beijing, both under north_manager.
    assert (data["organization"]["areas_covered"], data["organization"]["areas"]) == (2, 2)
    assert data["organization"]["dealers"] == 3
