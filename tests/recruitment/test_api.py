"""The recruitment API: scoped lists, lead creation and follow-ups, scores, the decision
and the comparison JSON."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from qudao.recruitment.models import Candidate, Lead
from tests.recruitment.factories import TEXTBOOK, candidate_make, lead_make, scores_give


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _post(client, path, body):
    return client.post(path, data=body, content_type="application/json")


@pytest.mark.django_db
def test_lead_list_is_scoped(world, north_rep, east_rep, north_manager, dealer_a_admin,
                             django_assert_max_num_queries):
    for i in range(3):
        lead_make(territory=world.shijiazhuang, rep=north_rep, company=f"河北{i}")
    lead_make(territory=world.hangzhou, rep=east_rep, company="浙江")
    body = _client(north_rep).get("/api/leads").json()
    assert {item["company"] for item in body["items"]} == {"河北0", "河北1", "河北2"}
    assert _client(east_rep).get("/api/leads").json()["count"] == 1
    manager = _client(north_manager)
    with django_assert_max_num_queries(7):
        assert manager.get("/api/leads?page_size=100").json()["count"] == 3
    assert _client(dealer_a_admin).get("/api/leads").status_code == 403


@pytest.mark.django_db
def test_create_a_lead_and_log_a_follow_up(world, north_manager, north_rep):
    client = _client(north_manager)
    response = _post(client, "/api/leads", {"source": "exhibition", "company": "唐山展会客户",
                                            "territory_id": world.tangshan.pk,
                                            "contact_person": "刘总"})
    assert response.status_code == 201
    lead = response.json()
    assert lead["assigned_rep_id"] == north_rep.pk and lead["status"] == "new"
    response = _post(_client(north_rep), f"/api/leads/{lead['id']}/follow-ups", {
        "happened_on": str(timezone.localdate()),
        "kind": "call", "note": "电话沟通"})
    assert response.status_code == 201
    assert Lead.objects.get(pk=lead["id"]).status == "contacted"
    bad = _post(client, "/api/leads", {"source": "web", "company": "",
                                       "territory_id": world.hangzhou.pk})
    assert bad.status_code == 409
    assert set(bad.json()["errors"]) == {"company", "territory"}


@pytest.mark.django_db
def test_scores_decision_and_comparison(world, north_rep, north_manager):
    candidates = []
    for name in TEXTBOOK:
        candidates.append(candidate_make(territory=world.tangshan, rep=north_rep, name=name))
    rep = _client(north_rep)
    for candidate, values in zip(candidates, TEXTBOOK.values(), strict=True):
        codes = [c.code for c in candidate.criteria_set.criteria.all()]
        response = _post(rep, f"/api/candidates/{candidate.pk}/scores",
                         {"scores": dict(zip(codes, values, strict=True))})
        assert response.status_code == 200
    assert Decimal(response.json()["total"]) == Decimal("77.25")

    ids = ",".join(str(c.pk) for c in candidates)
    data = rep.get(f"/api/candidates/compare?ids={ids}").json()
    assert [(col["name"], col["rank"], Decimal(col["total"])) for col in data["columns"]] == [
        ("候选人1", 1, Decimal("78.00")), ("候选人3", 2, Decimal("77.25")),
        ("候选人2", 3, Decimal("76.50"))]

    assert _post(rep, f"/api/candidates/{candidates[0].pk}/decision",
                 {"decision": "accepted", "reason": "x"}).status_code == 403
    response = _post(_client(north_manager), f"/api/candidates/{candidates[0].pk}/decision",
                     {"decision": "accepted", "reason": "加权总分第一"})
    assert response.status_code == 200
    assert response.json()["dealer_id"] == Candidate.objects.get(pk=candidates[0].pk).dealer_id


@pytest.mark.django_db
def test_decision_before_every_criterion_is_scored_answers_409(world, north_manager):
    candidate = candidate_make(territory=world.tangshan)
    scores_give(candidate, north_manager, [80] * 8)
    candidate.scores.filter(criterion__code="promotion").delete()
    response = _post(_client(north_manager), f"/api/candidates/{candidate.pk}/decision",
                     {"decision": "accepted", "reason": "好"})
    assert response.status_code == 409
    assert response.json()["code"] == "scoring_incomplete"
    assert "Promotion ability" in response.json()["message"]


@pytest.mark.django_db
def test_candidate_list_and_criteria_sets(world, north_rep, east_rep, hq_admin):
    candidate_make(territory=world.shijiazhuang, rep=north_rep, name="河北候选")
    candidate_make(territory=world.hangzhou, rep=east_rep, name="浙江候选")
    body = _client(north_rep).get("/api/candidates").json()
    assert [item["name"] for item in body["items"]] == ["河北候选"]
    sets = _client(hq_admin).get("/api/criteria-sets").json()
    assert sets[0]["code"] == "textbook" and len(sets[0]["criteria"]) == 8
