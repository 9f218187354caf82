"""The service API: raise, list, read, reply, move, assign and rate; a dealer never sees
another dealer's requests or staff's internal notes."""

import datetime

import pytest

from qudao.service.models import ServiceRequest
from tests.factories import ProductFactory
from tests.service.conftest import at

JSON = "application/json"


def _moment(text):
    return datetime.datetime.fromisoformat(text)


def _post(client, path, body):
    return client.post(path, body, content_type=JSON)


@pytest.mark.django_db
def test_a_dealer_raises_and_follows_a_request(clock, desk, client, dealer_a_admin,
                                               dealer_b_admin, service):
    ProductFactory(sku="SKU-200")
    client.force_login(dealer_a_admin)
    functions = client.get("/api/service-functions").json()
    assert [f["code"] for f in functions][:3] == ["order", "payment", "logistics"]
    logistics = next(f for f in functions if f["code"] == "logistics")
    assert logistics["limits"][2] == {"priority": "normal", "response_hours": "4.00",
                                      "resolution_hours": "24.00"}

    response = _post(client, "/api/service-requests", {
        "function": "quality", "priority": "high", "subject": "胀袋",
        "description": "批次20260210", "product_sku": "SKU-200"})
    assert response.status_code == 201
    body = response.json()
    assert (body["channel"], body["function_code"], body["product_sku"], body["status"],
            body["dealer_code"]) == ("api", "quality", "SKU-200", "new", "A0001")
    assert _moment(body["first_response_due"]) == at("2026-03-02 12:00")
    request_id = body["id"]

    assert _post(client, "/api/service-requests", {"function": "nonsense", "subject": "x",
                                                   "description": "y"}).status_code == 409
    assert _post(client, "/api/service-requests", {"function": "quality", "subject": "",
                                                   "description": ""}).json()["code"] == (
        "service_request_invalid")

    # Staff answer, and note something internal.
    client.force_login(service)
    _post(client, f"/api/service-requests/{request_id}/messages",
          {"body": "内部:供应商批次问题", "internal": True})
    reply = _post(client, f"/api/service-requests/{request_id}/messages",
                  {"body": "已安排换货"})
    assert reply.status_code == 201
    assert reply.json()["status"] == "in_progress"
    assert [m["internal"] for m in reply.json()["messages"]] == [False, True, False, False]
    moved = _post(client, f"/api/service-requests/{request_id}/status",
                  {"status": "resolved", "note": "已换货"})
    assert moved.json()["status"] == "resolved"

    client.force_login(dealer_a_admin)
    detail = client.get(f"/api/service-requests/{request_id}").json()
    assert "内部:供应商批次问题" not in [m["body"] for m in detail["messages"]]
    assert all(not m["internal"] for m in detail["messages"])
    assert _post(client, f"/api/service-requests/{request_id}/messages",
                 {"body": "x", "internal": True}).status_code == 403
    rated = _post(client, f"/api/service-requests/{request_id}/rate",
                  {"rating": 5, "comment": "很快"})
    assert (rated.json()["status"], rated.json()["rating"]) == ("closed", 5)
    assert _post(client, f"/api/service-requests/{request_id}/rate",
                 {"rating": 9}).status_code == 409
    reopened = _post(client, f"/api/service-requests/{request_id}/status",
                     {"status": "in_progress", "note": "又胀袋了"})
    assert (reopened.json()["status"], reopened.json()["reopened_count"]) == (
        "in_progress", 1)

    # Dealer B sees nothing of it.
    client.force_login(dealer_b_admin)
    assert client.get("/api/service-requests?state=all").json()["count"] == 0
    assert client.get(f"/api/service-requests/{request_id}").status_code == 404
    assert _post(client, f"/api/service-requests/{request_id}/messages",
                 {"body": "偷看"}).status_code == 404
    assert ServiceRequest.objects.get().messages.filter(body="偷看").count() == 0


@pytest.mark.django_db
def test_staff_raise_for_a_dealer_in_scope_and_filter_the_list(clock, desk, client,
                                                               north_rep, world, service):
    client.force_login(north_rep)
    assert _post(client, "/api/service-requests", {
        "function": "logistics", "subject": "x", "description": "y"}).status_code == 409
    assert _post(client, "/api/service-requests", {
        "dealer_id": world.dealer_b.pk, "function": "logistics", "subject": "x",
        "description": "y"}).status_code == 404
    created = _post(client, "/api/service-requests", {
        "dealer_id": world.dealer_a.pk, "function": "complaint", "priority": "urgent",
        "channel": "visit", "subject": "业务员态度", "description": "投诉"})
    assert created.status_code == 201 and created.json()["channel"] == "visit"
    assert _moment(created.json()["first_response_due"]) == at("2026-03-02 10:30")

    clock.set("2026-03-02 11:00")
    body = client.get("/api/service-requests?overdue=true").json()
    assert [item["function_code"] for item in body["items"]] == ["complaint"]
    assert body["items"][0]["overdue"] is True
    assert client.get("/api/service-requests?function=logistics").json()["count"] == 0

    assign = _post(client, f"/api/service-requests/{created.json()['id']}/assign",
                   {"assignee_id": service.pk})
    assert assign.json()["assignee_id"] == service.pk
    assert _post(client, f"/api/service-requests/{created.json()['id']}/assign",
                 {"assignee_id": 999999}).status_code == 409


@pytest.mark.django_db
def test_staff_cannot_rate_and_dealers_cannot_assign(clock, desk, client, world,
                                                     dealer_a_admin, service):
    client.force_login(dealer_a_admin)
    request_id = _post(client, "/api/service-requests", {
        "function": "order", "subject": "改单", "description": "加5箱"}).json()["id"]
    assert _post(client, f"/api/service-requests/{request_id}/assign",
                 {"assignee_id": service.pk}).status_code == 403
    assert _post(client, f"/api/service-requests/{request_id}/status",
                 {"status": "resolved"}).status_code == 409
    client.force_login(service)
    assert _post(client, f"/api/service-requests/{request_id}/rate",
                 {"rating": 5}).status_code == 403
    assert ServiceRequest.objects.get().status == "new"
    assert ServiceRequest.objects.get().created_at == at("2026-03-02 10:00")
