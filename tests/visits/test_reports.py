"""Weekly and monthly reports (周报告 / 月报告) and the quarterly review (季度回顾): figures
assembled from a rep's records, exact on a fixed March 2026; writing, submitting (figures
frozen) and the manager's comments; who reads what, pages, exports, the API, and query
counts that do not grow with the rows."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from qudao.alerts.models import Alert, Rule
from qudao.analytics.models import DealerMonth
from qudao.core.exceptions import NotAllowed
from qudao.dealers.models import Dealer
from qudao.orders.models import Order
from qudao.service.models import ServiceFunction, ServiceRequest
from qudao.territories.models import TerritoryAssignment
from qudao.visits import reports
from qudao.visits.models import Contact, ReportComment, RepReport
from qudao.visits.reports import ReportClosed, ReportExists, ReportInvalid
from qudao.visits.services import local_month
from tests.conftest import PERSONAS
from tests.factories import DealerFactory, UserFactory

WEEK = datetime.date(2026, 3, 9)  # Monday of ISO week 2026-W11
MONTH = datetime.date(2026, 3, 1)
QUARTER = datetime.date(2026, 1, 1)


def at(text: str) -> datetime.datetime:
    """A Shanghai moment from "2026-03-09 10:00"."""
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def _contact(dealer, staff, kind: str, moment: str) -> Contact:
    happened = at(moment)
    return Contact.objects.create(dealer=dealer, staff=staff, kind=kind, happened_at=happened,
                                  month=local_month(happened), purpose="relationship",
                                  notes="例行沟通")


def _order(dealer, day: str, amount: str, status: str = "approved") -> Order:
    return Order.objects.create(number=f"SO-R{Order.objects.count() + 1:07d}", dealer=dealer,
                                status=status, ordered_on=datetime.date.fromisoformat(day),
                                total_amount=Decimal(amount))


def _request(dealer, created: str, *, assignee=None, response_due: str, responded: str | None,
             resolution_due: str, resolved: str | None, status: str = "closed",
             rating: int | None = None) -> ServiceRequest:
    function = ServiceFunction.objects.get(code="logistics")
    return ServiceRequest.objects.create(
        dealer=dealer, function=function, subject="到货破损", description="详情",
        department=function.department, assignee=assignee, status=status,
        response_hours=Decimal("4"), resolution_hours=Decimal("16"),
        created_at=at(created), first_response_due=at(response_due),
        first_response_at=at(responded) if responded else None,
        resolution_due=at(resolution_due), resolved_at=at(resolved) if resolved else None,
        rating=rating)


def _alert(dealer, assigned_to, *, period: str, created: str, acknowledged: str | None = None,
           closed: str | None = None, status: str = "new") -> Alert:
    alert = Alert.objects.create(
        rule=Rule.objects.get(code="order-drop-mom"), period=datetime.date.fromisoformat(period),
        subject_key=f"dealer:{dealer.pk}", dealer=dealer, territory=dealer.territory,
        severity="warning", status=status, assigned_to=assigned_to,
        acknowledged_at=at(acknowledged) if acknowledged else None,
        closed_at=at(closed) if closed else None)
    Alert.objects.filter(pk=alert.pk).update(created_at=at(created))
    return alert


@pytest.fixture
def march(world, north_rep, north_manager, east_rep, service):
    """North rep's March 2026 (his dealers A, A-sub and A-shop; B is east rep's; Beijing
    has no rep), every dealer active since June 2025.

    Week 2026-W11 is 9-15 March. Contacts by the north rep: a call to A-sub on Sunday 8
    March at 23:50 (the week before), a call to A on the 9th, a visit to A on the 10th, a
    call from A-sub on the 11th, a call to A-shop on Sunday the 15th at 23:30, a visit to
    A-sub on Monday the 16th at 00:10 (the week after), a message to A on the 20th, and a
    visit to A-shop on 20 January; the manager's own call to A on the 12th.
    """
    Dealer.objects.filter(pk__in=[world.dealer_a.pk, world.dealer_a_sub.pk,
                                  world.dealer_a_shop.pk]).update(assigned_rep=north_rep)
    Dealer.objects.filter(pk=world.dealer_b.pk).update(assigned_rep=east_rep)
    Dealer.objects.update(status_changed_at=at("2025-06-01 09:00"))
    a, sub, shop, b, bj = (world.dealer_a, world.dealer_a_sub, world.dealer_a_shop,
                           world.dealer_b, world.dealer_beijing)
    for dealer, kind, moment in [
            (sub, "call_out", "2026-03-08 23:50"), (a, "call_out", "2026-03-09 10:00"),
            (a, "visit", "2026-03-10 10:00"), (sub, "call_in", "2026-03-11 10:00"),
            (shop, "call_out", "2026-03-15 23:30"), (sub, "visit", "2026-03-16 00:10"),
            (a, "message", "2026-03-20 10:00"), (shop, "visit", "2026-01-20 10:00")]:
        _contact(dealer, north_rep, kind, moment)
    _contact(a, north_manager, "call_out", "2026-03-12 10:00")
    _contact(b, east_rep, "call_out", "2026-03-10 10:00")

    _order(a, "2026-03-10", "1000.00")
    _order(a, "2026-03-12", "500.00", status="cancelled")
    _order(sub, "2026-03-20", "2500.50", status="shipped")
    _order(shop, "2026-02-27", "300.00")
    _order(b, "2026-03-11", "9999.00")

    # R1 A's, answered by service on time; R2 A-sub's, late both ways, resolved by him;
    # R3 B's, resolved by him on time; R4 A's from February, resolved by him in March;
    # R5 Beijing's, still new with both deadlines passed.
    _request(a, "2026-03-10 10:00", assignee=service, response_due="2026-03-10 14:00",
             responded="2026-03-10 11:00", resolution_due="2026-03-12 18:00",
             resolved="2026-03-11 10:00")
    _request(sub, "2026-03-25 10:00", assignee=north_rep, response_due="2026-03-25 14:00",
             responded="2026-03-25 16:00", resolution_due="2026-03-26 18:00",
             resolved="2026-03-27 15:00", status="resolved", rating=4)
    _request(b, "2026-03-10 09:00", assignee=north_rep, response_due="2026-03-10 13:00",
             responded="2026-03-10 10:00", resolution_due="2026-03-13 18:00",
             resolved="2026-03-12 11:00")
    _request(a, "2026-02-20 10:00", assignee=north_rep, response_due="2026-02-20 14:00",
             responded="2026-02-20 13:00", resolution_due="2026-03-05 18:00",
             resolved="2026-03-02 10:00", rating=5)
    _request(bj, "2026-03-30 10:00", response_due="2026-03-30 14:00", responded=None,
             resolution_due="2026-04-02 18:00", resolved=None, status="new")

    _alert(a, north_rep, period="2026-01-01", created="2026-03-02 08:00",
           acknowledged="2026-03-10 09:00", closed="2026-03-20 09:00", status="resolved")
    _alert(a, north_rep, period="2026-02-01", created="2026-03-11 08:00")
    _alert(a, north_rep, period="2025-12-01", created="2026-02-10 08:00",
           closed="2026-03-13 09:00", status="dismissed")
    _alert(a, north_rep, period="2025-11-01", created="2026-01-05 08:00",
           closed="2026-02-01 09:00", status="resolved")
    _alert(b, east_rep, period="2026-02-01", created="2026-03-11 08:00")
    return world


WEEK_FIGURES = {
    "figures_as_of": datetime.date(2026, 3, 15),
    "calls_out": 2, "calls_in": 1, "visits": 1, "messages": 0, "dealers_contacted": 3,
    "dealers": 3, "overdue_dealers": 1,  # A-sub: no visit since activation by Sunday
    "requests_raised": 1, "requests_handled": 1, "requests_on_time": 1,
    "orders": 1, "order_amount": Decimal("1000.00"), "dealers_ordering": 1,
    "alerts_raised": 1, "alerts_acknowledged": 1, "alerts_closed": 1, "alerts_open": 2,
}
MONTH_FIGURES = {
    "figures_as_of": datetime.date(2026, 3, 31),
    "calls_out": 3, "calls_in": 1, "visits": 2, "messages": 1, "dealers_contacted": 3,
    "dealers": 3, "overdue_dealers": 1,  # A-shop: last visited 20 January, 70 days before
    "requests_raised": 2, "requests_handled": 3, "requests_on_time": 2,
    "orders": 2, "order_amount": Decimal("3500.50"), "dealers_ordering": 2,
    "alerts_raised": 2, "alerts_acknowledged": 1, "alerts_closed": 2, "alerts_open": 1,
}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _post(client, url, body=None):
    return client.post(url, data=body or {}, content_type="application/json")


def _sheet(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


# --- periods --------------------------------------------------------------------------

def test_periods_are_iso_weeks_and_calendar_months():
    assert reports.period_parse_of("week", "2026-W11") == WEEK
    assert reports.period_parse_of("week", "2026-03-15") == WEEK  # the Sunday
    assert reports.period_parse_of("week", "2026-w1") == datetime.date(2025, 12, 29)
    assert reports.period_label("week", datetime.date(2025, 12, 29)) == "2026-W01"
    assert reports.period_end_of("week", WEEK) == datetime.date(2026, 3, 15)
    assert reports.period_parse_of("month", "2026-02-17") == datetime.date(2026, 2, 1)
    assert reports.period_end_of("month", datetime.date(2028, 2, 1)) == datetime.date(2028, 2,
                                                                                      29)
    assert reports.periods_around("month", MONTH) == (datetime.date(2026, 2, 1),
                                                      datetime.date(2026, 4, 1))
    assert reports.quarter_parse("2026-Q1") == QUARTER
    assert reports.quarter_parse("2026q4") == datetime.date(2026, 10, 1)
    assert reports.quarter_parse("2026-08") == datetime.date(2026, 7, 1)
    with pytest.raises(ValueError):
        reports.quarter_parse("2026-Q5")
    with pytest.raises(ValueError):
        reports.period_parse_of("week", "2026-W54")
    with pytest.raises(ValueError):
        reports.period_parse_of("month", "2026-13")


# --- figures --------------------------------------------------------------------------

@pytest.mark.django_db
def test_weekly_figures_from_his_records(march, north_rep):
    with CaptureQueriesContext(connection) as queries:
        figures = reports.report_figures(rep=north_rep, kind="week", start=WEEK)
    assert figures == WEEK_FIGURES
    # One grouped query per source, and the territories he covers (his scope).
    assert len(queries) == 6


@pytest.mark.django_db
def test_monthly_figures_from_his_records(march, north_rep):
    assert reports.report_figures(rep=north_rep, kind="month", start=MONTH) == MONTH_FIGURES


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_his_dealers(march, north_rep):
    reports.report_figures(rep=north_rep, kind="month", start=MONTH)  # his scope, cached
    with CaptureQueriesContext(connection) as few:
        reports.report_figures(rep=north_rep, kind="month", start=MONTH)
    for n in range(6):
        dealer = DealerFactory(territory=march.shijiazhuang, assigned_rep=north_rep,
                               status_changed_at=at("2025-06-01 09:00"))
        _contact(dealer, north_rep, "visit", f"2026-03-{n + 2:02d} 10:00")
        _order(dealer, f"2026-03-{n + 2:02d}", "10.00")
    with CaptureQueriesContext(connection) as many:
        figures = reports.report_figures(rep=north_rep, kind="month", start=MONTH)
    assert (figures["dealers"], figures["visits"], figures["orders"]) == (9, 8, 8)
    assert len(many) == len(few)


@pytest.mark.django_db
def test_an_open_period_counts_up_to_today(world, north_rep):
    today = timezone.localdate()
    week = reports.period_start_of("week", today)
    figures = reports.report_figures(rep=north_rep, kind="week", start=week)
    assert figures["figures_as_of"] == today


# --- writing, submitting, commenting --------------------------------------------------

@pytest.mark.django_db
def test_a_rep_writes_and_submits_his_week_then_the_figures_stay(march, north_rep):
    report = reports.report_create(actor=north_rep, kind="week",
                                   period_start=datetime.date(2026, 3, 12))
    assert (report.period_start, report.period_end, report.status) == (
        WEEK, datetime.date(2026, 3, 15), "draft")
    assert {key: getattr(report, key) for key in WEEK_FIGURES} == WEEK_FIGURES
    with pytest.raises(ReportExists) as exists:
        reports.report_create(actor=north_rep, kind="week", period_start=WEEK)
    assert exists.value.report_id == report.pk

    with pytest.raises(ReportInvalid) as empty:
        reports.report_submit(actor=north_rep, report=report)
    assert set(empty.value.errors) == {"summary"}
    reports.report_update(actor=north_rep, report=report, summary="  拜访恒顺，补货到位  ",
                          problems="唐山丰源缺拜访", next_plan="下周上门唐山")
    # A late-logged visit to A-sub on Saturday counts while the report is a draft.
    _contact(march.dealer_a_sub, north_rep, "visit", "2026-03-14 15:00")
    draft = reports.report_get(user=north_rep, pk=report.pk)
    assert (draft.visits, draft.overdue_dealers) == (2, 0)

    submitted = reports.report_submit(actor=north_rep, report=report)
    assert (submitted.status, submitted.summary, submitted.visits) == (
        "submitted", "拜访恒顺，补货到位", 2)
    assert submitted.submitted_at is not None
    # Records logged afterwards do not change a submitted report.
    _contact(march.dealer_a, north_rep, "visit", "2026-03-13 10:00")
    frozen = reports.report_get(user=north_rep, pk=report.pk)
    assert (frozen.visits, frozen.dealers_contacted, frozen.order_amount) == (
        2, 3, Decimal("1000.00"))
    with pytest.raises(ReportClosed):
        reports.report_update(actor=north_rep, report=report, summary="改")
    with pytest.raises(ReportClosed):
        reports.report_submit(actor=north_rep, report=report)
    assert RepReport.objects.get().summary == "拜访恒顺，补货到位"


@pytest.mark.django_db
def test_periods_not_begun_and_other_peoples_reports_are_refused(march, north_rep, east_rep,
                                                                 finance, dealer_a_admin):
    today = timezone.localdate()
    with pytest.raises(ReportInvalid):
        reports.report_create(actor=north_rep, kind="week",
                              period_start=today + datetime.timedelta(days=7))
    with pytest.raises(ReportInvalid):
        reports.report_create(actor=north_rep, kind="quarter", period_start=today)
    with pytest.raises(NotAllowed):
        reports.report_create(actor=finance, kind="week", period_start=WEEK)
    with pytest.raises(NotAllowed):
        reports.report_create(actor=dealer_a_admin, kind="week", period_start=WEEK)
    report = reports.report_create(actor=north_rep, kind="month", period_start=MONTH)
    with pytest.raises(NotAllowed):
        reports.report_update(actor=east_rep, report=report, summary="x")
    with pytest.raises(NotAllowed):
        reports.report_submit(actor=east_rep, report=report)
    assert RepReport.objects.count() == 1 and report.summary == ""


@pytest.mark.django_db
def test_the_manager_comments_and_the_rep_answers(march, north_rep, north_manager, east_rep,
                                                  hq_admin, finance):
    report = reports.report_create(actor=north_rep, kind="month", period_start=MONTH)
    with pytest.raises(NotAllowed):  # a draft is the rep's alone
        reports.report_comment_add(actor=north_manager, report=report, text="?")
    with pytest.raises(ReportInvalid):
        reports.report_comment_add(actor=north_rep, report=report, text="自评")
    reports.report_update(actor=north_rep, report=report, summary="三月小结")
    reports.report_submit(actor=north_rep, report=report)

    reports.report_comment_add(actor=north_manager, report=report, text="便民超市要上门")
    report.refresh_from_db()
    assert report.status == "commented" and report.commented_at is not None
    reports.report_comment_add(actor=north_rep, report=report, text="收到，4月上门")
    reports.report_comment_add(actor=hq_admin, report=report, text="同意")
    with pytest.raises(NotAllowed):
        reports.report_comment_add(actor=east_rep, report=report, text="x")
    with pytest.raises(NotAllowed):
        reports.report_comment_add(actor=finance, report=report, text="x")  # reads only
    with pytest.raises(ReportInvalid):
        reports.report_comment_add(actor=north_manager, report=report, text="   ")
    assert [(c.author.username, c.text) for c in reports.report_comments(report=report)] == [
        ("north_manager", "便民超市要上门"), ("north_rep", "收到，4月上门"), ("hq_admin", "同意")]
    assert RepReport.objects.get().status == "commented"


@pytest.mark.django_db
def test_the_rep_answering_first_does_not_mark_it_commented(march, north_rep):
    report = reports.report_create(actor=north_rep, kind="week", period_start=WEEK)
    reports.report_update(actor=north_rep, report=report, summary="周报")
    reports.report_submit(actor=north_rep, report=report)
    reports.report_comment_add(actor=north_rep, report=report, text="补充：A-sub 下周拜访")
    report.refresh_from_db()
    assert (report.status, report.commented_at) == ("submitted", None)


# --- who reads what -------------------------------------------------------------------

@pytest.fixture
def three_reports(march, north_rep, east_rep):
    """North rep: a submitted week and a draft month; east rep: a submitted week."""
    week = reports.report_create(actor=north_rep, kind="week", period_start=WEEK)
    reports.report_update(actor=north_rep, report=week, summary="北区周报")
    reports.report_submit(actor=north_rep, report=week)
    month = reports.report_create(actor=north_rep, kind="month", period_start=MONTH)
    reports.report_update(actor=north_rep, report=month, summary="北区月报（草稿）")
    east = reports.report_create(actor=east_rep, kind="week", period_start=WEEK)
    reports.report_update(actor=east_rep, report=east, summary="东区周报")
    reports.report_submit(actor=east_rep, report=east)
    return {"week": week.pk, "month": month.pk, "east": east.pk}


READABLE = {
    "north_rep": {"week", "month"}, "east_rep": {"east"}, "north_manager": {"week"},
    "hq_admin": {"week", "east"}, "director": {"week", "east"}, "finance": {"week", "east"},
    "service": {"week", "east"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_reads_follow_the_reps_a_persona_follows(persona, personas, three_reports):
    client = _client(personas[persona])
    listed = client.get("/api/rep-reports?page_size=100")
    if persona.startswith("dealer_"):
        assert listed.status_code == 403
        for pk in three_reports.values():
            assert client.get(f"/api/rep-reports/{pk}").status_code == 403
        return
    readable = READABLE[persona]
    assert {item["id"] for item in listed.json()["items"]} == {
        three_reports[name] for name in readable}
    for name, pk in three_reports.items():
        assert client.get(f"/api/rep-reports/{pk}").status_code == (
            200 if name in readable else 404), name
        response = _post(client, f"/api/rep-reports/{pk}/submit")
        # Only the rep submits his own draft (a submitted one answers 409); roles that do
        # not log contacts get 403 before anything is looked up.
        want = {("north_rep", "month"): 200, ("north_rep", "week"): 409,
                ("east_rep", "east"): 409}.get((persona, name))
        if persona in ("finance", "service"):
            want = 403
        assert response.status_code == (want or (404 if name not in readable else 403)), (
            name, response.content)


@pytest.mark.django_db
def test_write_and_comment_through_the_api(march, north_rep, north_manager, east_rep,
                                           finance):
    rep = _client(north_rep)
    response = _post(rep, "/api/rep-reports", {"kind": "week", "period": "2026-W11"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["period"], body["period_start"], body["status"]) == (
        "2026-W11", "2026-03-09", "draft")
    assert {key: body[key] for key in ("calls_out", "calls_in", "visits", "overdue_dealers",
                                       "orders", "order_amount", "requests_handled",
                                       "alerts_open")} == {
        "calls_out": 2, "calls_in": 1, "visits": 1, "overdue_dealers": 1, "orders": 1,
        "order_amount": "1000.00", "requests_handled": 1, "alerts_open": 2}
    report_id = body["id"]
    again = _post(rep, "/api/rep-reports", {"kind": "week", "period": "2026-03-10"})
    assert again.status_code == 409 and again.json()["report_id"] == report_id
    assert _post(rep, "/api/rep-reports", {"kind": "week", "period": "2026-W60"}
                 ).status_code == 409
    assert _post(_client(finance), "/api/rep-reports", {"kind": "week"}).status_code == 403

    manager = _client(north_manager)
    assert manager.get(f"/api/rep-reports/{report_id}").status_code == 404  # a draft
    response = rep.patch(f"/api/rep-reports/{report_id}", data={"summary": "本周完成回访"},
                         content_type="application/json")
    assert response.status_code == 200 and response.json()["summary"] == "本周完成回访"
    assert _post(rep, f"/api/rep-reports/{report_id}/submit").json()["status"] == "submitted"
    response = manager.patch(f"/api/rep-reports/{report_id}", data={"summary": "改"},
                             content_type="application/json")
    assert response.status_code == 403
    response = _post(manager, f"/api/rep-reports/{report_id}/comments", {"text": "好"})
    assert response.status_code == 201
    assert (response.json()["author_id"], response.json()["author_name"]) == (
        north_manager.pk, "华北经理")
    assert _post(_client(east_rep), f"/api/rep-reports/{report_id}/comments",
                 {"text": "x"}).status_code == 404
    detail = manager.get(f"/api/rep-reports/{report_id}").json()
    assert (detail["status"], [c["text"] for c in detail["comments"]]) == ("commented", ["好"])
    listed = manager.get("/api/rep-reports?kind=week&status=commented").json()
    assert [item["id"] for item in listed["items"]] == [report_id]
    assert manager.get("/api/rep-reports?kind=month").json()["items"] == []


# --- pages ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_report_pages_write_submit_comment(march, north_rep, north_manager, login):
    client = login(north_rep)
    client.cookies["django_language"] = "en"
    page = client.get("/visits/reports/").content.decode()
    for testid in ("report-new-week", "report-new-month", "report-filters", "report-table",
                   "quarterly-link", "report-export"):
        assert f'data-testid="{testid}"' in page
    response = client.post("/visits/reports/new/", {"kind": "month", "period": "2026-03"})
    report = RepReport.objects.get()
    assert response["Location"] == f"/visits/reports/{report.pk}/"
    # Opening the same period again leads to the same report.
    assert client.post("/visits/reports/new/", {"kind": "month", "period": "2026-03-20"}
                       )["Location"] == f"/visits/reports/{report.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="report-form"' in detail and 'data-testid="report-submit"' in detail
    assert 'data-testid="fig-calls_out">3<' in detail
    assert 'data-testid="fig-order_amount">¥3,500.50<' in detail
    assert 'data-testid="fig-overdue_dealers">1<' in detail
    assert "Figures from your records up to 2026-03-31" in detail
    assert detail.count('data-testid="report-activities"') == 1
    assert "石家庄便民超市" in detail  # the call to A-shop on the 15th is listed

    refused = client.post(f"/visits/reports/{report.pk}/edit/",
                          {"summary": "", "problems": "缺货", "submit": "1"})
    assert refused.status_code == 200
    assert "Write the summary before submitting." in refused.content.decode()
    assert RepReport.objects.get().problems == "缺货"  # the draft was saved
    response = client.post(f"/visits/reports/{report.pk}/edit/",
                           {"summary": "三月完成全部回访", "problems": "缺货",
                            "next_plan": "四月上门便民超市", "submit": "1"})
    assert response.status_code == 302
    assert RepReport.objects.get().status == "submitted"

    manager = login(north_manager)
    client.cookies["django_language"] = "en"
    detail = manager.get(f"/visits/reports/{report.pk}/").content.decode()
    assert "三月完成全部回访" in detail and 'data-testid="report-form"' not in detail
    assert 'data-testid="report-comment-form"' in detail
    manager.post(f"/visits/reports/{report.pk}/comments/", {"text": "四月记得上门"})
    assert RepReport.objects.get().status == "commented"
    assert ReportComment.objects.get().text == "四月记得上门"
    listed = manager.get("/visits/reports/").content.decode()
    assert f'data-report="{report.pk}"' in listed


@pytest.mark.django_db
def test_drafts_and_other_regions_answer_404(march, north_rep, east_rep, north_manager,
                                             login, dealer_a_admin):
    report = reports.report_create(actor=north_rep, kind="week", period_start=WEEK)
    assert login(north_manager).get(f"/visits/reports/{report.pk}/").status_code == 404
    reports.report_update(actor=north_rep, report=report, summary="周报")
    reports.report_submit(actor=north_rep, report=report)
    assert login(north_manager).get(f"/visits/reports/{report.pk}/").status_code == 200
    assert login(east_rep).get(f"/visits/reports/{report.pk}/").status_code == 404
    assert login(east_rep).post(f"/visits/reports/{report.pk}/comments/",
                                {"text": "x"}).status_code == 404
    assert login(dealer_a_admin).get("/visits/reports/").status_code == 403
    assert login(dealer_a_admin).get("/visits/reviews/quarterly/").status_code == 403
    assert not ReportComment.objects.exists()


@pytest.mark.django_db
def test_the_manager_sees_who_has_not_submitted(world, north_rep, north_manager, login):
    other = UserFactory(username="tangshan_rep", role="sales_rep", full_name="唐山业务员")
    TerritoryAssignment.objects.create(user=other, territory=world.tangshan, role="rep")
    today = timezone.localdate()
    last_week = reports.period_start_of("week", today) - datetime.timedelta(days=7)
    report = reports.report_create(actor=north_rep, kind="week", period_start=last_week)
    reports.report_update(actor=north_rep, report=report, summary="上周小结")
    reports.report_submit(actor=north_rep, report=report)
    client = login(north_manager)
    client.cookies["django_language"] = "en"
    page = client.get("/visits/reports/")
    week = next(block for block in page.context["due"] if block["kind"] == "week")
    assert [str(rep) for rep in week["missing"]] == ["唐山业务员"]
    assert [(str(r["rep"]), r["report"]) for r in week["rows"]] == [
        ("唐山业务员", None), ("河北业务员", report)]
    assert 'data-testid="report-missing">唐山业务员<' in page.content.decode()


@pytest.mark.django_db
def test_report_export_and_filters(three_reports, march, hq_admin, north_manager, login):
    client = login(hq_admin)
    client.cookies["django_language"] = "en"
    rows = _sheet(client.get("/visits/reports/export/?kind=week"))
    assert rows[0][:6] == ("Sales rep", "Report", "Period", "From", "To", "Status")
    body = sorted(rows[1:])
    assert [(r[0], r[1], r[2], r[5], r[8], r[9], r[10], r[19], r[25]) for r in body] == [
        ("河北业务员", "Weekly report", "2026-W11", "Submitted", 2, 1, 1, 1000, "北区周报"),
        ("浙江业务员", "Weekly report", "2026-W11", "Submitted", 1, 0, 0, 9999, "东区周报")]
    region = client.get(f"/visits/reports/?region={march.hd.pk}")
    assert [r.pk for r in region.context["page"].object_list] == [three_reports["east"]]
    assert [r.pk for r in client.get("/visits/reports/?period_from=2026-04").context[
        "page"].object_list] == []
    assert login(north_manager).get("/visits/reports/export/").status_code == 200


@pytest.mark.django_db
def test_report_list_queries_do_not_grow_with_rows(march, north_rep, north_manager, login):
    def submitted(rep, start):
        report = reports.report_create(actor=rep, kind="week", period_start=start)
        reports.report_update(actor=rep, report=report, summary="周报")
        reports.report_submit(actor=rep, report=report)
        reports.report_comment_add(actor=north_manager, report=report, text="阅")

    submitted(north_rep, WEEK)
    client = login(north_manager)
    client.get("/visits/reports/")
    with CaptureQueriesContext(connection) as few:
        client.get("/visits/reports/")
    for n in range(1, 5):
        submitted(north_rep, WEEK - datetime.timedelta(days=7 * n))
    other = UserFactory(username="tangshan_rep", role="sales_rep", full_name="唐山业务员")
    TerritoryAssignment.objects.create(user=other, territory=march.tangshan, role="rep")
    submitted(other, WEEK)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/visits/reports/")
    assert len(page.context["page"].object_list) == 6
    assert len(many) == len(few)


# --- the quarterly review -------------------------------------------------------------

@pytest.fixture
def quarter(march, north_rep, east_rep):
    """Dealer-month facts of Q1 2026 and the quarter before, and north rep's reports."""
    a, sub, bj, b = (march.dealer_a, march.dealer_a_sub, march.dealer_beijing,
                     march.dealer_b)
    for dealer, month, values in [
        (a, "2025-12-01", {"order_amount": "8000", "order_count": 1}),
        (a, "2026-01-01", {"order_amount": "10000", "target_amount": "12000",
                           "order_count": 2, "calls_out": 1, "visits": 1, "complaints": 1,
                           "requests": 1}),
        (a, "2026-03-01", {"order_amount": "5000", "target_amount": "6000", "order_count": 1,
                           "calls_out": 2, "calls_in": 1, "visits": 1}),
        (a, "2026-04-01", {"order_amount": "999", "order_count": 1}),
        (sub, "2025-11-01", {"order_amount": "2000", "order_count": 1}),
        (sub, "2026-02-01", {"order_amount": "3000.50", "target_amount": "3000",
                             "order_count": 1, "calls_out": 1}),
        (bj, "2026-02-01", {"order_amount": "4000", "target_amount": "5000",
                            "order_count": 1, "calls_in": 2}),
        (b, "2026-01-01", {"order_amount": "7000", "order_count": 1}),
    ]:
        DealerMonth.objects.create(dealer=dealer, month=datetime.date.fromisoformat(month),
                                   **{k: Decimal(v) if "amount" in k else v
                                      for k, v in values.items()})
    for kind, start, submit in [("week", WEEK, True), ("month", MONTH, True),
                                ("week", datetime.date(2026, 3, 16), False)]:
        report = reports.report_create(actor=north_rep, kind=kind, period_start=start)
        if submit:
            reports.report_update(actor=north_rep, report=report, summary="小结")
            reports.report_submit(actor=north_rep, report=report)
    return march


