"""Event pages: the staff list with its filters and export, an event's page (figures,
invitations, invite, materials, feedback), attendance at the door, the attendee list, the
dealer portal (register, decline, feedback), the dealer page panel, training records and
the plan; who sees what, and query counts that do not grow with the rows."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from qudao.events import services
from qudao.events.models import Event, Feedback, Invitation, TrainingRecord
from tests.events.factories import event_make, invite, registered, training_make
from tests.factories import DealerFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _sheet(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def meeting(world, hq_admin):
    """A conference held yesterday: A (3 registered, 2 came, scored 4), its sub-dealer
    (registered 1, did not come), Beijing (invited, no answer), B (declined)."""
    event = event_make(starts_in=-DAY, organizer=hq_admin, capacity=50,
                       actual_cost=Decimal("12000"), budget=Decimal("15000"))
    a, sub, bj, b = invite(event, world.dealer_a, world.dealer_a_sub, world.dealer_beijing,
                           world.dealer_b)
    registered(a, "王总", "李经理", "赵业务")
    registered(sub, "钱老板")
    Invitation.objects.filter(pk=b.pk).update(status="declined")
    wang, li, _zhao = a.attendees.order_by("id")
    services.attendance_mark(actor=hq_admin, invitation=a, came=[wang.pk, li.pk])
    Feedback.objects.create(invitation=a, score=4, comment="政策讲解清楚")
    return event


@pytest.mark.django_db
def test_staff_list_shows_figures_over_the_users_dealers(meeting, north_rep, hq_admin, login):
    event_make(title="草稿会议", status="draft", organizer=hq_admin)
    client = login(north_rep)
    page = client.get("/events/")
    rows = page.context["rows"]
    # A rep does not see drafts; his figures count A, its sub-dealer (and the shop, not
    # invited).
    assert [(e.title, f["invited"], f["registered"], f["attended"], f["people_attended"],
             f["average_score"]) for e, f in rows] == [
        ("2026年度经销商大会", 2, 2, 1, 2, Decimal("4.00"))]
    assert 'data-testid="event-export"' not in page.content.decode()  # reps do not export

    client = login(hq_admin)
    page = client.get("/events/")
    assert [e.title for e, _f in page.context["rows"]] == ["草稿会议", "2026年度经销商大会"]
    assert page.context["rows"][1][1]["invited"] == 4
    partial = client.get("/events/?status=draft", HTTP_HX_REQUEST="true",
                         HTTP_HX_TARGET="results")
    assert "<html" not in partial.content.decode()
    assert [e.title for e, _f in partial.context["rows"]] == ["草稿会议"]
    sheet = _sheet(client.get("/events/export/?status=published"))
    assert sheet[0][:4] == ("Title", "Kind", "Status", "Starts at")
    assert len(sheet) == 2
    assert sheet[1][0] == "2026年度经销商大会" and sheet[1][9:15] == (4, 2, 4, 1, 2, 4)


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_rows(world, hq_admin, login):
    client = login(hq_admin)
    first = event_make(title="会议0", organizer=hq_admin)
    registered(invite(first, world.dealer_a)[0], "王总")
    client.get("/events/")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get("/events/")
    for n in range(1, 5):
        event = event_make(title=f"会议{n}", organizer=hq_admin, starts_in=n * DAY)
        for invitation in invite(event, world.dealer_a, world.dealer_b):
            registered(invitation, "王总", "李经理")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/events/").context["rows"]) == 5
    assert len(many) == len(few)


@pytest.mark.django_db
def test_invitation_and_attendance_lists_do_not_grow_with_rows(world, hq_admin, login):
    event = event_make(starts_in=-datetime.timedelta(hours=1), organizer=hq_admin)
    registered(invite(event, world.dealer_a)[0], "王总")
    client = login(hq_admin)
    for url in (f"/events/{event.pk}/", f"/events/{event.pk}/attendance/", "/events/training/"):
        client.get(url)
    counts = {}
    for url in (f"/events/{event.pk}/", f"/events/{event.pk}/attendance/"):
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts[url] = len(few)
    for n in range(6):
        dealer = DealerFactory(code=f"E{n:04d}", territory=world.shijiazhuang)
        registered(invite(event, dealer)[0], f"经理{n}", f"业务{n}")
        Feedback.objects.create(invitation=Invitation.objects.get(event=event, dealer=dealer),
                                score=3)
    for url, before in counts.items():
        with CaptureQueriesContext(connection) as many:
            assert len(client.get(url).context["page"].object_list) == 7
        assert len(many) == before, url


@pytest.mark.django_db
def test_training_list_queries_do_not_grow_with_rows(world, hq_admin, login):
    event = training_make(starts_in=-DAY, organizer=hq_admin)
    client = login(hq_admin)

    def record(n: int) -> None:
        TrainingRecord.objects.create(dealer=world.dealer_a, event=event, person=f"学员{n}",
                                      course=event.title, trained_on=timezone.localdate())

    record(0)
    client.get("/events/training/")
    with CaptureQueriesContext(connection) as few:
        client.get("/events/training/")
    for n in range(1, 6):
        record(n)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/events/training/").context["page"].object_list) == 6
    assert len(many) == len(few)


@pytest.mark.django_db
def test_event_page_for_staff(meeting, north_rep, hq_admin, login):
    client = login(hq_admin)
    page = client.get(f"/events/{meeting.pk}/")
    html = page.content.decode()
    summary = page.context["summary"]
    assert (summary["invited"], summary["registered"], summary["declined"], summary["pending"],
            summary["people_registered"], summary["attended"], summary["people_attended"],
            summary["average_score"], summary["places_left"], summary["cost_per_person"]) == (
        4, 2, 1, 1, 4, 1, 2, Decimal("4.00"), 46, Decimal("6000.00"))
    assert '<strong data-testid="summary-invited">4</strong>' in html
    assert '<strong data-testid="summary-score">4.00</strong>' in html
    assert "¥6,000.00" in html and "政策讲解清楚" in html
    for testid in ("event-status-actions", "invite-form", "invitation-table", "material-form",
                   "feedback-summary", "event-attendance", "attendee-export"):
        assert f'data-testid="{testid}"' in html
    codes = [i.dealer.code for i in page.context["page"].object_list]
    assert codes == ["A0001", "A0002", "B0001", "BJ001"]

    client = login(north_rep)
    page = client.get(f"/events/{meeting.pk}/")
    assert [i.dealer.code for i in page.context["page"].object_list] == ["A0001", "A0002"]
    html = page.content.decode()
    assert 'data-testid="invite-form"' not in html and "event-status-actions" not in html
    assert client.get(f"/events/{meeting.pk}/?status=registered", HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="results").context["page"].paginator.count == 2


@pytest.mark.django_db
def test_create_invite_and_publish_from_the_pages(world, north_manager, login):
    client = login(north_manager)
    starts = timezone.localtime() + 30 * DAY
    response = client.post("/events/new/", {
        "kind": "training", "title": "河北经销商激励政策培训", "module": "incentives",
        "training_form": "on_site", "cadence": "emergency",
        "starts_at": starts.strftime("%Y-%m-%dT09:00"),
        "ends_at": starts.strftime("%Y-%m-%dT17:00"), "place": "辛集市某镇文化站",
        "territory": str(world.hebei.pk), "capacity": "30", "per_dealer_limit": "2",
        "budget": "5000"})
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    assert (event.status, event.module, event.training_form, event.cadence, event.territory,
            event.capacity) == ("draft", "incentives", "on_site", "emergency", world.hebei, 30)

    preview = client.get(f"/events/{event.pk}/invite/?levels=tier1&levels=tier2")
    assert preview.context["count"] == 3  # A0001, A0002, BJ001: B0001 is not his
    response = client.post(f"/events/{event.pk}/invite/", {"region": str(world.hebei.pk)})
    assert response.status_code == 302
    assert set(event.invitations.values_list("dealer__code", flat=True)) == {
        "A0001", "A0002", "A0003"}
    response = client.post(f"/events/{event.pk}/invite/", {"codes": "BJ001, B0001"},
                           follow=True)
    assert "Not found among the dealers you may invite: B0001. Nobody was invited." in \
        response.content.decode()
    assert event.invitations.count() == 3

    client.post(f"/events/{event.pk}/status/", {"to_status": "published"})
    assert Event.objects.get(pk=event.pk).status == "published"
    edit = client.post(f"/events/{event.pk}/edit/", {
        "kind": "training", "title": "河北经销商激励政策培训（二期）", "module": "incentives",
        "training_form": "on_site", "cadence": "emergency",
        "starts_at": starts.strftime("%Y-%m-%dT09:00"),
        "ends_at": starts.strftime("%Y-%m-%dT12:00"), "place": "辛集市某镇文化站",
        "territory": str(world.hebei.pk), "capacity": "30", "per_dealer_limit": "2",
        "budget": "5000"})
    assert edit.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "河北经销商激励政策培训（二期）"


@pytest.mark.django_db
def test_dealer_portal_register_and_feedback(world, hq_admin, dealer_a_admin, login):
    coming = event_make(title="2027年经销商年会", kind="annual", capacity=3, per_dealer_limit=3,
                        organizer=hq_admin)
    invite(coming, world.dealer_a, world.dealer_b)
    other = event_make(title="华东联谊会", kind="get_together", organizer=hq_admin)
    invite(other, world.dealer_b)
    draft = event_make(title="筹备中的发布会", status="draft", organizer=hq_admin)
    invite(draft, world.dealer_a)
    past = event_make(title="上季度恳谈会", kind="dialogue", starts_in=-10 * DAY,
                      organizer=hq_admin)
    held = registered(invite(past, world.dealer_a)[0], "王总")
    Invitation.objects.filter(pk=held.pk).update(attended_count=1)

    client = login(dealer_a_admin)
    portal = client.get("/events/")
    html = portal.content.decode()
    assert [i.event.title for i in portal.context["upcoming"]] == ["2027年经销商年会"]
    assert [i.event.title for i in portal.context["page"].object_list] == ["上季度恳谈会"]
    assert "华东联谊会" not in html and "筹备中的发布会" not in html
    assert 'data-testid="portal-register"' in html and 'data-testid="portal-give-feedback"' in html
    assert client.get(f"/events/{other.pk}/").status_code == 404
    assert client.get(f"/events/{draft.pk}/").status_code == 404

    mine = Invitation.objects.get(event=coming, dealer=world.dealer_a)
    theirs = Invitation.objects.get(event=coming, dealer=world.dealer_b)
    assert client.get(f"/events/invitations/{theirs.pk}/register/").status_code == 404
    form = client.get(f"/events/invitations/{mine.pk}/register/")
    assert 'data-testid="register-form"' in form.content.decode()
    response = client.post(f"/events/invitations/{mine.pk}/register/", {
        "name": ["王总", "李经理", "赵业务", "孙会计"], "position": ["总经理", "", "", ""],
        "phone": ["", "", "", ""]})
    assert response.status_code == 409
    assert "At most 3 people per dealer." in response.content.decode()
    response = client.post(f"/events/invitations/{mine.pk}/register/", {
        "name": ["王总", "李经理", ""], "position": ["总经理", "销售经理", ""],
        "phone": ["13800000001", "", ""], "note": "需要两间住宿"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.attendee_count, mine.note) == ("registered", 2, "需要两间住宿")
    assert list(mine.attendees.values_list("name", "position", "phone")) == [
        ("王总", "总经理", "13800000001"), ("李经理", "销售经理", "")]
    page = client.get(f"/events/{coming.pk}/").content.decode()
    assert 'data-testid="my-answer">Registered<' in page

    response = client.post(f"/events/invitations/{held.pk}/feedback/",
                           {"score": "5", "comment": "收获很大"}, follow=True)
    assert "Thank you for your feedback." in response.content.decode()
    assert Feedback.objects.get(invitation=held).score == 5
    assert 'data-testid="feedback-given">5/5 · 收获很大<' in client.get(
        f"/events/{past.pk}/").content.decode()


@pytest.mark.django_db
def test_a_full_event_says_how_many_places_are_left(world, hq_admin, dealer_b_admin, login):
    event = event_make(capacity=2, organizer=hq_admin)
    a, b = invite(event, world.dealer_a, world.dealer_b)
    registered(a, "王总")
    client = login(dealer_b_admin)
    response = client.post(f"/events/invitations/{b.pk}/register/",
                           {"name": ["陈总", "周经理"], "position": ["", ""],
                            "phone": ["", ""]})
    assert response.status_code == 409
    assert "Only 1 places are left." in response.content.decode()
    assert Invitation.objects.get(pk=b.pk).status == "invited"
    response = client.post(f"/events/invitations/{b.pk}/decline/", {"note": "有事"})
    assert Invitation.objects.get(pk=b.pk).status == "declined"


@pytest.mark.django_db
def test_attendance_at_the_door(meeting, hq_admin, east_rep, north_manager, login):
    client = login(north_manager)
    page = client.get(f"/events/{meeting.pk}/attendance/")
    assert [i.dealer.code for i in page.context["page"].object_list] == ["A0001", "A0002"]
    sub = Invitation.objects.get(event=meeting, dealer__code="A0002")
    qian = sub.attendees.get()
    row = client.post(f"/events/invitations/{sub.pk}/attendance/",
                      {"came": [str(qian.pk)], "walk_in_name": ["钱小二"],
                       "walk_in_position": ["司机"]},
                      HTTP_HX_REQUEST="true", HTTP_HX_TARGET="attendance-row")
    html = row.content.decode()
    assert "<html" not in html and 'data-testid="attendance-done"' in html and "钱小二" in html
    sub.refresh_from_db()
    assert sub.attended_count == 2
    assert client.get(f"/events/{meeting.pk}/").context["summary"]["attended"] == 2

    # East China's rep does not organise events; the Hebei list is not his either.
    client = login(east_rep)
    assert client.get(f"/events/{meeting.pk}/attendance/").status_code == 403
    assert client.post(f"/events/invitations/{sub.pk}/attendance/", {}).status_code == 403


@pytest.mark.django_db
def test_attendee_list_export(meeting, hq_admin, north_manager, login):
    client = login(north_manager)
    sheet = _sheet(client.get(f"/events/{meeting.pk}/attendees/export/"))
    assert sheet[0] == ("Dealer code", "Dealer", "Region", "Answer", "Name", "Position",
                        "Phone", "Walk-in", "Came", "Training result", "Certificate number")
    assert [row[:2] + row[3:5] + row[7:9] for row in sheet[1:]] == [
        ("A0001", "石家庄恒顺商贸有限公司", "Registered", "王总", "No", "Yes"),
        ("A0001", "石家庄恒顺商贸有限公司", "Registered", "李经理", "No", "Yes"),
        ("A0001", "石家庄恒顺商贸有限公司", "Registered", "赵业务", "No", "No"),
        ("A0002", "唐山丰源食品商行", "Registered", "钱老板", "No", "—"),
    ]
    assert sheet[1][2] == "Shijiazhuang"


@pytest.mark.django_db
def test_dealer_page_panel(meeting, world, hq_admin, dealer_a_admin, login):
    training = training_make(starts_in=-5 * DAY, organizer=hq_admin)
    TrainingRecord.objects.create(dealer=world.dealer_a, event=training, person="李经理",
                                  course=training.title, trained_on=timezone.localdate(),
                                  result="passed", certificate_no="PX-9")
    coming = event_make(title="明年年会", starts_in=40 * DAY, organizer=hq_admin)
    invite(coming, world.dealer_a)
    client = login(hq_admin)
    panel = client.get(f"/dealers/{world.dealer_a.pk}/panels/events/")
    html = panel.content.decode()
    figures = panel.context["events_panel"]
    assert (figures["invited"], figures["attended"], figures["people"], figures["trained"],
            figures["passed"], figures["average_score"]) == (2, 1, 2, 1, 1, Decimal("4.00"))
    assert "Came to 1 of 2 events invited to (2 person-times)." in html
    assert "明年年会" in html and "PX-9" in html
    # The dealer reads its own panel; another dealer's page is not there for it.
    client = login(dealer_a_admin)
    assert client.get(f"/dealers/{world.dealer_a.pk}/panels/events/").status_code == 200
    assert client.get(f"/dealers/{world.dealer_b.pk}/panels/events/").status_code == 404


@pytest.mark.django_db
def test_training_records_pages(world, hq_admin, dealer_a_admin, dealer_b_admin, login):
    event = training_make(starts_in=-3 * DAY, organizer=hq_admin)
    invitation = registered(invite(event, world.dealer_a)[0], "王总", "李经理")
    client = login(hq_admin)
    client.post(f"/events/invitations/{invitation.pk}/attendance/",
                {"came": [str(a.pk) for a in invitation.attendees.all()]})
    wang = TrainingRecord.objects.get(person="王总")
    response = client.post(f"/events/training/{wang.pk}/result/",
                           {"result": "passed", "score": "95", "certificate_no": "PX-2026-7"})
    assert response["Location"] == f"/events/{event.pk}/#training"
    assert TrainingRecord.objects.get(pk=wang.pk).certificate_no == "PX-2026-7"
    sheet = _sheet(client.get("/events/training/export/?result=passed"))
    assert sheet[1][1:9] == ("A0001", "石家庄恒顺商贸有限公司", "王总", "业务经理",
                             "新品卖点与陈列培训", "Nurturing and advancement", "Passed", 95)

    client = login(dealer_a_admin)
    assert {r.person for r in client.get("/events/training/").context["page"].object_list} \
        == {"王总", "李经理"}
    client = login(dealer_b_admin)
    assert list(client.get("/events/training/").context["page"].object_list) == []


@pytest.mark.django_db
def test_plan_page(world, hq_admin, north_rep, login):
    year = timezone.localdate().year
    client = login(hq_admin)
    data = {"goals": "全年600人次", "measures": "常态培训+应急培训"}
    for month in range(1, 13):
        data[f"sessions_{month}"] = "2"
        data[f"trainees_{month}"] = "50"
    response = client.post(f"/events/plan/?year={year}", data)
    assert response.status_code == 302
    page = client.get(f"/events/plan/?year={year}")
    assert page.context["total"]["target_sessions"] == 24
    assert page.context["total"]["target_people"] == 600
    assert 'data-testid="plan-people">0 / 600<' in page.content.decode()
    # Reps see trainings, not the plan.
    assert login(north_rep).get("/events/plan/").status_code == 403


@pytest.mark.django_db
def test_library_page(world, hq_admin, dealer_a_admin, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(hq_admin)
    client.post("/events/library/", {
        "title": "渠道管理制度汇编", "topic": "policy", "for_dealers": "on",
        "file": SimpleUploadedFile("policy.pdf", b"%PDF-1.4 test")})
    client.post("/events/library/", {
        "title": "区域费用测算表", "topic": "tools",
        "file": SimpleUploadedFile("cost.xlsx", b"PK\x03\x04 sheet")})
    staff = [m.title for m in client.get("/events/library/").context["page"].object_list]
    assert staff == ["区域费用测算表", "渠道管理制度汇编"]
    client = login(dealer_a_admin)
    page = client.get("/events/library/?topic=policy")
    assert [m.title for m in page.context["page"].object_list] == ["渠道管理制度汇编"]
    assert [m.title for m in client.get("/events/library/").context["page"].object_list] == [
        "渠道管理制度汇编"]
    assert 'data-testid="material-form"' not in page.content.decode()
    assert client.post("/events/library/", {"title": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_closed_event_only_takes_its_cost_and_a_launch_drafts_its_training(
        world, hq_admin, login):
    closed = event_make(status="closed", starts_in=-5 * DAY, organizer=hq_admin,
                        budget=Decimal("8000"))
    client = login(hq_admin)
    form = client.get(f"/events/{closed.pk}/edit/")
    assert list(form.context["form"].fields) == ["actual_cost", "description"]
    response = client.post(f"/events/{closed.pk}/edit/",
                           {"actual_cost": "8650.50", "description": "到会率高，住宿超支"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.actual_cost, closed.description, closed.title) == (
        Decimal("8650.50"), "到会率高，住宿超支", "2026年度经销商大会")

    launch = event_make(kind="launch", title="山楂汁新品发布会", organizer=hq_admin)
    invite(launch, world.dealer_a)
    response = client.post(f"/events/{launch.pk}/follow-up/")
    training = Event.objects.get(follows=launch)
    assert response["Location"] == f"/events/{training.pk}/edit/"
    assert (training.kind, training.cadence, training.status,
            training.starts_at - launch.starts_at) == ("training", "emergency", "draft", 7 * DAY)
    assert list(training.invitations.values_list("dealer__code", flat=True)) == ["A0001"]


@pytest.mark.django_db
def test_portal_and_api_lists_do_not_grow_with_rows(world, hq_admin, dealer_a_admin, login):
    def add(n: int) -> None:
        event = event_make(title=f"会议{n}", organizer=hq_admin, starts_in=(n - 3) * DAY)
        invitation = registered(invite(event, world.dealer_a)[0], "王总")
        Invitation.objects.filter(pk=invitation.pk).update(attended_count=1)
        Feedback.objects.create(invitation=invitation, score=4)
        TrainingRecord.objects.create(dealer=world.dealer_a, event=event, person=f"学员{n}",
                                      course=event.title, trained_on=timezone.localdate())

    add(0)
    urls = ["/events/", "/api/events", "/api/event-invitations", "/api/training-records"]
    client = login(dealer_a_admin)
    for url in urls:
        client.get(url)
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        few[url] = len(queries)
    for n in range(1, 7):
        add(n)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if url.startswith("/api/"):
            assert response.json()["count"] == 7
        assert len(queries) == few[url], url
