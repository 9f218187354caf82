"""A regional manager opens a dealer's scorecard, reads a formula and the radar chart,
and scores a dimension the data leaves open; on a desktop and on a phone."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from qudao.evaluation.models import Scorecard
from qudao.evaluation.periods import Period
from tests.evaluation.factories import quarter_history
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/evaluation")
Q1 = Period("quarter", datetime.date(2025, 1, 1))


def test_manager_reads_and_scores_a_scorecard(page, browser, live_server, world,
                                              north_manager):
    SHOTS.mkdir(parents=True, exist_ok=True)
    quarter_history(world.dealer_a)
    login_as(page, live_server, "north_manager")
    url = f"{live_server.url}/evaluation/dealers/{world.dealer_a.pk}/"
    page.goto(f"{url}?period=quarter:2025-01-01")

    formula = page.get_by_test_id("formula-sales").inner_text()
    assert "240,000" in formula and "300,000" in formula and "80.0%" in formula
    assert page.get_by_test_id("score-sales").inner_text() == "80.0"
    page.wait_for_function(
        "document.querySelector('#chart-radar canvas') !== null")
    assert page.locator("#chart-trend canvas").count() == 1
    assert page.get_by_test_id("dimension-competitiveness").get_attribute(
        "data-source") == "none"
    page.screenshot(path=str(SHOTS / "scorecard-desktop-before.png"), full_page=True)

    form = page.get_by_test_id("hand-form-competitiveness")
    form.locator("input[name=score]").fill("78")
    form.locator("input[name=note]").fill("终端网点覆盖好,陈列规范")
    page.get_by_test_id("hand-submit-competitiveness").click()
    page.wait_for_selector("[data-testid=dimension-competitiveness][data-source=hand]")
    assert page.get_by_test_id("score-competitiveness").inner_text() == "78.0"
    assert "终端网点覆盖好" in page.get_by_test_id("dimension-competitiveness").inner_text()
    card = Scorecard.objects.get(dealer=world.dealer_a, period_kind="quarter",
                                 period_start=Q1.start)
    assert {line.dimension: line.hand_score for line in card.lines.all()}[
        "competitiveness"] == Decimal("78.0")
    assert page.get_by_test_id("scorecard-total").inner_text() == str(card.total)
    page.screenshot(path=str(SHOTS / "scorecard-desktop.png"), full_page=True)

    # The list of the period, ranked.
    page.goto(f"{live_server.url}/evaluation/?period=quarter:2025-01-01")
    assert page.get_by_test_id("scorecard-row").count() == 4
    page.screenshot(path=str(SHOTS / "scorecard-list-desktop.png"), full_page=True)

    # On a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True, device_scale_factor=2)
    mobile = phone.new_page()
    login_as(mobile, live_server, "north_manager")
    mobile.goto(f"{url}?period=quarter:2025-01-01")
    mobile.wait_for_function("document.querySelector('#chart-radar canvas') !== null")
    assert mobile.get_by_test_id("formula-sales").is_visible()
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width
    mobile.screenshot(path=str(SHOTS / "scorecard-phone.png"), full_page=True)
    mobile.goto(f"{live_server.url}/evaluation/?period=quarter:2025-01-01")
    mobile.screenshot(path=str(SHOTS / "scorecard-list-phone.png"), full_page=True)
    phone.close()
