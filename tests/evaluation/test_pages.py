"""Scorecard pages: the list (filters, ranking, export, query count), the dealer's page
(formulas with their inputs, hand scoring, finalize), the PDF, the weights page, the
dealer-page panel, computing a period with its progress page; who sees what."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from qudao.evaluation import services
from qudao.evaluation.models import ComputeRun, ScorecardWeight
from tests.evaluation.factories import Q1, card_of, computed
from tests.factories import DealerFactory

pytestmark = pytest.mark.django_db
LIST = "/evaluation/"
Q1_KEY = "quarter:2025-01-01"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _page(client, dealer, period=Q1_KEY):
    return client.get(f"/evaluation/dealers/{dealer.pk}/?period={period}")


def test_dealer_page_shows_each_formula_with_its_inputs(rich, north_rep, login):
    computed()
    html = _page(login(north_rep), rich.dealer).content.decode()

    assert ("target achievement = sales 240,000 / target 300,000 = 80.0% → score 80.0"
            in html)
    assert "average days paid late = 300,000 amount·days / 100,000 collected = 3.0 days" in html
    assert "over 30 days overdue at the end 8,000 / sales 240,000 = 3.3%" in html
    assert "tenure 4.0 years since the first agreement 2021-04-01 → 20 × 4.0 = 80.0" in html
    assert "sales 240,000 vs 200,000 a year before = +20.0% → 50 + 100 × +20.0% = 70.0" in html
    assert "new products ordered 1 of 4 launched in the last 12 months = 25.0%" in html
    assert "coverage = customers sold to 36 / coverage target 40 = 90.0%" in html
    assert "complaints 2 / orders 10 = 20.0% → 100 − 200 × 20.0% = 60.0" in html
    assert "dealer&#x27;s satisfaction with our service 4.50/5 on 2 rated requests" in html
    assert 'data-testid="scorecard-total">83.5<' in html
    assert 'id="chart-radar"' in html and 'id="radar-data"' in html
    # A rep reads; he does not score.
    assert 'data-testid="hand-form-loyalty"' not in html


def test_manager_scores_a_hand_dimension_on_the_page(world, north_manager, login):
    computed()
    client = login(north_manager)
    page = _page(client, world.dealer_beijing).content.decode()
    assert "No sales target for this period: score it by hand." in page
    card = card_of(world.dealer_beijing)

    response = client.post(f"/evaluation/scorecards/{card.pk}/hand/",
                           {"dimension": "sales", "score": "72.5", "note": "目标未下达"})

    assert response.status_code == 302
    assert response["Location"] == (f"/evaluation/dealers/{world.dealer_beijing.pk}/"
                                    "?period=quarter%3A2025-01-01")
    lines = {line.dimension: line for line in card_of(world.dealer_beijing).lines.all()}
    assert (lines["sales"].score, lines["sales"].hand_note) == (Decimal("72.5"), "目标未下达")
    html = _page(client, world.dealer_beijing).content.decode()
    assert "scored by hand: 72.5" in html and "目标未下达" in html


def test_hand_score_without_a_note_is_shown_on_its_form(world, north_manager, login):
    computed()
    client = login(north_manager)
    card = card_of(world.dealer_beijing)

    response = client.post(f"/evaluation/scorecards/{card.pk}/hand/",
                           {"dimension": "sales", "score": "60", "note": ""})

    assert response.status_code == 400
    assert "Sales performance: say why in the note." in response.content.decode()
    assert card_of(world.dealer_beijing).total is None


def test_finalize_freezes_the_page(rich, north_manager, login):
    computed()
    client = login(north_manager)
    card = card_of(rich.dealer)

    client.post(f"/evaluation/scorecards/{card.pk}/finalize/")

    html = _page(client, rich.dealer).content.decode()
    assert 'data-testid="scorecard-status">Final<' in html
    assert 'data-testid="hand-form-loyalty"' not in html
    response = client.post(f"/evaluation/scorecards/{card.pk}/hand/",
                           {"dimension": "loyalty", "score": "10", "note": "x"}, follow=True)
    assert "is final: it is frozen" in response.content.decode()
    assert card_of(rich.dealer).total == Decimal("83.5")


def test_list_ranks_filters_and_exports(world, rich, north_manager, login):
    computed()
    client = login(north_manager)

    html = client.get(f"{LIST}?period={Q1_KEY}").content.decode()
    assert html.count('data-testid="scorecard-row"') == 4  # HB's dealers, not B
    assert "A0001" in html and "B0001" not in html
    html = client.get(f"{LIST}?period={Q1_KEY}&channel_level=tier2").content.decode()
    assert html.count('data-testid="scorecard-row"') == 1 and "A0002" in html
    html = client.get(f"{LIST}?period={Q1_KEY}&q=恒顺").content.decode()
    assert html.count('data-testid="scorecard-row"') == 1

    response = client.get(f"/evaluation/export/?period={Q1_KEY}&sort=-total")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Period", "Dealer code", "Dealer")
    assert len(rows) == 5
    first = rows[1]
    assert first[:2] == ("2025-Q1", "A0001")
    assert first[13] == 83.5  # total


def test_list_queries_do_not_grow_with_rows(world, hq_admin, login,
                                            django_assert_max_num_queries):
    computed()
    client = login(hq_admin)
    with django_assert_max_num_queries(14):
        assert client.get(f"{LIST}?period={Q1_KEY}").status_code == 200
    for n in range(30):
        DealerFactory(code=f"QX{n:03d}", territory=world.hangzhou)
    computed()
    with django_assert_max_num_queries(14):
        response = client.get(f"{LIST}?period={Q1_KEY}")
    assert response.content.decode().count('data-testid="scorecard-row"') == 25


def test_scoping_of_the_pages(world, rich, north_rep, east_rep, finance, dealer_a_admin,
                              login, client):
    computed()
    card = card_of(world.dealer_b)
    assert _page(login(north_rep), world.dealer_b).status_code == 404
    assert client.get(f"/evaluation/scorecards/{card.pk}/pdf/").status_code == 404
    assert _page(login(east_rep), world.dealer_b).status_code == 200
    assert _page(login(finance), world.dealer_b).status_code == 200
    assert client.post(f"/evaluation/scorecards/{card.pk}/hand/",
                       {"dimension": "sales", "score": "1", "note": "x"}).status_code == 403
    login(dealer_a_admin)
    for url in (LIST, f"/evaluation/dealers/{world.dealer_a.pk}/", "/evaluation/weights/",
                f"/evaluation/scorecards/{card_of(world.dealer_a).pk}/pdf/"):
        assert client.get(url).status_code == 403, url


def test_pdf_is_a_pdf(rich, finance, login):
    computed()
    response = login(finance).get(f"/evaluation/scorecards/{card_of(rich.dealer).pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_weights_page_refuses_a_wrong_sum_and_saves_a_right_one(world, hq_admin,
                                                                north_manager, login):
    client = login(north_manager)
    assert client.get("/evaluation/weights/").status_code == 200
    assert client.post("/evaluation/weights/", {"level": "tier1"}).status_code == 403
    client = login(hq_admin)
    values = {"tier1-sales": "0.30", "tier1-financial": "0.20", "tier1-loyalty": "0.15",
              "tier1-growth": "0.15", "tier1-innovation": "0.05",
              "tier1-competitiveness": "0.10", "tier1-satisfaction": "0.10"}

    response = client.post("/evaluation/weights/", {"level": "tier1", **values})
    assert response.status_code == 400
    assert "add up to 1.05" in response.content.decode()

    values["tier1-sales"] = "0.25"
    values["tier1-satisfaction"] = "0.05"
    values["tier1-loyalty"] = "0.20"
    assert client.post("/evaluation/weights/", {"level": "tier1", **values}).status_code == 302
    assert ScorecardWeight.objects.get(channel_level="tier1", dimension="loyalty").weight == \
        Decimal("0.20")


def test_computing_a_period_from_the_list_shows_the_run(world, north_manager, login,
                                                       django_capture_on_commit_callbacks):
    client = login(north_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/evaluation/compute/", {"kind": "quarter", "day": "2025-02-14"})
    run = ComputeRun.objects.get()
    assert response["Location"] == f"/evaluation/runs/{run.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in html and 'data-testid="run-written">4<' in html
    assert card_of(world.dealer_a).period_start == Q1.start


def test_dealer_page_panel(rich, north_manager, login):
    computed()
    client = login(north_manager)
    html = client.get(f"/dealers/{rich.dealer.pk}/panels/scorecard/").content.decode()
    assert 'data-testid="panel-total"' in html and "83.5" in html
    assert "Innovation 50.0" in html  # the weakest dimension
    assert f"/evaluation/dealers/{rich.dealer.pk}/" in html


def test_latest_period_is_shown_by_default(rich, north_manager, login):
    computed()
    services.compute(period=Q1.shifted(1))
    html = login(north_manager).get(f"/evaluation/dealers/{rich.dealer.pk}/").content.decode()
    assert "2025-Q2" in html
    assert 'value="quarter:2025-04-01" selected' in html
