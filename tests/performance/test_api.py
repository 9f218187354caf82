"""The API: the report and KPI scoped to the caller's regions, the dealer's rating, the
expenses list and entry."""

import pytest

from qudao.performance.models import ChannelExpense, RepRating
from tests.performance.conftest import PERIOD

pytestmark = pytest.mark.django_db


def test_report_json(quarter, hq_admin, client):
    client.force_login(hq_admin)
    body = client.get(f"/api/performance/report?period={PERIOD}").json()
    assert body["period"] == PERIOD and body["region_id"] is None
    assert body["operations"]["sell_in"] == "3750.00"
    assert body["economics"]["market_share"] == "0.0500"
    assert body["organization"]["dealers"] == 4


def test_manager_report_outside_his_regions_is_404(quarter, north_manager, client):
    client.force_login(north_manager)
    assert client.get(f"/api/performance/report?region={quarter.zhejiang.pk}"
                      ).status_code == 404
    body = client.get(f"/api/performance/report?period={PERIOD}").json()
    assert body["region_id"] == quarter.hb.pk
    assert body["economics"]["sales"] == "1750.00"


def test_kpi_json(quarter, hq_admin, client):
    client.force_login(hq_admin)
    rows = client.get(f"/api/performance/kpi?period={PERIOD}").json()
    assert [(r["rank"], r["rep"], r["total"], r["flagged"]) for r in rows] == [
        (1, "河北业务员", "65.2", False), (2, "浙江业务员", rows[1]["total"], True)]
    assert {i["code"] for i in rows[0]["items"]} >= {"rating", "sell_through", "growth"}


@pytest.mark.parametrize("persona", ["dealer_a_admin", "north_rep", "finance"])
def test_report_refused_to_roles_without_it(quarter, personas, client, persona):
    client.force_login(personas[persona])
    assert client.get("/api/performance/report").status_code == 403
    assert client.get("/api/performance/kpi").status_code == 403
    assert client.get("/api/channel-expenses").status_code == 403


def test_dealer_rates_through_the_api(quarter, dealer_a_admin, north_manager, client):
    RepRating.objects.all().delete()
    client.force_login(dealer_a_admin)
    payload = {"responsiveness": 5, "professionalism": 4, "sales_help": 4, "comment": "好"}
    response = client.post("/api/performance/ratings", payload,
                           content_type="application/json")
    assert response.status_code == 201
    assert response.json()["rep"] == "河北业务员"
    bad = client.post("/api/performance/ratings", {**payload, "sales_help": 9},
                      content_type="application/json")
    assert bad.status_code == 409 and "sales_help" in bad.json()["errors"]
    assert RepRating.objects.get().sales_help == 4
    client.force_login(north_manager)
    assert client.post("/api/performance/ratings", payload,
                       content_type="application/json").status_code == 403


def test_expenses_api(quarter, hq_admin, north_manager, client):
    client.force_login(north_manager)
    body = client.get("/api/channel-expenses?category=promotion").json()
    assert body["count"] == 1 and body["items"][0]["amount"] == "300.00"
    assert client.get("/api/channel-expenses").json()["count"] == 3
    assert client.post("/api/channel-expenses", {}, content_type="application/json"
                       ).status_code in (403, 422)
    client.force_login(hq_admin)
    response = client.post("/api/channel-expenses", {
        "territory_id": quarter.zhejiang.pk, "month": "2025-02", "category": "rebates",
        "amount": "120.00"}, content_type="application/json")
    assert response.status_code == 201
    assert ChannelExpense.objects.filter(category="rebates").count() == 1
    bad = client.post("/api/channel-expenses", {
        "territory_id": quarter.zhejiang.pk, "month": "2025-02", "category": "gifts",
        "amount": "-1"}, content_type="application/json")
    assert bad.status_code == 409
    assert set(bad.json()["errors"]) == {"category", "amount"}
