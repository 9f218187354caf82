"""Calls-and-visits pages: logging from the phone (check-in, photo), the contact log with
its filters and export, the dealer page panel, the month plan, the overdue list and the
compliance report; who sees what, and query counts that do not grow with the rows."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from qudao.core.models import AuditEvent
from qudao.dealers.models import Dealer
from qudao.visits.models import Contact, PlanComment, PlanItem
from tests.factories import DealerFactory
from tests.visits.factories import log, seasoned, today

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def hebei(world, north_rep):
    Dealer.objects.filter(pk__in=[world.dealer_a.pk, world.dealer_a_sub.pk,
                                  world.dealer_a_shop.pk]).update(assigned_rep=north_rep)
    Dealer.objects.filter(pk=world.dealer_a.pk).update(latitude=Decimal("38.010000"),
                                                       longitude=Decimal("114.480000"))
    seasoned(*Dealer.objects.all())
    return world


def _sheet(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_log_a_visit_from_the_phone_with_check_in_and_photo(hebei, north_rep, login):
    client = login(north_rep)
    form = client.get(f"/visits/new/?kind=visit&dealer={hebei.dealer_a.pk}")
    page = form.content.decode()
    for testid in ("contact-form", "contact-kind", "contact-dealer", "check-in-button",
                   "check-in-status", "contact-photos", "contact-submit"):
        assert f'data-testid="{testid}"' in page
    assert 'value="A0001"' in page and "navigator.geolocation" in page
    assert 'name="viewport"' in page

    checked = timezone.now() - datetime.timedelta(minutes=2)
    response = client.post("/visits/new/", {
        "kind": "visit", "dealer": "A0001 · 石家庄恒顺商贸有限公司",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "purpose": "inspection", "person": "王老板", "notes": "主力规格库存约两周",
        "next_step": "补陈列物料", "next_step_due": (today() + datetime.timedelta(days=7))
        .isoformat(), "latitude": "38.011000", "longitude": "114.480000", "accuracy": "12.5",
        "checked_in_at": checked.isoformat().replace("+00:00", "Z"),
        "photos": [SimpleUploadedFile("shelf.png", PNG, content_type="image/png")],
    })

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/visits/{contact.pk}/"
    assert (contact.kind, contact.dealer, contact.staff, contact.distance_m) == (
        "visit", hebei.dealer_a, north_rep, 111)
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="contact-distance">111 m from the dealer&#x27;s address<' in detail
    assert "主力规格库存约两周" in detail and 'data-testid="contact-photo-list"' in detail
    photo = contact.photos.get()
    image = client.get(f"/visits/{contact.pk}/photos/{photo.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == PNG


@pytest.mark.django_db
def test_a_refused_record_shows_the_reason_on_the_form(hebei, north_rep, login):
    client = login(north_rep)
    response = client.post("/visits/new/", {
        "kind": "call_out", "dealer": "B0001", "purpose": "collection", "notes": "x",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert "No dealer with this code in your scope." in response.content.decode()
    response = client.post("/visits/new/", {
        "kind": "call_out", "dealer": "A0001", "purpose": "collection", "notes": "x",
        "happened_at": (timezone.localtime() + datetime.timedelta(hours=2))
        .strftime("%Y-%m-%dT%H:%M")})
    assert "A call or visit is logged after it happened." in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_dealer_suggestions(hebei, north_rep, login):
    client = login(north_rep)
    page = client.get("/visits/dealers/?dealer=恒顺").content.decode()
    assert '<option value="A0001">A0001 · 石家庄恒顺商贸有限公司</option>' in page
    assert "B0001" not in client.get("/visits/dealers/?dealer=B").content.decode()


@pytest.mark.django_db
def test_contact_list_filters_scope_and_export(hebei, north_rep, east_rep, north_manager,
                                               login):
    log(hebei.dealer_a, north_rep, kind="visit", ago=1, notes="看陈列")
    log(hebei.dealer_a_sub, north_rep, ago=2, next_step="对账",
        next_step_due=today() - datetime.timedelta(days=1))
    log(hebei.dealer_b, east_rep, ago=1)
    client = login(north_rep)

    page = client.get("/visits/")
    assert [c.dealer.code for c in page.context["page"].object_list] == ["A0001", "A0002"]
    assert 'data-testid="contact-table"' in page.content.decode()
    assert [c.dealer.code for c in client.get("/visits/?kind=visit").context["page"]
            .object_list] == ["A0001"]
    assert [c.dealer.code for c in client.get("/visits/?next_step=late").context["page"]
            .object_list] == ["A0002"]
    assert client.get("/visits/?q=A0002").context["page"].paginator.count == 1
    # A rep exports his own list: his dealers, not the east rep's.
    assert sorted(r[2] for r in _sheet(client.get("/visits/export/"))[1:]) == ["A0001",
                                                                              "A0002"]

    rows = _sheet(login(north_manager).get("/visits/export/?kind=call_out"))
    assert rows[0][:4] == ("When", "Kind", "Dealer code", "Dealer")
    assert [(r[1], r[2], r[4], r[10]) for r in rows[1:]] == [
        ("Call to the dealer", "A0002", "河北业务员", "对账")]


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_rows(hebei, north_rep, login):
    client = login(north_rep)
    log(hebei.dealer_a, north_rep, ago=1)
    client.get("/visits/")
    with CaptureQueriesContext(connection) as few:
        client.get("/visits/")
    for n in range(6):
        log(hebei.dealer_a_sub if n % 2 else hebei.dealer_a_shop, north_rep, ago=n + 2,
            kind="visit")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/visits/").context["page"].object_list) == 7
    assert len(many) == len(few)

    client.get("/visits/overdue/")
    with CaptureQueriesContext(connection) as few:
        client.get("/visits/overdue/")
    for n in range(5):
        DealerFactory(code=f"A01{n}", territory=hebei.shijiazhuang, assigned_rep=north_rep)
    seasoned(*Dealer.objects.all())
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/visits/overdue/").context["rows"]) == 8
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_author_corrects_a_record_others_cannot(hebei, north_rep, north_manager, login):
    contact = log(hebei.dealer_a, north_rep, ago=1, notes="旧记录")
    Contact.objects.filter(pk=contact.pk).update(
        happened_at=contact.happened_at + datetime.timedelta(seconds=17))
    contact.refresh_from_db()
    client = login(north_rep)
    assert 'data-testid="contact-edit-form"' in client.get(
        f"/visits/{contact.pk}/edit/").content.decode()
    response = client.post(f"/visits/{contact.pk}/edit/", {
        "happened_at": timezone.localtime(contact.happened_at).strftime("%Y-%m-%dT%H:%M"),
        "purpose": "collection", "notes": "新记录", "person": "", "outcome": "",
        "next_step": "", "next_step_due": "", "duration_minutes": ""})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.notes, contact.purpose) == ("新记录", "collection")
    detail = client.get(f"/visits/{contact.pk}/").content.decode()
    assert "Call or visit corrected" in detail
    changed = AuditEvent.objects.get(event="dealer_contact.changed").data
    assert changed == {"notes": ["旧记录", "新记录"], "purpose": ["relationship", "collection"]}
    assert login(north_manager).get(f"/visits/{contact.pk}/edit/").status_code == 404


@pytest.mark.django_db
def test_dealer_page_panel(hebei, north_rep, login, dealer_a_admin, client):
    log(hebei.dealer_a, north_rep, ago=40)
    log(hebei.dealer_a, north_rep, kind="visit", ago=20, next_step="送新品样品",
        next_step_due=today() + datetime.timedelta(days=3))
    page = login(north_rep).get(f"/dealers/{hebei.dealer_a.pk}/panels/contacts/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="contacts-panel"' in html
    last_call = re.search(r'data-testid="panel-last-call">(.*?)</dd>', html, re.S).group(1)
    assert (today() - datetime.timedelta(days=40)).isoformat() in last_call
    assert "40 days ago" in last_call and "call overdue" in last_call
    last_visit = re.search(r'data-testid="panel-last-visit">(.*?)</dd>', html, re.S).group(1)
    assert "20 days ago" in last_visit and "visit overdue" not in last_visit
    assert "送新品样品" in html
    assert 'data-testid="panel-log-visit"' in html

    client.logout()
    client.force_login(dealer_a_admin)
    assert client.get(f"/dealers/{hebei.dealer_a.pk}/panels/contacts/").status_code == 404
    assert "contacts-panel" not in client.get(f"/dealers/{hebei.dealer_a.pk}/").content.decode()


@pytest.mark.django_db
def test_dealer_users_see_no_page_of_calls_and_visits(hebei, north_rep, dealer_a_admin,
                                                      login):
    contact = log(hebei.dealer_a, north_rep, ago=1)
    client = login(dealer_a_admin)
    for url in ["/visits/", "/visits/new/", f"/visits/{contact.pk}/", "/visits/plan/",
                "/visits/plans/", "/visits/overdue/", "/visits/compliance/",
                "/visits/export/", "/visits/compliance/export/"]:
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_other_regions_records_answer_404(hebei, north_rep, east_rep, login):
    contact = log(hebei.dealer_a, north_rep, ago=1)
    client = login(east_rep)
    assert client.get(f"/visits/{contact.pk}/").status_code == 404
    assert client.get(f"/visits/{contact.pk}/photos/1/").status_code == 404


@pytest.mark.django_db
def test_month_plan_page_rep_plans_manager_comments(hebei, north_rep, north_manager, east_rep,
                                                    login):
    client = login(north_rep)
    page = client.get("/visits/plan/").content.decode()
    assert 'data-testid="plan-item-form"' in page and 'data-testid="plan-items"' in page
    response = client.post("/visits/plan/items/", {
        "dealer": "A0001", "day": today().isoformat(), "kind": "visit",
        "purpose": "inspection", "note": "查库存", "month": f"{today():%Y-%m}"})
    assert response.status_code == 302
    item = PlanItem.objects.get()
    assert (item.plan.rep, item.dealer.code, item.day) == (north_rep, "A0001", today())
    page = client.get("/visits/plan/").content.decode()
    assert page.count('data-testid="plan-item"') == 1 and "查库存" in page

    manager = login(north_manager)
    url = f"/visits/plan/?month={today():%Y-%m}&rep={north_rep.pk}"
    page = manager.get(url).content.decode()
    assert "查库存" in page and 'data-testid="plan-item-form"' not in page
    assert 'data-testid="plan-comment-form"' in page
    manager.post(f"/visits/plan/{item.plan.pk}/comments/", {"text": "月底前再跑一次"})
    assert PlanComment.objects.get().author == north_manager
    listing = manager.get(f"/visits/plans/?month={today():%Y-%m}")
    assert [(str(r["rep"]), r["planned_visits"]) for r in listing.context["rows"]] == [
        ("华北经理", 0), ("河北业务员", 1)]

    assert login(east_rep).get(url).status_code == 404


@pytest.mark.django_db
def test_overdue_page_and_export(hebei, north_rep, north_manager, login):
    log(hebei.dealer_a, north_rep, ago=31)
    log(hebei.dealer_a, north_rep, kind="visit", ago=31)
    for dealer in (hebei.dealer_a_sub, hebei.dealer_a_shop, hebei.dealer_beijing):
        log(dealer, north_rep, ago=1)
        log(dealer, north_rep, kind="visit", ago=1)
    client = login(north_manager)
    html = client.get("/visits/overdue/").content.decode()
    assert re.findall(r'data-testid="overdue-row" data-dealer="(\w+)"', html) == ["A0001"]
    assert ">1 day<" in html
    html = client.get("/visits/overdue/?kind=visit").content.decode()
    assert 'data-testid="overdue-row"' not in html

    rows = _sheet(client.get("/visits/overdue/export/"))
    assert rows[0] == ("Dealer code", "Dealer", "Region", "Sales rep", "Last call",
                       "Call overdue (days)", "Last visit", "Visit overdue (days)")
    assert [(r[0], r[3], r[5], r[7]) for r in rows[1:]] == [("A0001", "河北业务员", 1, None)]
    assert rows[1][4].date() == today() - datetime.timedelta(days=31)


@pytest.mark.django_db
def test_compliance_page_and_export(hebei, north_rep, north_manager, login):
    log(hebei.dealer_a, north_rep, ago=1)
    log(hebei.dealer_a_sub, north_rep, ago=1)
    log(hebei.dealer_a, north_rep, kind="visit", ago=1)
    client = login(north_manager)
    page = client.get("/visits/compliance/")
    html = page.content.decode()
    rows = {r["label"]: r for r in page.context["report"]["rows"]}
    assert set(rows) == {"河北业务员", ""}
    assert re.search(r'data-testid="call-share">66.7%<', html)
    assert re.search(r'data-testid="visit-share">33.3%<', html)
    assert "No rep assigned" in html  # Beijing

    html = client.get("/visits/compliance/?by=province").content.decode()
    assert "Hebei" in html and "Beijing" in html

    rows = _sheet(client.get("/visits/compliance/export/"))
    assert rows[0][:4] == ("Group", "Active dealers", "Called within the limit",
                           "Call compliance")
    assert [r[:6] for r in rows[1:]] == [
        ("河北业务员", 3, 2, 0.6667, 1, 0.3333),
        ("No rep assigned", 1, 0, 0, 0, 0),
        ("Total", 4, 2, 0.5, 1, 0.25),
    ]


@pytest.mark.django_db
def test_a_visit_logged_from_an_alert_is_recorded_on_it(hebei, north_rep, login):
    from qudao.alerts.models import Alert, AlertAction, Rule

    alert = Alert.objects.create(rule=Rule.objects.get(code="order-drop-mom"),
                                 period=today().replace(day=1),
                                 subject_key=f"dealer:{hebei.dealer_a.pk}",
                                 dealer=hebei.dealer_a, territory=hebei.shijiazhuang,
                                 severity="critical")
    client = login(north_rep)
    url = f"/visits/new/?kind=visit&dealer={hebei.dealer_a.pk}&alert={alert.pk}"
    page = client.get(url).content.decode()
    assert 'data-testid="contact-alert"' in page
    assert f'name="alert" value="{alert.pk}"' in page
    response = client.post(url, {
        "kind": "visit", "dealer": "A0001", "purpose": "inspection", "notes": "下游两家店关了",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "alert": alert.pk,
        "latitude": "95", "longitude": "114.48"})
    assert "The phone sent no valid position; check in again." in response.content.decode()
    assert not Contact.objects.exists()

    response = client.post(url, {
        "kind": "visit", "dealer": "A0001", "purpose": "inspection", "notes": "下游两家店关了",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "alert": alert.pk})
    assert response.status_code == 302
    assert Contact.objects.get().alert == alert
    action = AlertAction.objects.get(alert=alert)
    assert (action.kind, action.notes) == ("visit", "下游两家店关了")
