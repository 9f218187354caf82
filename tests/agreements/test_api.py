"""The agreements API: contracts of every route, errors as 409 with stable codes."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.agreements import services
from qudao.agreements.models import Agreement
from qudao.core.models import AuditEvent
from tests.agreements.conftest import complete_values, draft, to_active
from tests.factories import DealerFactory
from tests.trade import AgreementFactory


def _json(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else
                str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _post(client, path, body):
    return client.post(path, data=body, content_type="application/json")


@pytest.mark.django_db
def test_list_is_scoped_paginated_and_constant_in_queries(world, north_rep, client):
    mine = AgreementFactory(dealer=world.dealer_a)
    AgreementFactory(dealer=world.dealer_b)
    client.force_login(north_rep)
    body = client.get("/api/agreements").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == mine.pk and item["dealer_id"] == world.dealer_a.pk
    assert item["dealer_code"] == "A0001" and item["status"] == "active"
    assert item["credit_limit"] == "10000.00"

    with CaptureQueriesContext(connection) as few:
        client.get("/api/agreements")
    for _ in range(20):
        AgreementFactory(dealer=DealerFactory(territory=world.tangshan))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/agreements?page_size=500").json()["count"] == 21
    assert len(many.captured_queries) == len(few.captured_queries)
    assert client.get("/api/agreements?status=draft").json()["count"] == 0


@pytest.mark.django_db
def test_create_returns_201_with_the_clauses_and_targets(world, north_rep, client):
    client.force_login(north_rep)
    body = {**_json(complete_values()), "dealer_id": world.dealer_a.pk, "all_products": True,
            "territory_ids": [world.shijiazhuang.pk]}
    response = _post(client, "/api/agreements", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["number"].startswith("AG") and data["status"] == "draft"
    assert data["dealer_id"] == world.dealer_a.pk
    assert data["territory_ids"] == [world.shijiazhuang.pk]
    assert data["credit_limit"] == "50000.00" and len(data["targets"]) == 12
    assert data["manufacturer_name"]


@pytest.mark.django_db
def test_create_out_of_territory_is_409_naming_the_territory(world, north_rep, client):
    client.force_login(north_rep)
    response = _post(client, "/api/agreements", {
        "dealer_id": world.dealer_a.pk, "start_date": "2026-01-01", "end_date": "2026-12-31",
        "territory_ids": [world.hangzhou.pk]})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "agreement_invalid" and "杭州市" in body["errors"]["territories"]
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_create_for_a_dealer_outside_the_scope_writes_nothing(world, north_rep, client):
    client.force_login(north_rep)
    response = _post(client, "/api/agreements", {
        "dealer_id": world.dealer_b.pk, "start_date": "2026-01-01", "end_date": "2026-12-31"})
    assert response.status_code == 409 and "dealer" in response.json()["errors"]
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_patch_edits_a_draft_and_refuses_a_submitted_one(world, hq_admin, client):
    agreement = draft(hq_admin, world.dealer_a)
    client.force_login(hq_admin)
    response = client.patch(f"/api/agreements/{agreement.pk}",
                            data={"dispute_venue": "天津", "territory_ids": [world.tangshan.pk]},
                            content_type="application/json")
    assert response.status_code == 200
    assert response.json()["dispute_venue"] == "天津"
    assert response.json()["territory_ids"] == [world.tangshan.pk]
    services.agreement_submit(actor=hq_admin, agreement=agreement)
    response = client.patch(f"/api/agreements/{agreement.pk}", data={"dispute_venue": "x"},
                            content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "agreement_not_editable"


@pytest.mark.django_db
def test_transitions_over_the_api(world, north_rep, director, client):
    agreement = draft(north_rep, world.dealer_a, copies=None)
    url = f"/api/agreements/{agreement.pk}/transition"
    client.force_login(north_rep)
    response = _post(client, url, {"action": "submit"})
    assert response.status_code == 409
    assert response.json()["code"] == "agreement_incomplete"
    assert "copies" in response.json()["errors"]
    services.agreement_update(actor=north_rep, agreement=agreement, values={"copies": 2})
    assert _post(client, url, {"action": "submit"}).json()["status"] == "submitted"
    response = _post(client, url, {"action": "approve"})
    assert response.status_code == 403

    client.force_login(director)
    assert _post(client, url, {"action": "approve"}).json()["status"] == "approved"
    response = _post(client, url, {"action": "sign", "signed_on": "2026-03-01"})
    assert response.json()["signed_on"] == "2026-03-01"
    assert _post(client, url, {"action": "activate"}).json()["status"] == "active"
    assert _post(client, url, {"action": "fly"}).json()["code"] == (
        "agreement_transition_invalid")
    response = _post(client, url, {"action": "terminate", "reason": "违约"})
    assert response.json()["status"] == "terminated" and response.json()["end_reason"] == "违约"


@pytest.mark.django_db
def test_overlap_is_a_409_with_its_code(world, hq_admin, director, client):
    to_active(draft(hq_admin, world.dealer_a), approver=director)
    second = draft(hq_admin, world.dealer_a)
    services.agreement_submit(actor=hq_admin, agreement=second)
    services.agreement_approve(actor=director, agreement=second)
    services.agreement_sign(actor=director, agreement=second, signed_on=datetime.date(2026, 3, 1))
    client.force_login(director)
    response = _post(client, f"/api/agreements/{second.pk}/transition", {"action": "activate"})
    assert response.status_code == 409 and response.json()["code"] == "agreement_overlap"


@pytest.mark.django_db
def test_renew_returns_the_new_version(world, hq_admin, director, client):
    old = to_active(draft(hq_admin, world.dealer_a), approver=director)
    client.force_login(hq_admin)
    response = _post(client, f"/api/agreements/{old.pk}/renew", {"start_date": "2026-07-01"})
    assert response.status_code == 201
    data = response.json()
    assert data["previous_id"] == old.pk and data["version"] == 2
    assert data["start_date"] == "2026-07-01" and data["end_date"] == "2027-06-30"
    again = _post(client, f"/api/agreements/{old.pk}/renew", {})
    assert again.status_code == 409


@pytest.mark.django_db
def test_targets_get_and_put(world, hq_admin, client):
    agreement = draft(hq_admin, world.dealer_a)
    client.force_login(hq_admin)
    url = f"/api/agreements/{agreement.pk}/targets"
    body = client.get(url).json()
    assert body["annual_target"] == "1200000.00" and len(body["months"]) == 12
    assert body["dealer_id"] == world.dealer_a.pk
    response = client.put(url, data={"months": [
        {"month": "2026-01-01", "amount": "100.10"}, {"month": "2026-02-01", "amount": "50"}]},
        content_type="application/json")
    assert response.status_code == 200
    assert response.json()["annual_target"] == "150.10"
    assert [m["month"] for m in response.json()["months"]] == ["2026-01-01", "2026-02-01"]
    response = client.put(url, data={"months": [{"month": "2030-01-01", "amount": "1"}]},
                          content_type="application/json")
    assert response.status_code == 409 and "2030-01" in response.json()["errors"]


@pytest.mark.django_db
def test_attachments_list(world, hq_admin, dealer_a_admin, client):
    agreement = AgreementFactory(dealer=world.dealer_a)
    services.attachment_add(actor=hq_admin, agreement=agreement, kind="signed_copy",
                            upload=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 x"))
    client.force_login(dealer_a_admin)
    body = client.get(f"/api/agreements/{agreement.pk}/attachments").json()
    assert body["count"] == 1
    assert body["items"][0]["kind"] == "signed_copy"
    assert body["items"][0]["dealer_id"] == world.dealer_a.pk
    assert body["items"][0]["size"] == 10


@pytest.mark.django_db
def test_dealer_users_read_but_never_write(world, dealer_a_admin, client):
    agreement = AgreementFactory(dealer=world.dealer_a, status="draft")
    signed = AgreementFactory(dealer=world.dealer_a)
    client.force_login(dealer_a_admin)
    assert client.get(f"/api/agreements/{agreement.pk}").status_code == 404
    assert client.get(f"/api/agreements/{signed.pk}").status_code == 200
    before = AuditEvent.objects.count()
    assert client.patch(f"/api/agreements/{signed.pk}", data={},
                        content_type="application/json").status_code == 403
    assert _post(client, f"/api/agreements/{signed.pk}/transition",
                 {"action": "terminate", "reason": "x"}).status_code == 403
    assert _post(client, "/api/agreements", {"dealer_id": world.dealer_a.pk,
                                             "start_date": "2026-01-01",
                                             "end_date": "2026-12-31"}).status_code == 403
    assert AuditEvent.objects.count() == before
