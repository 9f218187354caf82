"""The tiers API: rules, suggestions and their decision, lifecycle actions, a dealer's tier."""

from decimal import Decimal

import pytest
from django.test import Client

from qudao.finance.models import CreditAccount
from qudao.tiers.models import GradeChange
from tests.tiers.factories import action_make, suggestion_make, year_make

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_rules_with_policies(rules, north_rep):
    body = _client(north_rep).get("/api/tier-rules").json()
    tier1 = next(r for r in body if r["channel_level"] == "tier1")
    assert (Decimal(tier1["a_volume"]), tier1["a_cooperation"]) == (Decimal("3000000"), 80)
    assert [p["grade"] for p in tier1["policies"]] == ["A", "B", "C"]


def test_suggestions_are_scoped_and_carry_reasons(rules, world, north_rep):
    suggestion_make(world.dealer_a)
    suggestion_make(world.dealer_b)
    body = _client(north_rep).get("/api/tier-suggestions?status=pending", **EN).json()
    assert [item["dealer_code"] for item in body["items"]] == ["A0001"]
    assert body["items"][0]["reasons"] == [
        "sales of 12 months 3,500,000 ≥ A threshold 3,000,000", "cooperation 85 ≥ A threshold 80"]


def test_decide_a_suggestion(rules, world, north_manager, north_rep):
    world.dealer_a.grade = "B"
    world.dealer_a.save()
    suggestion = suggestion_make(world.dealer_a)
    url = f"/api/tier-suggestions/{suggestion.pk}/decide"
    body = {"decision": "approve", "note": "达标"}
    assert _client(north_rep).post(url, body, content_type="application/json"
                                   ).status_code == 403
    response = _client(north_manager).post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.grade == "A" and GradeChange.objects.count() == 1
    again = _client(north_manager).post(url, body, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "tier_suggestion_decided")


def test_propose_and_approve_more_credit(world, north_rep, north_manager):
    CreditAccount.objects.create(dealer=world.dealer_a, limit=Decimal("200000"))
    response = _client(north_rep).post("/api/lifecycle-actions", {
        "dealer_id": world.dealer_a.pk, "kind": "grow_credit", "reason": "旺季备货",
        "new_credit_limit": "350000"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    action_id = response.json()["id"]
    own = _client(north_rep).post(f"/api/lifecycle-actions/{action_id}/decide",
                                  {"decision": "approve"}, content_type="application/json")
    assert own.status_code == 403  # a rep may not approve at all
    decided = _client(north_manager).post(f"/api/lifecycle-actions/{action_id}/decide",
                                          {"decision": "approve"},
                                          content_type="application/json")
    assert decided.json()["status"] == "approved"
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == Decimal("350000.00")


def test_proposer_cannot_approve_own_action_through_the_api(world, north_manager):
    action = action_make(world.dealer_a, proposed_by=north_manager)
    response = _client(north_manager).post(f"/api/lifecycle-actions/{action.pk}/decide",
                                           {"decision": "approve"},
                                           content_type="application/json", **EN)
    assert (response.status_code, response.json()["code"]) == (409, "tier_self_approval")
    assert "another manager decides it" in response.json()["message"]


def test_proposing_for_another_regions_dealer_is_not_found(world, north_rep):
    response = _client(north_rep).post("/api/lifecycle-actions", {
        "dealer_id": world.dealer_b.pk, "kind": "keep", "reason": "x"},
        content_type="application/json")
    assert response.status_code == 404


def test_a_dealers_tier_figures(rules, world, north_rep, finance, dealer_a_admin):
    year_make(world.dealer_a, sales_per_month=Decimal("300000"))
    body = _client(north_rep).get(f"/api/dealers/{world.dealer_a.pk}/tier").json()
    assert (body["grade_by_rules"], Decimal(body["sales"]), Decimal(body["cooperation"])) == (
        "A", Decimal("3600000"), Decimal("100"))
    assert _client(north_rep).get(f"/api/dealers/{world.dealer_b.pk}/tier").status_code == 404
    assert _client(finance).get(f"/api/dealers/{world.dealer_a.pk}/tier").status_code == 403
    assert _client(dealer_a_admin).get(
        f"/api/dealers/{world.dealer_a.pk}/tier").status_code == 403


def test_api_lists_keep_their_query_count(rules, world, hq_admin,
                                          django_assert_max_num_queries):
    client = _client(hq_admin)
    for dealer in (world.dealer_a, world.dealer_b):
        suggestion_make(dealer)
        action_make(dealer)
    with django_assert_max_num_queries(12):
        assert client.get("/api/tier-suggestions").json()["count"] == 2
    with django_assert_max_num_queries(12):
        assert client.get("/api/lifecycle-actions").json()["count"] == 2
    for dealer in (world.dealer_a_sub, world.dealer_a_shop, world.dealer_beijing):
        suggestion_make(dealer)
        action_make(dealer)
    with django_assert_max_num_queries(12):
        assert client.get("/api/tier-suggestions").json()["count"] == 5
    with django_assert_max_num_queries(12):
        assert client.get("/api/lifecycle-actions").json()["count"] == 5