def _review_figures(row) -> dict:
    checked = row.compliance or {}
    return {
        "dealers": checked.get("dealers"), "call_share": checked.get("call_share"),
        "visit_share": checked.get("visit_share"), "single_share": checked.get("single_share"),
        "calls": (row.calls_out, row.calls_in, row.visits), "complaints": row.complaints,
        "orders": (row.order_amount, row.target_amount, row.attainment),
        "before": (row.previous_amount, row.growth), "dealers_ordering": row.dealers_ordering,
        "requests": (row.requests.requests, row.requests.response_share,
                     row.requests.resolution_share),
        "alerts": (row.alerts_raised, row.alerts_closed, row.alerts_open),
        "reports": (row.weekly_reports, row.monthly_reports),
    }


NORTH_REP_Q1 = {
    "dealers": 3, "call_share": Decimal("1.0000"), "visit_share": Decimal("0.6667"),
    "single_share": Decimal("0.0000"), "calls": (4, 1, 2), "complaints": 1,
    "orders": (Decimal("18000.50"), Decimal("21000.00"), Decimal("0.8572")),
    "before": (Decimal("10000.00"), Decimal("0.8001")), "dealers_ordering": 2,
    "requests": (3, Decimal("0.6667"), Decimal("0.6667")), "alerts": (4, 3, 1),
    "reports": (1, 1),
}


