"""The retail API: stores and audits scoped persona by persona (a dealer admin sees the
stores it supplies), audits recorded, the registration workflow."""

import pytest
from django.test import Client
from django.utils import timezone

from qudao.retail.models import Application, Certificate, StoreAudit
from tests.conftest import PERSONAS
from tests.retail.factories import application_values, audit_make, checklist_make, store_make

# Stores of the world each persona sees (None: the role has no retail access).
EXPECTED_STORES = {
    "hq_admin": {"A0003", "S-B", "S-BJ"}, "director": {"A0003", "S-B", "S-BJ"},
    "north_manager": {"A0003", "S-BJ"}, "north_rep": {"A0003"}, "east_rep": {"S-B"},
    "dealer_a_admin": {"A0003"}, "dealer_b_admin": {"S-B"},
    "finance": None, "service": None, "dealer_a_staff": None,
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_stores_and_audits_show_exactly_the_users_scope(persona, personas, world):
    stores = {"A0003": world.dealer_a_shop,
              "S-B": store_make(parent=world.dealer_b, code="S-B"),
              "S-BJ": store_make(parent=world.dealer_beijing, code="S-BJ",
                                 level="key_account")}
    audits = {code: audit_make(store, day=timezone.localdate(), score="75.00")
              for code, store in stores.items()}
    client = Client()
    client.force_login(personas[persona])
    expected = EXPECTED_STORES[persona]

    response = client.get("/api/retailers?page_size=500")
    if expected is None:
        assert response.status_code == 403
        assert client.get("/api/retail-audits").status_code == 403
        return
    assert {item["code"] for item in response.json()["items"]} == expected
    ids = {s.pk: code for code, s in stores.items()}
    body = client.get("/api/retail-audits?page_size=500").json()
    assert {ids[item["retailer_id"]] for item in body["items"]} == expected
    for code, store in stores.items():
        want = 200 if code in expected else 404
        assert client.get(f"/api/retailers/{store.pk}").status_code == want, code
        assert client.get(f"/api/retail-audits/{audits[code].pk}").status_code == want, code


@pytest.mark.django_db
def test_a_rep_records_an_audit_through_the_api(world, north_rep, east_rep):
    items = checklist_make(10, 10, 20)
    body = {"retailer_id": world.dealer_a_shop.pk,
            "audited_on": timezone.localdate().isoformat(),
            "scores": [{"item_id": items[0].pk, "score": 10}, {"item_id": items[1].pk,
                                                                "score": 5},
                       {"item_id": items[2].pk, "score": 12, "note": "价签缺两个"}]}
    client = Client()
    client.force_login(east_rep)
    assert client.post("/api/retail-audits", body,
                       content_type="application/json").status_code == 404
    client.force_login(north_rep)
    response = client.post("/api/retail-audits", body, content_type="application/json")
    assert response.status_code == 201
    assert (response.json()["total_score"], response.json()["points"]) == ("67.50", 27)
    assert [s["passed"] for s in response.json()["scores"]] == [True, False, True]
    body["scores"] = body["scores"][:1]
    refused = client.post("/api/retail-audits", body, content_type="application/json",
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 409 and refused.json()["code"] == "retail_invalid"
    assert set(refused.json()["errors"]) == {f"score_{items[1].pk}", f"score_{items[2].pk}"}
    assert StoreAudit.objects.count() == 1


@pytest.mark.django_db
def test_the_registration_workflow_through_the_api(world, north_rep, north_manager,
                                                   dealer_a_admin):
    values = application_values(world)
    payload = {**{k: v for k, v in values.items() if k not in ("territory", "parent")},
               "territory_id": world.shijiazhuang.pk, "parent_id": world.dealer_a.pk}
    rep = Client()
    rep.force_login(north_rep)
    created = rep.post("/api/retail-applications", payload, content_type="application/json")
    assert created.status_code == 201
    application_id = created.json()["id"]
    assert created.json()["number"].startswith("RA")
    assert rep.post(f"/api/retail-applications/{application_id}/review",
                    {"accept": True}, content_type="application/json").json()[
        "status"] == "reviewed"
    assert rep.post(f"/api/retail-applications/{application_id}/decide", {},
                    content_type="application/json").status_code == 403

    manager = Client()
    manager.force_login(north_manager)
    decided = manager.post(f"/api/retail-applications/{application_id}/decide",
                           {"approve": True, "grade": "A"}, content_type="application/json")
    assert decided.status_code == 200
    certificate = Certificate.objects.get(application_id=application_id)
    assert decided.json()["certificate_number"] == certificate.number
    again = manager.post(f"/api/retail-applications/{application_id}/decide", {},
                         content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "retail_application_status_invalid"

    dealer = Client()
    dealer.force_login(dealer_a_admin)
    listed = dealer.get("/api/retail-applications").json()
    assert [item["id"] for item in listed["items"]] == [application_id]
    refused = dealer.post("/api/retail-applications", {**payload, "terms_accepted": False},
                          content_type="application/json")
    assert refused.status_code == 409 and "terms_accepted" in refused.json()["errors"]
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_the_reviewer_cannot_decide_through_the_api(world, north_rep, north_manager):
    application = Application.objects.create(
        applicant=north_rep, reviewed_by=north_manager, status="reviewed", number="RA1",
        **application_values(world))
    client = Client()
    client.force_login(north_manager)
    response = client.post(f"/api/retail-applications/{application.pk}/decide",
                           {"approve": True}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "retail_approver_conflict"
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_api_lists_queries_do_not_grow_with_rows(world, north_manager, north_rep,
                                                 django_assert_max_num_queries):
    from tests.retail.factories import application_make, certificate_make

    client = Client()
    client.force_login(north_manager)
    today = timezone.localdate()

    def rows(n: int) -> None:
        for _ in range(n):
            store = store_make(parent=world.dealer_a)
            audit_make(store, day=today, score="80.00")
            application = application_make(world, applicant=north_rep, status="approved",
                                           retailer=store)
            certificate_make(store, valid_from=today, valid_until=today, application=application)

    rows(2)
    counts = {}
    for path in ("/api/retailers", "/api/retail-audits", "/api/retail-applications"):
        with django_assert_max_num_queries(12) as few:
            assert client.get(path).status_code == 200
        counts[path] = len(few.captured_queries)
    rows(15)
    for path, count in counts.items():
        with django_assert_max_num_queries(count):
            assert len(client.get(path).json()["items"]) >= 17
