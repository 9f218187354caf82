"""A person's walk through Qudao in a browser: login, search, edit, dashboard, 2 languages."""

import pytest

from qudao.dealers.models import Dealer
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]




def test_rep_searches_edits_a_dealer_and_sees_the_dashboard(page, live_server, world, north_rep,
                                                           shot):
    login_as(page, live_server, "north_rep")
    # Default language is Simplified Chinese.
    assert page.locator("h1").inner_text() == "仪表盘"
    page.wait_for_function("document.querySelector('#chart-status canvas') !== null")
    assert page.get_by_test_id("dealer-total").inner_text() == "3"
    shot(page, "dashboard-zh")

    # Staff pages are grouped by area in the navigation: 经销商管理 > 经销商.
    page.click("[data-testid=nav-dealers] summary")
    page.click("[data-testid=nav-dealers] a:text-is('经销商')")
    page.fill("#id_q", "唐山")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=dealer-table] tbody tr').length === 1")
    assert "唐山丰源食品商行" in page.get_by_test_id("dealer-table").inner_text()
    assert "q=%E5%94%90%E5%B1%B1" in page.url  # the search is in the address bar
    shot(page, "dealer-list-search-zh")

    page.click("text=唐山丰源食品商行")
    page.click("text=编辑")
    page.fill("input[name=vehicles]", "8")
    page.fill("input[name=tag_names]", "核心二批")
    page.get_by_test_id("save").click()
    page.wait_for_selector("text=更改已保存")
    assert "核心二批" in page.inner_text("main")
    history = page.get_by_test_id("history").inner_text()
    assert "车辆数: ∅ → 8" in history and "编辑经销商" in history
    shot(page, "dealer-detail-zh")
    assert Dealer.objects.get(code="A0002").vehicles == 8

    # Switch to English: the same pages, in English.
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")
    assert "Vehicles" in page.inner_text("main")
    page.click("[data-testid=nav-dealers] summary")
    with page.expect_navigation():
        page.click("[data-testid=nav-dealers] a:text-is('Dealers')")
    assert page.locator("h1").inner_text() == "Dealers"
    shot(page, "dealer-list-en")
    with page.expect_navigation():
        page.click("nav >> text=Dashboard")
    page.wait_for_function("document.querySelector('#chart-region canvas') !== null")
    assert page.locator("h1").inner_text() == "Dashboard"
    shot(page, "dashboard-en")


def test_dealer_list_works_on_a_phone(browser, live_server, world, hq_admin, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    login_as(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/dealers/")
    rows = page.locator("[data-testid=dealer-table] tbody tr")
    assert rows.count() == 5
    # The table fits the screen: hidden columns make room, nothing scrolls sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    shot(page, "dealer-list-phone")
    context.close()
