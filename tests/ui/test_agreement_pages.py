"""HQ opens an agreement and its printable contract, on a desktop and on a phone."""

import pytest

from tests.agreements.conftest import catalog, draft, to_active  # noqa: F401 - fixture
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]




def test_hq_opens_an_agreement_and_its_print_view(page, browser, live_server, world, hq_admin,
                                                  director, catalog, shot):  # noqa: F811
    agreement = to_active(draft(hq_admin, world.dealer_a,
                                territories=[world.shijiazhuang, world.tangshan],
                                categories=[catalog.tea], not_applicable=["exclusivity_reward"]),
                          approver=director)
    login_as(page, live_server, "hq_admin")

    page.goto(f"{live_server.url}/agreements/")
    assert agreement.number in page.get_by_test_id("agreement-table").inner_text()
    shot(page, "agreement-list-zh")
    page.click(f"text={agreement.number}")
    page.wait_for_selector("[data-testid=section-controls]")
    assert page.get_by_test_id("agreement-status").inner_text().strip()
    assert "茶饮料" in page.get_by_test_id("product-scope").inner_text()
    assert "石家庄市" in page.get_by_test_id("territories").inner_text()
    assert page.get_by_test_id("targets").locator("tbody tr").count() == 12
    assert page.get_by_test_id("lifecycle").is_visible()  # terminate and renew for HQ
    shot(page, "agreement-detail-zh")

    page.goto(f"{live_server.url}/agreements/{agreement.pk}/print/")
    text = page.inner_text("body")
    assert agreement.number in text and "石家庄恒顺商贸有限公司" in text
    assert page.locator(".signatures").is_visible()
    shot(page, "agreement-print-zh")

    page.goto(f"{live_server.url}/agreements/new/?dealer={world.dealer_b.pk}")
    assert page.input_value("input[name=dealer_code]") == "B0001"
    assert page.get_by_test_id("fieldset-controls").is_visible()
    shot(page, "agreement-form-zh")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    try:
        login_as(mobile, live_server, "hq_admin")
        mobile.goto(f"{live_server.url}/agreements/{agreement.pk}/")
        mobile.wait_for_selector("[data-testid=section-general]")
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width}px)"
        shot(mobile, "agreement-detail-phone")
        mobile.goto(f"{live_server.url}/agreements/{agreement.pk}/print/")
        shot(mobile, "agreement-print-phone")
        mobile.goto(f"{live_server.url}/agreements/")
        shot(mobile, "agreement-list-phone")
    finally:
        phone.close()