@pytest.mark.django_db
def test_quarterly_review_of_a_region_per_rep_and_in_total(quarter, north_manager,
                                                           north_rep):
    review = reports.quarterly_review(user=north_manager, region=quarter.hb, quarter=QUARTER)
    assert (review["label"], review["start"], review["end"], review["as_of"]) == (
        "2026-Q1", QUARTER, datetime.date(2026, 3, 31), datetime.date(2026, 3, 31))
    assert [row.label for row in review["rows"]] == ["河北业务员", ""]
    rep, unassigned = review["rows"]
    assert rep.rep == north_rep
    assert _review_figures(rep) == NORTH_REP_Q1
    assert _review_figures(unassigned) == {
        "dealers": 1, "call_share": Decimal("0.0000"), "visit_share": Decimal("0.0000"),
        "single_share": None, "calls": (0, 2, 0), "complaints": 0,
        "orders": (Decimal("4000.00"), Decimal("5000.00"), Decimal("0.8000")),
        "before": (Decimal("0.00"), None), "dealers_ordering": 1,
        "requests": (1, Decimal("0.0000"), Decimal("0.0000")), "alerts": (0, 0, 0),
        "reports": (0, 0),
    }
    assert _review_figures(review["total"]) == {
        "dealers": 4, "call_share": Decimal("0.7500"), "visit_share": Decimal("0.5000"),
        "single_share": Decimal("0.0000"), "calls": (4, 3, 2), "complaints": 1,
        "orders": (Decimal("22000.50"), Decimal("26000.00"), Decimal("0.8462")),
        "before": (Decimal("10000.00"), Decimal("1.2001")), "dealers_ordering": 3,
        "requests": (4, Decimal("0.5000"), Decimal("0.5000")), "alerts": (4, 3, 1),
        "reports": (1, 1),
    }
    province = reports.quarterly_review(user=north_manager, region=quarter.hebei,
                                        quarter=QUARTER)
    assert [row.label for row in province["rows"]] == ["河北业务员"]
    assert _review_figures(province["rows"][0]) == NORTH_REP_Q1


