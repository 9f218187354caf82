"""The calls-and-visits API: logging and correcting records, plans, and the compliance
figures persona by persona (the routes the access matrix cannot check by dealer)."""

import datetime

import pytest
from django.test import Client

from qudao.dealers.models import Dealer
from qudao.visits.models import Contact, MonthPlan, PlanItem
from tests.conftest import EXPECTED_DEALERS, PERSONAS
from tests.visits.factories import log, seasoned, today


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, data=body, content_type="application/json")


@pytest.fixture
def hebei(world, north_rep):
    Dealer.objects.filter(pk__in=[world.dealer_a.pk, world.dealer_a_sub.pk,
                                  world.dealer_a_shop.pk]).update(assigned_rep=north_rep)
    seasoned(*Dealer.objects.all())
    return world


@pytest.mark.django_db
def test_log_read_and_correct_a_visit(hebei, north_rep, north_manager, east_rep):
    client = _client(north_rep)
    response = _post(client, "/api/contact-logs", {
        "dealer_id": hebei.dealer_a.pk, "kind": "visit", "purpose": "inspection",
        "notes": "库存偏多", "next_step": "控制进货", "next_step_due": today().isoformat(),
        "check_in": {"latitude": "38.042000", "longitude": "114.514000", "accuracy": 30}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["dealer_code"], body["kind"], body["checked_in"], body["notes"]) == (
        "A0001", "visit", True, "库存偏多")
    assert body["distance_m"] is None  # neither the dealer nor its city has coordinates
    log_id = body["id"]

    assert _client(north_manager).get(f"/api/contact-logs/{log_id}").json()["notes"] == \
        "库存偏多"
    assert _client(east_rep).get(f"/api/contact-logs/{log_id}").status_code == 404

    response = client.patch(f"/api/contact-logs/{log_id}", data={"notes": "库存三周"},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["notes"] == "库存三周"
    response = _client(north_manager).patch(f"/api/contact-logs/{log_id}",
                                            data={"notes": "改"},
                                            content_type="application/json")
    assert response.status_code == 403
    response = _post(_client(north_manager), f"/api/contact-logs/{log_id}/next-step-done", {})
    assert response.json()["next_step_done_on"] == today().isoformat()


@pytest.mark.django_db
def test_refusals(hebei, north_rep, finance, dealer_a_admin):
    body = {"dealer_id": hebei.dealer_b.pk, "kind": "call_out", "purpose": "collection",
            "notes": "催款"}
    assert _post(_client(north_rep), "/api/contact-logs", body).status_code == 404
    body["dealer_id"] = hebei.dealer_a.pk
    assert _post(_client(finance), "/api/contact-logs", body).status_code == 403
    assert _post(_client(dealer_a_admin), "/api/contact-logs", body).status_code == 403
    response = _post(_client(north_rep), "/api/contact-logs", {**body, "purpose": "chat"})
    assert response.status_code == 409
    assert set(response.json()["errors"]) == {"purpose"}
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_list_follows_the_callers_dealers(hebei, north_rep, east_rep, hq_admin):
    log(hebei.dealer_a, north_rep, ago=1, kind="visit")
    log(hebei.dealer_a_sub, north_rep, ago=2)
    log(hebei.dealer_b, east_rep, ago=1)
    body = _client(north_rep).get("/api/contact-logs").json()
    assert [item["dealer_code"] for item in body["items"]] == ["A0001", "A0002"]
    body = _client(hq_admin).get("/api/contact-logs?kind=call_out").json()
    assert sorted(item["dealer_code"] for item in body["items"]) == ["A0002", "B0001"]


@pytest.mark.django_db
def test_plans_through_the_api(hebei, north_rep, north_manager, east_rep, dealer_a_admin):
    rep = _client(north_rep)
    response = _post(rep, "/api/visit-plan-items", {
        "dealer_id": hebei.dealer_a.pk, "day": today().isoformat(), "kind": "visit",
        "purpose": "inspection"})
    assert response.status_code == 201
    item_id = response.json()["id"]
    plan = MonthPlan.objects.get()

    month = f"{today():%Y-%m}"
    assert [(p["rep_id"], p["planned_visits"]) for p in
            _client(north_manager).get(f"/api/visit-plans?month={month}").json()] == [
        (north_rep.pk, 1)]
    assert _client(east_rep).get(f"/api/visit-plans?month={month}").json() == []
    detail = _client(north_manager).get(f"/api/visit-plans/{plan.pk}").json()
    assert [(i["dealer_code"], i["kind"], i["done_by_contact_id"]) for i in detail["items"]] \
        == [("A0001", "visit", None)]
    assert detail["totals"]["planned"] == 1
    assert _client(east_rep).get(f"/api/visit-plans/{plan.pk}").status_code == 404
    assert _client(dealer_a_admin).get(f"/api/visit-plans/{plan.pk}").status_code == 403

    response = _post(_client(north_manager), f"/api/visit-plans/{plan.pk}/comments",
                     {"text": "好"})
    assert response.status_code == 201 and response.json()["author_id"] == north_manager.pk
    assert _post(_client(east_rep), f"/api/visit-plans/{plan.pk}/comments",
                 {"text": "x"}).status_code == 404

    assert _client(north_manager).delete(f"/api/visit-plan-items/{item_id}").status_code == 404
    assert rep.delete(f"/api/visit-plan-items/{item_id}").status_code == 204
    assert not PlanItem.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_compliance_figures_cover_exactly_the_callers_dealers(persona, personas, hebei,
                                                              north_rep):
    log(hebei.dealer_a, north_rep, ago=1)
    client = _client(personas[persona])
    expected = EXPECTED_DEALERS[persona]
    response = client.get("/api/visit-compliance?by=province")
    overdue = client.get("/api/visit-compliance/overdue?kind=call&page_size=100")
    if persona.startswith("dealer_"):
        assert response.status_code == 403 and overdue.status_code == 403
        return
    body = response.json()
    assert body["total"]["dealers"] == len(expected)
    assert body["total"]["calls_ok"] == (1 if "A0001" in expected else 0)
    assert (body["call_days"], body["visit_days"], body["first_order_limit"]) == (
        31, 62, "0.04")
    codes = {item["dealer_code"] for item in overdue.json()["items"]}
    assert codes == expected - {"A0001"}
    assert overdue.json()["count"] == len(codes)


@pytest.mark.django_db
def test_overdue_days_through_the_api(hebei, north_rep):
    log(hebei.dealer_a, north_rep, ago=33)
    as_of = today().isoformat()
    body = _client(north_rep).get(f"/api/visit-compliance/overdue?kind=call&as_of={as_of}"
                                  "&q=A0001").json()
    assert body["items"] == [{
        "dealer_id": hebei.dealer_a.pk, "dealer_code": "A0001",
        "dealer_name": "石家庄恒顺商贸有限公司", "rep_id": north_rep.pk,
        "last_call": (today() - datetime.timedelta(days=33)).isoformat(),
        "call_overdue_days": 3, "last_visit": None, "visit_overdue_days": 400 - 62 + 1}]
    assert _client(north_rep).get("/api/visit-compliance?as_of=2026-13").status_code == 409
