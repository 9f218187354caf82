"""The retail pages: lists (scoped, filtered, a fixed number of queries, Excel), a store's
page, the audit form, the workflow, the certificate and its PDF, configuration, reports."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qudao.core.excel import XLSX_TYPE
from qudao.retail.models import Certificate, QualificationCondition, StoreAudit
from tests.retail.factories import (
    application_make,
    audit_make,
    certificate_make,
    checklist_make,
    profile_make,
    store_make,
)


def _stores(world, n: int) -> None:
    today = timezone.localdate()
    for _ in range(n):
        store = store_make(parent=world.dealer_a)
        audit_make(store, day=today, score="66.00")
        certificate_make(store, valid_from=today, valid_until=today + datetime.timedelta(days=20))


@pytest.mark.django_db
def test_retailer_list_queries_do_not_grow_with_rows(world, north_manager, login,
                                                     django_assert_max_num_queries):
    client = login(north_manager)
    _stores(world, 2)
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("retail:retailer_list")).status_code == 200
    _stores(world, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("retail:retailer_list"))
    assert response.content.decode().count('data-testid="retailer-row"') == 23
    for name in ("audit_list", "certificate_list", "application_list"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"retail:{name}")).status_code == 200


@pytest.mark.django_db
def test_list_filters_and_a_dealer_admin_sees_only_the_stores_it_supplies(
        world, dealer_a_admin, login):
    b_store = store_make(parent=world.dealer_b, name="杭州西湖便利店")
    today = timezone.localdate()
    low = store_make(parent=world.dealer_a, name="石家庄低分店")
    audit_make(low, day=today, score="55.00")
    certificate_make(world.dealer_a_shop, valid_from=today,
                     valid_until=today + datetime.timedelta(days=10))
    client = login(dealer_a_admin)

    page = client.get(reverse("retail:retailer_list")).content.decode()
    assert "石家庄便民超市" in page and "石家庄低分店" in page and "杭州西湖便利店" not in page
    page = client.get(reverse("retail:retailer_list") + "?below=70").content.decode()
    assert page.count('data-testid="retailer-row"') == 1 and "石家庄低分店" in page
    page = client.get(reverse("retail:retailer_list") + "?certificate=expiring").content.decode()
    assert page.count('data-testid="retailer-row"') == 1 and "石家庄便民超市" in page
    assert client.get(reverse("retail:retailer_detail", args=[b_store.pk])).status_code == 404
    assert client.get(reverse("retail:retailer_detail",
                              args=[world.dealer_a_shop.pk])).status_code == 200
    # Dealers neither audit nor export.
    assert client.get(reverse("retail:audit_add",
                              args=[world.dealer_a_shop.pk])).status_code == 403
    assert client.get(reverse("retail:retailer_export")).status_code == 403


@pytest.mark.django_db
def test_store_page_shows_qualification_commitments_and_entitlements(world, north_rep, login):
    QualificationCondition.objects.filter(retailer_type="authorized", grade="B").update(
        min_area=50, min_staff=None, min_volume=None, min_audit_score=None, min_management=4)
    store = world.dealer_a_shop
    store.grade = "B"
    store.save()
    profile_make(store, area=45, management=4)

    client = login(north_rep)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("retail:retailer_detail", args=[store.pk]))

    html = page.content.decode()
    assert 'data-key="area"' in html and "✗" in html and "1 condition unmet" in html
    assert html.count('data-testid="commitment-row"') == 6
    # The seeded special fund of authorized B stores.
    assert '<span data-testid="entitlement-amount">¥10000.00</span>' in html.replace(",", "")


@pytest.mark.django_db
def test_a_rep_audits_a_store_on_the_form(world, north_rep, login):
    items = checklist_make(20, 10)
    client = login(north_rep)
    url = reverse("retail:audit_add", args=[world.dealer_a_shop.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"audited_on": timezone.localdate().isoformat(),
                                 f"score_{items[0].pk}": "18", f"score_{items[1].pk}": "6",
                                 "notes": "堆头到位"})
    store_audit = StoreAudit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("retail:audit_detail", args=[store_audit.pk])
    assert store_audit.total_score == Decimal("80.00")
    bad = client.post(url, {"audited_on": timezone.localdate().isoformat(),
                            f"score_{items[0].pk}": "30"})
    assert bad.status_code == 200 and StoreAudit.objects.count() == 1


@pytest.mark.django_db
def test_review_approve_and_the_certificate_with_its_pdf(world, north_rep, north_manager,
                                                        login, client):
    application = application_make(world, applicant=north_rep)
    rep = login(north_rep)
    url = reverse("retail:application_detail", args=[application.pk])
    assert 'data-testid="review-form"' in rep.get(url).content.decode()
    rep.post(reverse("retail:application_review", args=[application.pk]), {"accept": "yes"})
    application.refresh_from_db()
    assert application.status == "reviewed"
    assert 'data-testid="decision-form"' not in rep.get(url).content.decode()

    manager = login(north_manager)
    assert 'data-testid="decision-form"' in manager.get(url).content.decode()
    manager.post(reverse("retail:application_decide", args=[application.pk]),
                 {"approve": "yes", "grade": "A"})
    certificate = Certificate.objects.get(application=application)
    sheet = manager.get(reverse("retail:certificate_print", args=[certificate.pk]))
    assert certificate.number in sheet.content.decode()
    pdf = manager.get(reverse("retail:certificate_pdf", args=[certificate.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert f'{certificate.number}.pdf' in pdf["Content-Disposition"]
    expiring = manager.get(reverse("retail:certificate_list") + "?state=expiring")
    assert 'data-testid="certificate-row"' not in expiring.content.decode()


@pytest.mark.django_db
def test_exports_are_excel_with_the_filters(world, north_manager, login):
    _stores(world, 1)
    client = login(north_manager)
    for name in ("retailer_export", "audit_export", "certificate_export",
                 "application_export"):
        response = client.get(reverse(f"retail:{name}"))
        assert response["Content-Type"] == XLSX_TYPE, name
    for name in ("breach_list", "terminal_control"):
        response = client.get(reverse(f"retail:{name}") + "?export=1")
        assert response["Content-Type"] == XLSX_TYPE, name


@pytest.mark.django_db
def test_configuration_is_head_offices(world, hq_admin, north_manager, login):
    assert login(north_manager).get(reverse("retail:config")).status_code == 404
    client = login(hq_admin)
    assert client.get(reverse("retail:config")).status_code == 200
    client.post(reverse("retail:condition_save"), {
        "prefix": "exclusive-A", "exclusive-A-retailer_type": "exclusive",
        "exclusive-A-grade": "A", "exclusive-A-min_volume": "800000",
        "exclusive-A-min_area": "150", "exclusive-A-min_staff": "",
        "exclusive-A-min_audit_score": "90", "exclusive-A-min_management": "5"})
    condition = QualificationCondition.objects.get(retailer_type="exclusive", grade="A")
    assert (condition.min_volume, condition.min_area, condition.min_staff,
            condition.min_management) == (Decimal("800000.00"), 150, None, 5)


@pytest.mark.django_db
def test_reports_and_the_dealer_panel(world, north_manager, north_rep, login):
    _stores(world, 2)
    client = login(north_manager)
    control = client.get(reverse("retail:terminal_control"))
    assert control.status_code == 200 and 'data-testid="control-row"' in control.content.decode()
    assert client.get(reverse("retail:breach_list")).status_code == 200
    panel = client.get(reverse("dealers:dealer_panel", args=[world.dealer_a.pk, "retail"]))
    assert 'data-testid="retail-panel-figures"' in panel.content.decode()
    client.cookies["django_language"] = "en"
    panel = client.get(reverse("dealers:dealer_panel", args=[world.dealer_a.pk, "retail"]))
    figures = " ".join(panel.content.decode().split())
    assert "3 stores:" in figures
    assert "Expiring within 30 days 2</a>" in figures and "No certificate 1</a>" in figures
    assert login(north_rep).get(reverse("retail:terminal_control")).status_code == 403
