"""Agreement pages: list, detail, form, lifecycle buttons, print, PDF, export, scope."""

import datetime
import io
import re
import zlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from openpyxl import load_workbook

from qudao.agreements import queries, services
from qudao.agreements.models import Agreement
from tests.agreements.conftest import complete_values, draft, to_active
from tests.factories import DealerFactory
from tests.helpers import page_queries
from tests.trade import AgreementFactory


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _form_data(dealer_code: str | None = None, territories=(), **overrides) -> dict:
    data = {}
    for name, value in complete_values(**overrides).items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    data["discount_percent"] = "0"
    data["price_level"] = "tier1"
    data["all_products"] = "on"
    data["territories"] = [t.pk for t in territories]
    if dealer_code:
        data["dealer_code"] = dealer_code
    return data


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(world, hq_admin, login):
    client = login(hq_admin)
    AgreementFactory(dealer=world.dealer_a)
    few = page_queries(client, "/agreements/")
    for i in range(30):
        AgreementFactory(dealer=DealerFactory(territory=world.hangzhou, name=f"杭州{i}"),
                         end_date=datetime.date(2026, 4, 1))
    assert page_queries(client, "/agreements/") == few


@pytest.mark.django_db
def test_list_filters_and_expiring_badge(world, hq_admin, english, login):
    soon = AgreementFactory(dealer=world.dealer_a, end_date=datetime.date(2026, 4, 30))
    later = AgreementFactory(dealer=world.dealer_b, end_date=datetime.date(2026, 12, 31))
    drafted = AgreementFactory(dealer=world.dealer_beijing, status="draft")
    client = login(hq_admin)

    body = client.get("/agreements/").content.decode()
    assert soon.number in body and later.number in body and drafted.number in body
    assert "1 agreement expires within 60 days" in body
    assert body.count('data-testid="expiring-badge"') == 1

    body = client.get("/agreements/?expiring=60").content.decode()
    assert soon.number in body and later.number not in body
    body = client.get("/agreements/?status=draft").content.decode()
    assert drafted.number in body and soon.number not in body
    body = client.get("/agreements/?q=杭州西湖").content.decode()
    assert later.number in body and soon.number not in body
    body = client.get("/agreements/?term_from=2026-06-01").content.decode()
    assert later.number in body and soon.number not in body
    partial = client.get("/agreements/?q=A0001", HTTP_HX_REQUEST="true",
                         HTTP_HX_TARGET="results").content.decode()
    assert "<html" not in partial and soon.number in partial


@pytest.mark.django_db
def test_export_follows_the_filters(world, hq_admin, login):
    active = AgreementFactory(dealer=world.dealer_a)
    drafted = AgreementFactory(dealer=world.dealer_b, status="draft")
    response = login(hq_admin).get("/agreements/export/?status=active")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [active.number] and drafted.number not in numbers


@pytest.mark.django_db
def test_detail_shows_sections_scope_targets_and_actions(world, north_rep, director, english,
                                                         login):
    agreement = draft(north_rep, world.dealer_a, territories=[world.shijiazhuang,
                                                              world.tangshan],
                      not_applicable=["exclusivity_reward"])
    services.agreement_submit(actor=north_rep, agreement=agreement)
    body = login(director).get(f"/agreements/{agreement.pk}/").content.decode()
    for section in ("General clauses", "Dealer obligations", "Incentives", "Controls"):
        assert section in body
    assert "Arbitration or court venue" in body and "石家庄仲裁委员会" in body
    assert "¥50,000.00" in body  # the credit limit
    assert "Shijiazhuang" in body and "Tangshan" in body and "All products" in body
    assert "2026-12" in body and "¥100,000.00" in body  # the monthly targets
    assert 'data-testid="do-approve"' in body and 'data-testid="do-return"' in body
    assert "not applicable" in body
    assert "agreement.submitted" in body or "Submitted" in body  # history


