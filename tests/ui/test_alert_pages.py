"""A rep finds the dealer whose orders fell, reads why, acknowledges and logs a visit; the
pages on a desktop and on a phone."""

from decimal import Decimal

import pytest

from qudao.alerts import services
from qudao.alerts.models import Alert, AlertAction
from qudao.alerts.panel import add_months
from qudao.analytics.models import DealerMonth
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]




def _history(world, north_rep):
    """Fourteen steady months for three tier-1 dealers; the rep's dealer A orders half as
    much in the last complete month."""
    last = services.last_complete_month()
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save(update_fields=["assigned_rep"])
    rows = []
    for dealer, base in ((world.dealer_a, 100000), (world.dealer_beijing, 80000),
                         (world.dealer_b, 120000)):
        for back in range(14, -1, -1):
            month = add_months(last, -back)
            amount = Decimal(base + 1000 * (back % 3))
            if dealer == world.dealer_a and back == 0:
                amount = Decimal("50000")
            rows.append(DealerMonth(dealer=dealer, month=month, order_amount=amount,
                                    list_amount=amount, order_quantity=int(amount / 100),
                                    order_lines=5, order_count=3,
                                    first_order_day=month.replace(day=3),
                                    last_order_day=month.replace(day=25)))
    DealerMonth.objects.bulk_create(rows)
    services.scan(periods=(last, last))
    return last


def test_rep_reads_acknowledges_and_logs_a_visit(page, browser, live_server, world,
                                                 north_rep, shot):
    last = _history(world, north_rep)
    alert = Alert.objects.get(rule__code="order-drop-trailing")
    assert (alert.dealer, alert.period, alert.assigned_to) == (world.dealer_a, last, north_rep)

    login_as(page, live_server, "north_rep")
    assert page.get_by_test_id("alerts-unread").inner_text().strip() != ""
    page.click("header nav >> text=预警")
    page.wait_for_selector("[data-testid=alert-figures]")
    page.wait_for_selector("#chart-alert-trend canvas")
    assert "订货额骤降" in page.get_by_test_id("alerts-by-rule").inner_text()
    shot(page, "alert-dashboard-zh")

    page.get_by_test_id("alerts-by-rule").locator("text=订货额骤降(比近3月均值)").click()
    page.wait_for_selector("[data-testid=alert-table]")
    assert "A0001" in page.get_by_test_id("alert-table").inner_text()
    shot(page, "alert-list-zh")
    page.get_by_test_id("alert-table").locator("text=订货额骤降(比近3月均值)").click()

    page.wait_for_selector("#chart-alert canvas")
    explanation = page.get_by_test_id("alert-explanation").inner_text()
    assert "¥50,000.00" in explanation and "-50%" in explanation
    assert page.get_by_test_id("alert-status").inner_text().strip() == "新"
    shot(page, "alert-detail-zh")

    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("alert-status").inner_text().strip() == "已确认"

    form = page.get_by_test_id("action-form")
    form.locator("select[name=kind]").select_option("visit")
    form.locator("textarea[name=notes]").fill("上门拜访:二级客户流失,约定下月铺货促销")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, "alert-after-visit-zh")
    assert page.get_by_test_id("alert-status").inner_text().strip() == "已采取措施"
    assert "二级客户流失" in page.get_by_test_id("alert-actions").inner_text()
    action = AlertAction.objects.get()
    assert (action.alert, action.kind, action.by) == (alert, "visit", north_rep)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    try:
        login_as(mobile, live_server, "north_rep")
        mobile.goto(f"{live_server.url}/alerts/{alert.pk}/")
        mobile.wait_for_selector("#chart-alert canvas")
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width}px)"
        shot(mobile, "alert-detail-phone")
        mobile.goto(f"{live_server.url}/alerts/")
        mobile.wait_for_selector("[data-testid=alert-figures]")
        shot(mobile, "alert-dashboard-phone")
    finally:
        phone.close()