@pytest.mark.django_db
def test_quarterly_review_sees_only_the_users_dealers(quarter, north_rep, east_rep):
    assert [t.code for t in reports.review_regions(user=north_rep)] == ["130000"]
    assert [t.code for t in reports.review_regions(user=east_rep)] == ["330000"]
    review = reports.quarterly_review(user=east_rep, region=quarter.hb, quarter=QUARTER)
    assert review["rows"][0].label == "河北业务员"  # covers 河北, but east rep sees none
    assert _review_figures(review["total"])["orders"] == (Decimal("0.00"), Decimal("0.00"),
                                                          None)
    assert review["total"].requests.requests == 0 and review["total"].alerts_raised == 0


@pytest.mark.django_db
def test_quarterly_page_export_and_api(quarter, north_manager, north_rep, east_rep, login):
    client = login(north_manager)
    client.cookies["django_language"] = "en"
    page = client.get(f"/visits/reviews/quarterly/?region={quarter.hb.pk}&quarter=2026-Q1")
    html = page.content.decode()
    for testid in ("quarterly-table", "quarterly-total", "quarterly-export", "quarter-previous"):
        assert f'data-testid="{testid}"' in html
    assert f'data-rep="{north_rep.pk}"' in html and 'data-rep="none"' in html
    assert "¥22,000.50" in html and "84.6%" in html and "+120.0%" in html

    rows = _sheet(client.get(f"/visits/reviews/quarterly/export/?region={quarter.hb.pk}"
                             "&quarter=2026-Q1"))
    assert rows[0][:5] == ("Sales rep", "Active dealers", "Call compliance",
                           "Visit compliance", "First-order-only share")
    assert [(r[0], r[1], r[8], r[9], r[15], r[18], r[21]) for r in rows[1:]] == [
        ("河北业务员", 3, "18000.50", 21000, 3, 4, 1),
        ("No rep assigned", 1, 4000, 5000, 1, 0, 0),
        ("Total", 4, "22000.50", 26000, 4, 4, 1)]

    body = _client(north_manager).get(
        f"/api/quarterly-reviews?region={quarter.hb.pk}&quarter=2026-Q1").json()
    assert (body["quarter"], body["region_name"]) == ("2026-Q1", "North China")
    assert [(r["rep_id"], r["dealers"], r["order_amount"], r["attainment"],
             r["requests"]["requests"]) for r in body["rows"]] == [
        (north_rep.pk, 3, "18000.50", "0.8572", 3), (None, 1, "4000.00", "0.8000", 1)]
    assert body["total"]["growth"] == "1.2001"
    assert _client(east_rep).get(f"/api/quarterly-reviews?region={quarter.hb.pk}"
                                 ).status_code == 404
    assert _client(north_manager).get("/api/quarterly-reviews?quarter=2026-Q9"
                                      ).status_code == 409