@pytest.mark.django_db
def test_detail_query_count_does_not_grow(world, hq_admin, director, login):
    agreement = to_active(draft(hq_admin, world.dealer_a), approver=director)
    client = login(hq_admin)
    url = f"/agreements/{agreement.pk}/"
    few = page_queries(client, url)
    for i in range(5):
        services.attachment_add(actor=hq_admin, agreement=agreement, upload=SimpleUploadedFile(
            f"scan{i}.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10))
    renewal = services.agreement_renew(actor=hq_admin, agreement=agreement)
    assert page_queries(client, url) == few
    assert page_queries(client, f"/agreements/{renewal.pk}/") <= few + 2  # the draft checks


@pytest.mark.django_db
def test_form_post_creates_a_draft(world, north_rep, english, login):
    client = login(north_rep)
    assert client.get(f"/agreements/new/?dealer={world.dealer_a.pk}").status_code == 200
    data = _form_data("A0001", territories=[world.shijiazhuang])
    data["not_applicable"] = ["exclusivity_reward"]
    response = client.post("/agreements/new/", data)
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == f"/agreements/{agreement.pk}/"
    assert agreement.dealer == world.dealer_a and agreement.created_by == north_rep
    assert agreement.credit_limit == Decimal("50000.00")
    assert agreement.not_applicable == ["exclusivity_reward"]
    assert list(agreement.territories.all()) == [world.shijiazhuang]
    assert agreement.targets.count() == 12


@pytest.mark.django_db
def test_form_shows_an_out_of_territory_refusal_and_writes_nothing(world, north_rep, english,
                                                                   login):
    client = login(north_rep)
    response = client.post("/agreements/new/",
                           _form_data("A0001", territories=[world.hangzhou]))
    assert response.status_code == 200 and not Agreement.objects.exists()
    assert 'data-field="territories"' in response.content.decode()
    response = client.post("/agreements/new/",
                           _form_data("B0001", territories=[world.hebei]))
    assert "No dealer with code B0001 in your scope" in response.content.decode()
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_edit_and_targets_pages_save_a_draft(world, hq_admin, english, login):
    agreement = draft(hq_admin, world.dealer_a)
    client = login(hq_admin)
    data = _form_data(territories=[world.shijiazhuang], dispute_venue="北京仲裁委员会")
    assert client.post(f"/agreements/{agreement.pk}/edit/", data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.dispute_venue == "北京仲裁委员会"
    months = {f"m_2026{m:02d}": "1000" for m in range(1, 13)}
    assert client.post(f"/agreements/{agreement.pk}/targets/", months).status_code == 302
    agreement.refresh_from_db()
    assert agreement.annual_target == Decimal("12000.00")


@pytest.mark.django_db
def test_lifecycle_buttons_move_the_agreement_and_show_refusals(world, north_rep, director,
                                                                english, login):
    agreement = draft(north_rep, world.dealer_a, dispute_venue="")
    client = login(north_rep)
    response = client.post(f"/agreements/{agreement.pk}/transition/", {"action": "submit"},
                           follow=True)
    assert "arbitration or court venue" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"

    services.agreement_update(actor=north_rep, agreement=agreement,
                              values={"dispute_venue": "石家庄"})
    client.post(f"/agreements/{agreement.pk}/transition/", {"action": "submit"})
    client = login(director)
    client.post(f"/agreements/{agreement.pk}/transition/", {"action": "approve"})
    client.post(f"/agreements/{agreement.pk}/transition/",
                {"action": "sign", "signed_on": "2026-03-10"})
    client.post(f"/agreements/{agreement.pk}/transition/", {"action": "activate"})
    assert Agreement.objects.get(pk=agreement.pk).status == "active"
    response = client.post(f"/agreements/{agreement.pk}/transition/",
                           {"action": "terminate", "reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    client.post(f"/agreements/{agreement.pk}/transition/",
                {"action": "terminate", "reason": "经营不善"})
    assert Agreement.objects.get(pk=agreement.pk).status == "terminated"


@pytest.mark.django_db
def test_renew_button_drafts_the_next_version(world, hq_admin, director, english, login):
    old = to_active(draft(hq_admin, world.dealer_a), approver=director)
    response = login(hq_admin).post(f"/agreements/{old.pk}/renew/", {})
    renewal = Agreement.objects.get(previous=old)
    assert response.url == f"/agreements/{renewal.pk}/"
    body = login(hq_admin).get(response.url).content.decode()
    assert f"{old.number} v1" in body and 'data-testid="versions"' in body


@pytest.mark.django_db
def test_print_view_and_pdf(world, hq_admin, director, english, login, catalog, product_in):
    from qudao.catalog.models import ProductPrice

    product = product_in(catalog.tea, spec="500ml×24")
    for level, price in (("tier1", "48.00"), ("retail", "72.00")):
        ProductPrice.objects.create(product=product, level=level, unit_price=Decimal(price),
                                    valid_from=datetime.date(2025, 1, 1))
    agreement = to_active(draft(hq_admin, world.dealer_a, products=[product]), approver=director)
    client = login(hq_admin)
    body = client.get(f"/agreements/{agreement.pk}/print/").content.decode()
    assert "Distributor agreement" in body and agreement.number in body
    assert "Party A (manufacturer)" in body and "Authorized representative (signature)" in body
    assert settings.MANUFACTURER["name"] in body and "500ml×24" in body
    assert "¥48.00" in body and "¥72.00" in body
    assert "<nav" not in body  # a clean document, not the app page

    response = client.get(f"/agreements/{agreement.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'{agreement.number}.pdf' in response["Content-Disposition"]
    assert "WenQuanYi-Micro-Hei" in _pdf_font_names(response.content)  # CJK glyphs embedded


def _pdf_font_names(pdf: bytes) -> str:
    """Names of the fonts a PDF embeds, looking inside its compressed object streams too."""
    found = set(re.findall(rb"/(?:BaseFont|FontName)\s*/([\w+\-]+)", pdf))
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found |= set(re.findall(rb"/(?:BaseFont|FontName)\s*/([\w+\-]+)",
                                    zlib.decompress(match.group(1))))
        except zlib.error:
            continue
    return " ".join(name.decode() for name in found)


@pytest.mark.django_db
def test_pages_are_scoped(world, hq_admin, east_rep, dealer_a_admin, dealer_a_staff, login):
    active = AgreementFactory(dealer=world.dealer_a)
    drafted = draft(hq_admin, world.dealer_a)
    client = login(east_rep)
    for suffix in ("", "print/", "pdf/", "edit/"):
        assert client.get(f"/agreements/{active.pk}/{suffix}").status_code == 404
    assert active.number not in client.get("/agreements/").content.decode()
    client = login(dealer_a_admin)
    assert client.get(f"/agreements/{active.pk}/").status_code == 200
    assert client.get(f"/agreements/{drafted.pk}/").status_code == 404  # no internal drafts
    body = client.get("/agreements/").content.decode()
    assert active.number in body and drafted.number not in body
    assert login(dealer_a_staff).get("/agreements/").status_code == 403


@pytest.mark.django_db
def test_dealer_panel_shows_agreements_and_the_expiry_warning(world, hq_admin, english):
    soon = AgreementFactory(dealer=world.dealer_a, end_date=datetime.date(2026, 4, 30))
    AgreementFactory(dealer=world.dealer_a, status="expired", end_date=datetime.date(2025, 12, 31),
                     start_date=datetime.date(2025, 1, 1))
    panel = queries.dealer_panel(user=hq_admin, dealer=world.dealer_a)
    assert panel["expiring"] == [soon] and panel["ended_count"] == 1
    from django.utils import translation
    with translation.override("en"):
        html = render_to_string("agreements/_dealer_panel.html", {"panel": panel})
    assert soon.number in html and "expires on 2026-04-30" in html
    assert list(queries.expiring_soon(user=hq_admin)) == [soon]
