"""Service pages: the directory (read by dealers, edited by HQ with audit), the portal (raise,
list, thread, reply, confirm and rate, reopen), staff's list with filters and export,
the request page's handling forms, the dealer panel, notifications and the calendar."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from qudao.core.models import AuditEvent
from qudao.service import services
from qudao.service.models import CalendarDay, ServiceRequest, ServiceRoute, WorkingCalendar
from tests.factories import ProductFactory
from tests.service.conftest import at, function
from tests.service.factories import request_make

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _raise(actor, dealer, code="logistics", **kwargs):
    values = {"subject": "到货破损", "description": "5箱破损", "priority": "normal"}
    values.update(kwargs)
    return services.request_create(actor=actor, dealer=dealer, function=function(code),
                                   **values)


@pytest.mark.django_db
def test_dealers_read_the_directory_but_cannot_edit_it(desk, dealer_a_staff, login):
    client = login(dealer_a_staff)
    page = client.get("/service/directory/").content.decode()
    assert 'data-testid="function-complaint"' in page and "Customer service centre" in page
    assert "0311-86001234" in page and "wuliu@qudao.example.com" in page
    assert 'data-testid="edit-logistics"' not in page
    logistics = function("logistics")
    assert client.get(f"/service/directory/{logistics.pk}/").status_code == 403
    assert client.post(f"/service/directory/{logistics.pk}/",
                       {"phone": "1"}).status_code == 403
    assert client.get("/service/calendar/").status_code == 403


@pytest.mark.django_db
def test_hq_edits_the_directory_with_audit(desk, service, world, north_rep, login):
    client = login(service)
    logistics = function("logistics")
    form = client.get(f"/service/directory/{logistics.pk}/").context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"phone": "0311-86009999", "response_urgent": "0.5", "responsible": service.pk,
                 "is_active": "on", "messaging_app": "dingtalk", "messaging_id": "wuliu01"})
    response = client.post(f"/service/directory/{logistics.pk}/", data)
    assert response.status_code == 302
    logistics.refresh_from_db()
    assert (logistics.phone, str(logistics.response_urgent), logistics.messaging_id) == (
        "0311-86009999", "0.50", "wuliu01")
    event = AuditEvent.objects.get(event="service_function.changed")
    assert event.data["phone"] == ["0311-86001234", "0311-86009999"]
    assert event.data["response_urgent"] == ["1.00", "0.50"]

    # A resolution limit before the response limit is refused, nothing saved.
    data["resolution_high"] = "1"
    page = client.post(f"/service/directory/{logistics.pk}/", data)
    assert page.status_code == 200
    assert "cannot be due before the first response" in page.content.decode()
    logistics.refresh_from_db()
    assert logistics.resolution_high == 16

    # A routing rule for 河北, then removed.
    client.post(f"/service/directory/{logistics.pk}/", {
        "route": "1", "territory_code": "130000", "user": north_rep.pk})
    route = ServiceRoute.objects.get(function=logistics)
    assert (route.territory, route.user) == (world.hebei, north_rep)
    client.post(f"/service/routes/{route.pk}/delete/")
    assert not ServiceRoute.objects.filter(function=logistics).exists()
    assert list(AuditEvent.objects.filter(event__startswith="service_route").order_by(
        "id").values_list("event", flat=True)) == ["service_route.added",
                                                   "service_route.deleted"]


@pytest.mark.django_db
def test_the_calendar_page_changes_hours_and_days_with_audit(service, world, login):
    client = login(service)
    page = client.get("/service/calendar/?year=2026").content.decode()
    assert "2026-10-10" in page and "国庆节调休" in page
    response = client.post("/service/calendar/", {"hours": "08:30-12:00,13:00-17:30",
                                                  "workdays": "12345", "auto_close_days": 5})
    assert response.status_code == 302
    assert WorkingCalendar.current().hours == "08:30-12:00,13:00-17:30"
    bad = client.post("/service/calendar/", {"hours": "12:00-08:00", "workdays": "12345",
                                             "auto_close_days": 5})
    assert "ends before it starts" in bad.content.decode()
    client.post("/service/calendar/", {"day": "2027-01-01", "kind": "holiday", "name": "元旦",
                                       "name_en": "New Year's Day"})
    row = CalendarDay.objects.get(day="2027-01-01")
    assert (row.kind, row.name) == ("holiday", "元旦")
    client.post(f"/service/calendar/{row.pk}/delete/")
    assert not CalendarDay.objects.filter(day="2027-01-01").exists()
    assert AuditEvent.objects.filter(event__startswith="service_calendar").count() == 3


@pytest.mark.django_db
def test_a_dealer_raises_a_request_in_the_portal(clock, desk, dealer_a_admin, service,
                                                 world, login):
    ProductFactory(sku="SKU-100")
    client = login(dealer_a_admin)
    form = client.get("/service/new/?function=quality")
    assert form.context["form"].initial["function"] == function("quality").pk
    assert "dealer_code" not in form.context["form"].fields
    response = client.post("/service/new/", {
        "function": function("quality").pk, "priority": "high", "subject": "胀袋",
        "description": "批次20260210有胀袋", "product_sku": "sku-100",
        "attachments": [SimpleUploadedFile("胀袋.png", PNG)]})
    request = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/service/{request.pk}/"
    assert (request.dealer, request.channel, request.product.sku, request.assignee,
            request.priority) == (world.dealer_a, "portal", "SKU-100", desk["qe_sjz"], "high")
    page = client.get(f"/service/{request.pk}/").content.decode()
    assert "胀袋.png" in page and 'data-testid="reply-form"' in page
    assert 'data-testid="status-form"' not in page and 'data-testid="escalations"' not in page
    attachment = request.messages.get().attachments.get()
    assert client.get(f"/service/attachments/{attachment.pk}/").status_code == 200

    bad = client.post("/service/new/", {"function": function("quality").pk,
                                        "priority": "normal", "subject": "x",
                                        "description": "y", "product_sku": "NOPE"})
    assert bad.status_code == 200 and "No product with this SKU." in bad.content.decode()
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_staff_log_a_call_for_a_dealer_by_code(clock, desk, north_rep, world, login):
    client = login(north_rep)
    assert client.get(f"/service/new/?dealer={world.dealer_a.pk}").context[
        "form"].initial["dealer_code"] == "A0001"
    response = client.post("/service/new/", {
        "dealer_code": "A0001", "channel": "phone", "caller_name": "王经理",
        "function": function("logistics").pk, "priority": "normal", "subject": "催货",
        "description": "电话催发货"})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().channel == "phone"
    # A dealer outside his area is "not found" in the form.
    page = client.post("/service/new/", {
        "dealer_code": "B0001", "channel": "phone", "function": function("logistics").pk,
        "priority": "normal", "subject": "x", "description": "y"})
    assert "No dealer with this code in your scope." in page.content.decode()


@pytest.mark.django_db
def test_the_whole_conversation_in_pages(clock, desk, world, dealer_a_admin, service, login):
    request = _raise(dealer_a_admin, world.dealer_a)
    staff = login(service)
    staff.post(f"/service/{request.pk}/reply/", {"body": "仓库在查", "internal": "on",
                                                 "attachments": [SimpleUploadedFile(
                                                     "内部.png", PNG)]})
    staff.post(f"/service/{request.pk}/status/", {"status": "waiting_dealer",
                                                  "note": "请提供照片"})
    request.refresh_from_db()
    assert request.status == "waiting_dealer"
    note_file = request.messages.get(internal=True).attachments.get()

    dealer = login(dealer_a_admin)
    page = dealer.get(f"/service/{request.pk}/").content.decode()
    assert "请提供照片" in page and "仓库在查" not in page and "内部.png" not in page
    assert dealer.get(f"/service/attachments/{note_file.pk}/").status_code == 404
    dealer.post(f"/service/{request.pk}/reply/", {"body": "照片见附件"})
    request.refresh_from_db()
    assert request.status == "in_progress"

    staff = login(service)
    staff.post(f"/service/{request.pk}/status/", {"status": "resolved", "note": "已补发"})
    dealer = login(dealer_a_admin)
    page = dealer.get(f"/service/{request.pk}/").content.decode()
    assert 'data-testid="confirm-form"' in page and 'data-testid="reopen-form"' in page
    dealer.post(f"/service/{request.pk}/confirm/", {"rating": "4", "comment": "满意"})
    request.refresh_from_db()
    assert (request.status, request.rating, request.rating_comment) == ("closed", 4, "满意")
    page = dealer.get(f"/service/{request.pk}/").content.decode()
    assert 'data-testid="rate-form"' in page and "4/5" in page
    dealer.post(f"/service/{request.pk}/reopen/", {"note": "又漏了一箱"})
    request.refresh_from_db()
    assert (request.status, request.reopened_count) == ("in_progress", 1)
    # A refused step shows why and changes nothing.
    response = dealer.post(f"/service/{request.pk}/confirm/", {"rating": "5"}, follow=True)
    assert "Only a resolved request can be confirmed." in response.content.decode()
    assert dealer.post(f"/service/{request.pk}/assign/", {"assignee": service.pk}
                       ).status_code == 403


@pytest.mark.django_db
def test_a_dealer_sees_only_its_own_requests(clock, desk, world, dealer_a_admin,
                                             dealer_b_admin, login):
    mine = _raise(dealer_a_admin, world.dealer_a, subject="我的")
    theirs = _raise(dealer_b_admin, world.dealer_b, subject="别人的")
    client = login(dealer_a_admin)
    page = client.get("/service/")
    assert [r.subject for r in page.context["page"].object_list] == ["我的"]
    assert client.get(f"/service/{theirs.pk}/").status_code == 404
    assert client.get(f"/service/{mine.pk}/").status_code == 200
    assert client.get("/service/export/").status_code == 403
    assert client.get("/service/report/").status_code == 403


@pytest.fixture
def spread(clock, desk, world, service, north_rep):
    """Four requests: A overdue (logistics, raised a week ago), A-sub urgent complaint
    answered, Beijing quality waiting, B design resolved."""
    a = request_make(world.dealer_a, created_at=at("2026-02-23 10:00"), assignee=service)
    sub = request_make(world.dealer_a_sub, code="complaint", priority="urgent",
                       created_at=at("2026-03-02 09:30"), assignee=north_rep,
                       first_response_at=at("2026-03-02 09:45"), status="in_progress")
    bj = request_make(world.dealer_beijing, code="quality", created_at=at("2026-03-02 09:00"),
                      status="waiting_dealer", first_response_at=at("2026-03-02 09:30"))
    b = request_make(world.dealer_b, code="design", created_at=at("2026-02-20 10:00"),
                     status="resolved", first_response_at=at("2026-02-20 11:00"),
                     resolved_at=at("2026-02-25 10:00"))
    return a, sub, bj, b


@pytest.mark.django_db
def test_staff_list_filters_and_export_with_the_same_filters(spread, service, north_rep,
                                                             login):
    client = login(service)

    def numbers(query=""):
        page = client.get(f"/service/?{query}")
        return sorted(r.dealer.code for r in page.context["page"].object_list)

    assert numbers() == ["A0001", "A0002", "BJ001"]  # open ones
    assert numbers("state=all") == ["A0001", "A0002", "B0001", "BJ001"]
    assert numbers("status=resolved") == ["B0001"]
    assert numbers("function=complaint") == ["A0002"]
    assert numbers("priority=urgent") == ["A0002"]
    assert numbers("overdue=true") == ["A0001"]
    assert numbers("mine=true") == ["A0001"]
    assert numbers(f"assignee={north_rep.pk}") == ["A0002"]
    assert numbers("q=BJ0") == ["BJ001"]
    assert numbers("q=北京") == ["BJ001"]
    assert numbers(f"q={spread[0].number}") == ["A0001"]
    assert 'data-testid="overdue-badge"' in client.get("/service/").content.decode()

    response = client.get("/service/export/?state=all&function=design")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    assert row[header.index("Dealer code")] == "B0001"
    assert row[header.index("Resolved in time")] == "yes"
    assert row[header.index("Status")] == "Resolved"

    # The rep sees his area only (河北: A and A-sub).
    assert sorted(r.dealer.code for r in login(north_rep).get("/service/?state=all")
                  .context["page"].object_list) == ["A0001", "A0002"]


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_rows(clock, desk, world, service, login):
    client = login(service)
    request_make(world.dealer_a, created_at=at("2026-03-02 09:00"), assignee=service,
                 product=ProductFactory())
    client.get("/service/")
    with CaptureQueriesContext(connection) as few:
        client.get("/service/")
    for dealer in (world.dealer_b, world.dealer_beijing, world.dealer_a_sub):
        request_make(dealer, created_at=at("2026-03-02 09:00"), assignee=service,
                     product=ProductFactory())
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/service/").context["page"].object_list) == 4
    assert len(many) == len(few)


@pytest.mark.django_db
def test_staff_handle_a_request_on_its_page(clock, desk, world, dealer_a_admin, service,
                                            north_rep, login):
    request = _raise(dealer_a_admin, world.dealer_a)
    client = login(service)
    page = client.get(f"/service/{request.pk}/").content.decode()
    for testid in ("reply-form", "status-form", "assign-form", "escalations",
                   "deadline-response", "deadline-resolution"):
        assert f'data-testid="{testid}"' in page
    client.post(f"/service/{request.pk}/assign/", {"assignee": north_rep.pk})
    client.post(f"/service/{request.pk}/reply/", {"body": "明天补发"})
    request.refresh_from_db()
    assert (request.assignee, request.status, request.first_response_at) == (
        north_rep, "in_progress", at("2026-03-02 10:00"))
    response = client.post(f"/service/{request.pk}/status/", {"status": "waiting_dealer"},
                           follow=True)
    assert "Say what you need from the dealer." in response.content.decode()
    page = client.get(f"/service/{request.pk}/").content.decode()
    assert "0.0 working hours" in page


@pytest.mark.django_db
def test_dealer_page_panel_and_notifications(clock, desk, world, dealer_a_admin, service,
                                             north_rep, login):
    request = _raise(dealer_a_admin, world.dealer_a, subject="到货破损")
    clock.set("2026-03-02 15:30")
    services.escalate_due()
    client = login(north_rep)
    panel = client.get(f"/dealers/{world.dealer_a.pk}/panels/service/").content.decode()
    assert "到货破损" in panel and 'data-testid="panel-overdue"' in panel
    page = client.get("/service/notifications/").content.decode()
    assert "Escalated: deadline passed" in page and "First response" in page
    client.get(f"/service/{request.pk}/")
    assert north_rep.service_notifications.get().read_at is not None
    # The dealer's own panel shows the request too.
    dealer = login(dealer_a_admin)
    assert "到货破损" in dealer.get(f"/dealers/{world.dealer_a.pk}/panels/service/"
                                   ).content.decode()


@pytest.mark.django_db
def test_pages_open_for_every_role_that_has_them(clock, spread, personas, client):
    for name, user in personas.items():
        client.force_login(user)
        assert client.get("/service/directory/").status_code == 200, name
        assert client.get("/service/").status_code == 200, name
        assert client.get("/service/notifications/").status_code == 200, name
        want = 200 if user.has_perm("service.view_report") else 403
        assert client.get("/service/report/").status_code == want, name
        want = 200 if user.has_perm("service.change_directory") else 403
        assert client.get("/service/calendar/").status_code == want, name