@pytest.mark.django_db
def test_quarterly_queries_do_not_grow_with_rows(quarter, north_manager, login):
    client = login(north_manager)
    url = f"/visits/reviews/quarterly/?region={quarter.hb.pk}&quarter=2026-Q1"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        rep = UserFactory(username=f"rep_q{n}", role="sales_rep", full_name=f"业务员{n}")
        TerritoryAssignment.objects.create(user=rep, territory=quarter.beijing if n % 2 else
                                           quarter.tangshan, role="rep")
        dealer = DealerFactory(territory=quarter.tangshan, assigned_rep=rep)
        DealerMonth.objects.create(dealer=dealer, month=datetime.date(2026, 2, 1),
                                   order_amount=Decimal("100"), order_count=1)
        _request(dealer, "2026-02-10 10:00", response_due="2026-02-10 14:00",
                 responded="2026-02-10 11:00", resolution_due="2026-02-12 18:00",
                 resolved="2026-02-11 10:00")
        _alert(dealer, rep, period="2026-01-01", created="2026-02-02 08:00")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["review"]["rows"]) == 6
    assert len(many) == len(few)


@pytest.mark.django_db
def test_demo_reports(march, north_rep, east_rep, north_manager):
    import random

    reports.demo_run(scale="small", rng=random.Random(7), ctx={})
    mine = RepReport.objects.filter(rep=north_rep)
    # Four weeks and two months each; the latest week or month may be missing or a draft.
    assert 4 <= mine.count() <= 6 and 4 <= RepReport.objects.filter(rep=east_rep).count() <= 6
    assert mine.filter(kind="week").exclude(status="draft").count() >= 3
    commented = mine.filter(status="commented")
    assert commented.exists()
    assert set(ReportComment.objects.filter(report__rep=north_rep)
               .values_list("author__username", flat=True)) == {"north_manager"}
    # East rep has no manager above him: submitted, never commented.
    assert not RepReport.objects.filter(rep=east_rep, status="commented").exists()
    assert all(r.summary for r in RepReport.objects.all())


@pytest.mark.django_db
def test_a_running_quarter_counts_the_target_of_the_months_begun(world, north_rep,
                                                                 north_manager):
    Dealer.objects.filter(pk=world.dealer_a.pk).update(assigned_rep=north_rep)
    today = timezone.localdate()
    start = reports.quarter_start_of(today)
    for n in range(3):
        DealerMonth.objects.create(dealer=world.dealer_a, month=reports.add_months(start, n),
                                   order_amount=Decimal("50"), target_amount=Decimal("100"),
                                   order_count=1)
    review = reports.quarterly_review(user=north_manager, region=world.hebei, quarter=today)
    begun = today.month - start.month + 1
    assert (review["as_of"], review["is_complete"]) == (today, False)
    assert review["total"].target_amount == Decimal(100 * begun)
    assert review["total"].order_amount == Decimal(150)  # facts as they stand
