"""The money path in a real browser: the dealer orders beyond its credit in the portal,
finance approves, the order desk ships (and so invoices), finance records the payment,
and the dealer's statement shows all of it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.finance.models import CreditAccount, Invoice
from qudao.orders.models import Order
from tests.trade import priced_product, trading_dealer
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]




def test_portal_order_over_credit_to_statement(page, browser, live_server, world, finance,
                                               service, dealer_a_admin, shot):
    today = timezone.localdate()
    trading_dealer(world.dealer_a, credit_limit="1000.00",
                   start_date=today - datetime.timedelta(days=30),
                   end_date=today + datetime.timedelta(days=330))
    product = priced_product("100.00", sku="SKU-GT500", name="绿茶 500ml", unit="瓶")
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The dealer's boss orders 15 bottles (1,500.00) against a credit of 1,000.00.
    login_as(page, live_server, "dealer_a_admin")
    page.goto(f"{live_server.url}/orders/new/")
    page.fill("[data-testid=product-search]", "GT500")
    page.click(f"button.add-line[data-sku='{product.sku}']")
    page.fill(f"input[name=qty_{product.pk}]", "15")
    page.get_by_test_id("order-total").filter(has_text="1,500.00").wait_for()
    shot(page, "trade-1-portal-order")
    page.click("[data-testid=place-order]")
    page.get_by_test_id("hold-reason").wait_for()
    hold = page.get_by_test_id("hold-reason").inner_text()
    assert "1500.00" in hold.replace(",", "") and "1000.00" in hold.replace(",", "")
    shot(page, "trade-2-order-held")
    order = Order.objects.get(dealer=world.dealer_a)
    assert order.status == "submitted" and order.total_amount == Decimal("1500.00")

    # 2. Finance sees the reason in its queue and approves.
    login_as(page, live_server, "finance")
    page.goto(f"{live_server.url}/orders/approvals/")
    queue = page.get_by_test_id("approval-queue")
    assert order.number in queue.inner_text()
    shot(page, "trade-3-approval-queue")
    queue.locator("tr", has_text=order.number).locator(
        f"form[action$='/orders/{order.pk}/approve/'] button").click()
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == "approved"
    assert CreditAccount.objects.get(dealer=world.dealer_a).reserved == Decimal("1500.00")

    # 3. The order desk ships everything from one batch: the shipment is invoiced.
    login_as(page, live_server, "service")
    page.goto(f"{live_server.url}/orders/{order.pk}/ship/")
    line = order.lines.get()
    page.fill(f"input[name=qty_{line.pk}]", "15")
    page.fill(f"input[name=batch_{line.pk}]", "B20261123")
    shot(page, "trade-4-ship")
    page.click("form:has([data-testid=ship-lines]) button[type=submit]")
    page.wait_for_url("**/orders/shipments/*/")
    shipment = order.shipments.get()
    assert shipment.number in page.inner_text("h1") and "B20261123" in page.inner_text("main")
    shot(page, "trade-4b-shipment")
    invoice = Invoice.objects.get(dealer=world.dealer_a)
    assert invoice.amount == Decimal("1500.00") and invoice.status == "open"
    account = CreditAccount.objects.get(dealer=world.dealer_a)
    assert (account.reserved, account.receivable) == (Decimal("0.00"), Decimal("1500.00"))

    # 4. Finance records the dealer's bank transfer; it settles the invoice.
    login_as(page, live_server, "finance")
    page.goto(f"{live_server.url}/finance/payments/new/")
    page.select_option("select[name=dealer]", str(world.dealer_a.pk))
    page.fill("input[name=amount]", "1500.00")
    page.fill("input[name=reference]", "BANK-778899")
    shot(page, "trade-5-payment")
    page.get_by_test_id("payment-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    invoice.refresh_from_db()
    assert invoice.status == "paid"

    # 5. The dealer's statement: the invoice, the payment, nothing left to pay.
    login_as(page, live_server, "dealer_a_admin")
    page.goto(f"{live_server.url}/finance/statement/")
    table = page.get_by_test_id("statement-table").inner_text()
    assert invoice.number in table and "BANK-778899" in table
    assert page.get_by_test_id("closing").inner_text().strip() in ("0.00", "0")
    shot(page, "trade-6-statement")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    try:
        login_as(mobile, live_server, "dealer_a_admin")
        for path, name in ((f"/orders/{order.pk}/", "trade-phone-order"),
                           ("/finance/statement/", "trade-phone-statement")):
            mobile.goto(f"{live_server.url}{path}")
            width = mobile.evaluate("document.documentElement.scrollWidth")
            assert width <= 391, f"{path} scrolls sideways on a phone ({width}px)"
            shot(mobile, name)
    finally:
        phone.close()
