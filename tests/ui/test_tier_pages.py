"""A regional manager runs the quarter's tier review, approves one upgrade and sees the
grade changed on the dealer page; the same pages on a phone."""

import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps

from qudao.tiers.models import TierReview
from tests.tiers.factories import rules_make, year_make
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/tiers")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_manager_approves_an_upgrade_and_sees_the_grade(page, browser, live_server, world,
                                                        north_manager, north_rep):
    # A transactional test starts from flushed tables: put the seeded policies back.
    importlib.import_module("qudao.tiers.migrations.0002_seed_rules").seed(apps, None)
    rules_make()
    world.dealer_a.grade = "B"
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    year_make(world.dealer_a, sales_per_month=Decimal("300000"), days_late=Decimal("3"))
    year_make(world.dealer_beijing, sales_per_month=Decimal("90000"), stock_months=4)

    login_as(page, live_server, "north_manager")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/tiers/")
    page.get_by_test_id("run-review-submit").click()
    page.wait_for_selector("[data-testid=review-status][data-status=done]")
    row = page.locator("[data-testid=suggestion-row][data-dealer=A0001]")
    assert row.get_attribute("data-direction") == "upgrade"
    assert "3,600,000" in row.get_by_test_id("reasons").inner_text()
    _shot(page, "review-zh")
    row.locator("input[name=note]").fill("连续四个季度达标")
    row.get_by_test_id("approve").click()
    page.wait_for_selector(".flash")
    assert page.locator("[data-testid=suggestion-row][data-dealer=A0001]").count() == 0

    page.goto(f"{live_server.url}/dealers/{world.dealer_a.pk}/")
    page.wait_for_selector("[data-testid=tier-panel]")
    assert page.get_by_test_id("tier-grade").get_attribute("data-grade") == "A"
    assert "B → A" in page.get_by_test_id("tier-history").inner_text()
    page.get_by_test_id("tier-panel").scroll_into_view_if_needed()
    _shot(page, "dealer-zh")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    try:
        login_as(mobile, live_server, "north_manager")
        label = TierReview.objects.get().label
        mobile.goto(f"{live_server.url}/tiers/reviews/{label}/?status=approved")
        mobile.wait_for_selector("[data-testid=review-status]")
        for url, name in (("", "review-phone"),
                          (f"/dealers/{world.dealer_a.pk}/", "dealer-phone")):
            if url:
                mobile.goto(f"{live_server.url}{url}")
                mobile.wait_for_selector("[data-testid=tier-panel]")
            width = mobile.evaluate("document.documentElement.scrollWidth")
            assert width <= 390 + 1, f"{name} scrolls sideways on a phone ({width}px)"
            _shot(mobile, name)
    finally:
        phone.close()
