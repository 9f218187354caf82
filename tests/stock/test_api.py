"""Stock over the API: submit, read, position, sell-through, missing; scope per persona."""

import datetime

import pytest
from django.test import Client

import tests.api.test_access_matrix as matrix
from qudao.stock.models import StockReport
from tests.conftest import PERSONAS
from tests.factories import ProductFactory
from tests.stock.factories import StockReportFactory
from tests.stock.matrix import ROUTES


@pytest.fixture
def stock_routes_only(monkeypatch):
    """The access matrix run over the stock routes alone (others are checked by their apps)."""
    monkeypatch.setattr(matrix, "_routes", lambda: list(ROUTES))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_only_its_scope(persona, personas, world, stock_routes_only):
    matrix.test_reads_show_exactly_the_users_scope(persona, personas, world)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["north_rep", "dealer_a_admin", "dealer_b_admin"])
def test_writes_outside_scope_change_nothing(persona, personas, world, stock_routes_only):
    matrix.test_writes_outside_scope_are_refused_and_change_nothing(persona, personas, world)


@pytest.mark.django_db
def test_a_dealer_cannot_open_or_list_another_dealers_report(world, dealer_a_admin):
    mine = StockReportFactory(dealer=world.dealer_a)
    theirs = StockReportFactory(dealer=world.dealer_b)
    client = Client()
    client.force_login(dealer_a_admin)
    assert client.get(f"/api/stock-reports/{mine.pk}").status_code == 200
    assert client.get(f"/api/stock-reports/{theirs.pk}").status_code == 404
    assert [r["id"] for r in client.get("/api/stock-reports").json()["items"]] == [mine.pk]
    assert client.get(f"/api/dealers/{world.dealer_b.pk}/stock-position").status_code == 404


@pytest.mark.django_db
def test_submit_creates_then_replaces_and_reports_errors_by_line(world, dealer_a_admin):
    tea = ProductFactory()
    client = Client()
    client.force_login(dealer_a_admin)
    body = {"dealer_id": world.dealer_a.pk, "period": "2026-03-01",
            "stock_lines": [{"product_id": tea.pk, "quantity": 12}],
            "flow_lines": [{"sold_on": "2026-03-02", "product_id": tea.pk, "quantity": 4,
                            "customer_id": world.dealer_a_sub.pk}]}
    first = client.post("/api/stock-reports", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["source"] == "portal"
    assert (first.json()["stock_quantity"], first.json()["flow_quantity"]) == (12, 4)
    assert first.json()["flow_lines"][0]["customer_id"] == world.dealer_a_sub.pk
    body["stock_lines"][0]["quantity"] = 7
    again = client.post("/api/stock-reports", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["stock_quantity"] == 7

    body["flow_lines"][0]["sold_on"] = "2026-04-02"
    bad = client.post("/api/stock-reports", body, content_type="application/json")
    assert bad.status_code == 409
    assert bad.json()["errors"] == [{"section": "flow", "line": 1, "field": "sold_on",
                                     "message": bad.json()["errors"][0]["message"]}]
    body["dealer_id"] = world.dealer_b.pk
    assert client.post("/api/stock-reports", body,
                       content_type="application/json").status_code == 404
    assert StockReport.objects.get().stock_lines.get().quantity == 7


@pytest.mark.django_db
def test_list_filters_and_constant_queries(world, hq_admin, django_assert_max_num_queries):
    client = Client()
    client.force_login(hq_admin)
    StockReportFactory(dealer=world.dealer_a, period=datetime.date(2026, 3, 1), source="excel")
    StockReportFactory(dealer=world.dealer_b, period=datetime.date(2026, 4, 1))
    items = client.get("/api/stock-reports?period=2026-03").json()["items"]
    assert [(i["dealer_code"], i["source"]) for i in items] == [("A0001", "excel")]
    assert client.get("/api/stock-reports?source=portal").json()["count"] == 1
    for month in range(1, 12):
        StockReportFactory(dealer=world.dealer_beijing, period=datetime.date(2025, month, 1))
    with django_assert_max_num_queries(6):
        assert client.get("/api/stock-reports?page_size=100").json()["count"] == 13


@pytest.mark.django_db
def test_missing_reports_api_defaults_to_last_month(world, hq_admin):
    client = Client()
    client.force_login(hq_admin)
    response = client.get("/api/stock-reports/missing")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert client.get("/api/stock-reports/missing?period=garbage").status_code == 404
