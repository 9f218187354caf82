"""A regional manager compares three candidates side by side (radar chart), accepts the best
one (confirming), and follows the link to the dealer it created, whose page tells how it
was selected. On a desktop and on a phone; screenshots in /tmp/shots/recruitment/."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from qudao.recruitment.models import Candidate, CriteriaSet
from tests.evaluation.factories import quarter_history
from tests.recruitment.factories import TEXTBOOK, candidate_make, scores_give
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/recruitment")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _criteria_seeded() -> None:
    """A transactional test may start after another one flushed the seeded criteria sets."""
    if not CriteriaSet.objects.filter(code="textbook").exists():
        importlib.import_module("qudao.recruitment.migrations.0002_default_criteria").install(
            apps, None)


def test_manager_compares_accepts_and_opens_the_new_dealer(page, browser, live_server, world,
                                                           north_rep, north_manager):
    _criteria_seeded()
    candidates = []
    for name, values in TEXTBOOK.items():
        candidate = candidate_make(territory=world.tangshan, rep=north_rep,
                                   name=f"唐山{name}商贸", vehicles=5, warehouse_area=800)
        scores_give(candidate, north_rep, values)
        scores_give(candidate, north_manager, values)
        candidates.append(candidate)
    best = candidates[0]

    # The manager ticks the three candidates on the list and compares them.
    login_as(page, live_server, "north_manager")
    page.goto(f"{live_server.url}/recruitment/candidates/")
    for candidate in candidates:
        page.get_by_test_id(f"compare-{candidate.pk}").check()
    page.get_by_test_id("compare-submit").click()
    page.wait_for_selector("[data-testid=radar][data-ready='1']")
    assert page.locator("[data-testid=radar] canvas").count() >= 1
    assert page.get_by_test_id("rank-1").get_attribute("data-name") == best.name
    totals = page.get_by_test_id("compare-total").inner_text()
    assert "78.00" in totals and "76.50" in totals and "77.25" in totals
    _shot(page, "compare-desktop-zh")

    # Accepting asks for confirmation, then the candidate page links to the new dealer.
    page.once("dialog", lambda dialog: dialog.accept())
    form = page.get_by_test_id(f"accept-{best.pk}")
    form.locator("input[name=reason]").fill("加权总分第一，区位与网点覆盖最好")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=candidate-status][data-status=accepted]")
    _shot(page, "accepted-desktop-zh")
    page.get_by_test_id("dealer-created").click()
    page.wait_for_selector("[data-testid=selection-panel]")
    dealer = Candidate.objects.get(pk=best.pk).dealer
    assert dealer.status == "onboarding"
    dealer_url = page.url
    assert dealer_url.rstrip("/").endswith(f"/dealers/{dealer.pk}")
    assert "78.00" in page.get_by_test_id("selection-panel").inner_text()
    page.get_by_test_id("selection-panel").scroll_into_view_if_needed()
    _shot(page, "dealer-desktop-zh")

    # On a phone: the comparison (wide table scrolls, radar fits) and the dealer page.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    login_as(mobile, live_server, "north_manager")
    ids = "&".join(f"ids={c.pk}" for c in candidates)
    mobile.goto(f"{live_server.url}/recruitment/candidates/compare/?{ids}")
    mobile.wait_for_selector("[data-testid=radar][data-ready='1']")
    _shot(mobile, "compare-phone-zh")
    mobile.goto(dealer_url)
    mobile.wait_for_selector("[data-testid=selection-panel]")
    _shot(mobile, "dealer-phone-zh")
    phone.close()

    # The new dealer has no history to score yet; an established dealer of the region has
    # its scorecard, reached from its page, each formula shown beside its score.
    assert "scorecard-panel" in page.content()
    quarter_history(world.dealer_a)
    page.goto(f"{live_server.url}/dealers/{world.dealer_a.pk}/")
    page.get_by_test_id("panel-scorecard-link").click()
    page.wait_for_selector("[data-testid=formula-sales]")
    assert page.url.rstrip("/").endswith(f"/evaluation/dealers/{world.dealer_a.pk}")
    formula = page.get_by_test_id("formula-sales").inner_text()
    assert "240,000" in formula and "300,000" in formula and "80.0%" in formula
    page.wait_for_function("document.querySelector('#chart-radar canvas') !== null")
    _shot(page, "scorecard-desktop-zh")
