"""A rep audits a store on a phone; a manager approves a retailer application and opens
its authorization certificate. Screenshots in /tmp/shots/retail/."""

import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps

from qudao.retail import services
from qudao.retail.models import Application, Certificate, ChecklistItem, StoreAudit
from tests.retail.factories import application_values
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/retail")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 300


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def checklist(db):
    """The seeded checklist and conditions (a transactional test starts from a flush)."""
    importlib.import_module("qudao.retail.migrations.0002_defaults").install(apps, None)
    return list(ChecklistItem.objects.filter(is_active=True).order_by("position"))


def test_a_rep_audits_a_store_on_a_phone(browser, live_server, world, north_rep, checklist):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login_as(page, live_server, "north_rep")
        page.goto(f"{live_server.url}/retail/")
        page.locator('[data-testid="retailer-row"][data-code="A0003"] a').first.click()
        _shot(page, "phone-store-page")
        page.get_by_test_id("audit-add").click()
        scores = {"image": 18, "display": 10, "promotion": 8, "price_tags": 15, "stock": 12,
                  "staff": 9, "clean": 9}
        for code, score in scores.items():
            page.get_by_test_id(f"score-{code}").fill(str(score))
        assert page.get_by_test_id("audit-total").inner_text() == "81.00"
        page.locator('[data-testid="audit-item"][data-code="display"] input[type=text]').fill(
            "主销产品排面不足")
        page.get_by_test_id("audit-photos").set_input_files(
            files=[{"name": "货架.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
        _shot(page, "phone-audit-form")
        page.get_by_test_id("audit-submit").click()
        page.wait_for_selector("[data-testid=audit-score]")
        assert page.get_by_test_id("audit-score").inner_text() == "81.00"
        _shot(page, "phone-audit-saved")
    finally:
        context.close()
    store_audit = StoreAudit.objects.get()
    assert (store_audit.retailer, store_audit.auditor) == (world.dealer_a_shop, north_rep)
    assert store_audit.total_score == Decimal("81.00") and store_audit.photos.count() == 1
    # Display scored 10 of 20: below the pass share, a display breach this month.
    assert not store_audit.scores.get(commitment="display").passed


def test_a_manager_approves_an_application_and_opens_the_certificate(
        page, live_server, world, north_rep, north_manager, checklist):
    application = services.application_submit(actor=north_rep,
                                              values=application_values(world))
    services.application_review(actor=north_rep, application=application, accept=True,
                                note="门店实地查看，条件属实")

    login_as(page, live_server, "north_manager")
    page.goto(f"{live_server.url}/retail/applications/")
    page.get_by_role("link", name=application.number).click()
    page.get_by_test_id("decision-form").locator("input[value=yes]").check()
    page.get_by_test_id("decision-form").locator("select[name=grade]").select_option("B")
    _shot(page, "manager-application")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("decision-submit").click()
    page.wait_for_selector("[data-testid=certificate-link]")
    assert page.get_by_test_id("application-status").get_attribute("data-status") == "approved"
    _shot(page, "manager-approved")
    certificate = Certificate.objects.get(application=application)
    page.get_by_test_id("certificate-link").click()
    page.wait_for_selector("[data-testid=certificate-sheet]")
    assert page.get_by_test_id("certificate-number").inner_text() == certificate.number
    _shot(page, "certificate")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert Application.objects.get().retailer.grade == "B"
