"""A dealer raises a request in the portal and service answers it; a second request passes
its deadline and goes to the rep; the dealer closes and rates the first; the rep logs a visit
with check-in. On a desktop and on a phone."""

import datetime

import pytest
from django.utils import timezone

from qudao.service.models import ServiceEscalation, ServiceFunction, ServiceRequest
from qudao.service.services import request_create
from qudao.service.tasks import service_escalate_task
from qudao.visits.models import Contact
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]


def test_request_answered_escalated_rated_and_a_visit(page, browser, live_server, world,
                                                      dealer_a_admin, service, north_rep,
                                                      north_manager, shot):
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.latitude, world.dealer_a.longitude = 38.0428, 114.5149
    world.dealer_a.save()

    # The dealer raises a request in the portal.
    login_as(page, live_server, "dealer_a_admin")
    page.goto(f"{live_server.url}/service/")
    page.get_by_test_id("raise-request").click()
    form = page.get_by_test_id("request-form")
    form.locator("select[name=function]").select_option(
        str(ServiceFunction.objects.get(code="logistics").pk))
    form.locator("input[name=subject]").fill("到货少了两箱")
    form.locator("textarea[name=description]").fill("11月订单到货少两箱绿茶,请核查补发。")
    shot(page, "service-raise-zh")
    page.get_by_test_id("request-submit").click()
    page.wait_for_selector("[data-testid=request-status]")
    first = ServiceRequest.objects.get(subject="到货少了两箱")
    assert page.get_by_test_id("request-status").get_attribute("data-status") == "new"

    # A second request, raised three days ago, has passed its first-response deadline.
    second = request_create(actor=dealer_a_admin, dealer=world.dealer_a,
                            function=ServiceFunction.objects.get(code="payment"),
                            subject="对账单金额不符", description="10月对账单差额 1,200 元",
                            at=timezone.now() - datetime.timedelta(days=3))
    service_escalate_task.delay()
    service_escalate_task.delay()  # the beat may run it twice: still one escalation
    escalation = ServiceEscalation.objects.get(request=second)
    assert (escalation.level, escalation.to_user) == (1, north_rep)

    # Service answers the first and resolves it.
    login_as(page, live_server, "service")
    page.goto(f"{live_server.url}/service/{first.pk}/")
    page.get_by_test_id("reply-form").locator("textarea[name=body]").fill(
        "已核实,少发两箱,明天随车补发。")
    page.get_by_test_id("reply-submit").click()
    page.wait_for_selector("[data-testid=message]")
    status_form = page.get_by_test_id("status-form")
    status_form.locator("select[name=status]").select_option("resolved")
    page.get_by_test_id("status-submit").click()
    page.wait_for_selector("[data-testid=request-status][data-status=resolved]")
    shot(page, "service-answered-zh")

    # The rep sees the escalated one.
    login_as(page, live_server, "north_rep")
    page.goto(f"{live_server.url}/service/{second.pk}/")
    assert page.get_by_test_id("escalation").count() == 1
    assert page.get_by_test_id("overdue-badge").is_visible()
    shot(page, "service-escalated-zh")

    # The dealer confirms and rates the first.
    login_as(page, live_server, "dealer_a_admin")
    page.goto(f"{live_server.url}/service/{first.pk}/")
    assert "明天随车补发" in page.get_by_test_id("request-thread").inner_text()
    confirm = page.get_by_test_id("confirm-form")
    confirm.locator("[name=rating][value='5']").check()
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_selector("[data-testid=request-rating]")
    first.refresh_from_db()
    assert (first.status, first.rating) == ("closed", 5)
    shot(page, "service-rated-zh")

    # The rep logs a visit from his phone, checked in where the dealer is.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True, permissions=["geolocation"],
                                geolocation={"latitude": 38.0430, "longitude": 114.5150})
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    try:
        login_as(mobile, live_server, "north_rep")
        mobile.goto(f"{live_server.url}/visits/new/?kind=visit&dealer={world.dealer_a.pk}")
        form = mobile.get_by_test_id("contact-form")
        mobile.get_by_test_id("check-in-button").click()
        mobile.wait_for_function("document.querySelector('[name=latitude]').value !== ''")
        form.locator("textarea[name=notes]").fill("查看库存与陈列,补货两箱已到")
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width}px)"
        shot(mobile, "visit-log-phone")
        mobile.get_by_test_id("contact-submit").click()
        mobile.wait_for_load_state()
        visit = Contact.objects.get(kind="visit", dealer=world.dealer_a)
        assert visit.staff == north_rep and visit.latitude is not None
        shot(mobile, "visit-logged-phone")
    finally:
        phone.close()
