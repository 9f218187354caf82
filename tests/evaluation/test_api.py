"""The scorecard API: the list (scoped, filtered, fixed query count), the detail with its
formulas, hand scores (409 for a computed dimension or a final scorecard), the weights."""

from decimal import Decimal

import pytest

from qudao.evaluation import services
from tests.evaluation.factories import card_of, computed
from tests.factories import DealerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def test_list_is_scoped_and_filtered(world, rich, north_rep, client,
                                     django_assert_max_num_queries):
    computed()
    client.force_login(north_rep)
    with django_assert_max_num_queries(8):
        body = client.get("/api/scorecards?kind=quarter&start=2025-01-01").json()
    assert {item["dealer_code"] for item in body["items"]} == {"A0001", "A0002", "A0003"}
    first = body["items"][0]
    assert (first["dealer_code"], first["total"], first["scores"]["sales"]) == (
        "A0001", "83.5", "80.0")
    body = client.get("/api/scorecards?channel_level=terminal").json()
    assert [item["dealer_code"] for item in body["items"]] == ["A0003"]


def test_list_queries_do_not_grow(world, hq_admin, client, django_assert_max_num_queries):
    for n in range(20):
        DealerFactory(code=f"QA{n:03d}", territory=world.hangzhou)
    computed()
    client.force_login(hq_admin)
    with django_assert_max_num_queries(8):
        body = client.get("/api/scorecards?page_size=100").json()
    assert body["count"] == 25


def test_detail_has_the_lines_and_their_formulas(rich, finance, client):
    computed()
    client.force_login(finance)
    body = client.get(f"/api/scorecards/{card_of(rich.dealer).pk}").json()
    sales = next(line for line in body["lines"] if line["dimension"] == "sales")
    assert sales["formula"] == ["target achievement = sales 240,000 / target 300,000 = 80.0% "
                                "→ score 80.0 (at most 100)"]
    assert sales["source"] == "computed" and sales["hand_allowed"] is False


def test_hand_score_over_the_api(world, rich, north_manager, client):
    computed()
    client.force_login(north_manager)
    card = card_of(world.dealer_beijing)
    response = client.post(f"/api/scorecards/{card.pk}/hand-scores",
                           {"dimension": "competitiveness", "score": "65", "note": "网点多"},
                           content_type="application/json")
    assert response.status_code == 200
    # Products were launched (the rich fixture), Beijing ordered none: innovation is
    # computed (0.0) and takes no hand score; competitiveness (no target) does.
    assert response.json()["scores"]["competitiveness"] == "65.0"
    assert response.json()["scores"]["innovation"] == "0.0"
    a = card_of(rich.dealer)
    response = client.post(f"/api/scorecards/{a.pk}/hand-scores",
                           {"dimension": "sales", "score": "65", "note": "x"},
                           content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "scorecard_hand_score_invalid"
    services.scorecard_finalize(actor=north_manager, scorecard=a)
    response = client.post(f"/api/scorecards/{a.pk}/hand-scores",
                           {"dimension": "loyalty", "score": "65", "note": "x"},
                           content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "scorecard_frozen")


def test_reps_read_but_do_not_score_and_dealers_see_nothing(world, north_rep,
                                                            dealer_a_admin, client):
    computed()
    card = card_of(world.dealer_a)
    client.force_login(north_rep)
    response = client.post(f"/api/scorecards/{card.pk}/hand-scores",
                           {"dimension": "competitiveness", "score": "65", "note": "x"},
                           content_type="application/json")
    assert response.status_code == 403
    client.force_login(dealer_a_admin)
    assert client.get("/api/scorecards").status_code == 403
    assert client.get(f"/api/scorecards/{card.pk}").status_code == 403
    assert client.get("/api/scorecard-weights").status_code == 403


def test_weights_list(world, finance, client):
    client.force_login(finance)
    body = client.get("/api/scorecard-weights").json()
    tier1 = next(row for row in body if row["channel_level"] == "tier1")
    assert tier1["sum"] == "1.00"
    assert tier1["weights"]["sales"] == "0.25"
    assert Decimal(next(row for row in body if row["channel_level"] == "terminal")
                   ["weights"]["satisfaction"]) == Decimal("0.15")
