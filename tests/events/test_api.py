"""The events API persona by persona: a dealer sees only the events it is invited to and
only its own invitation; staff see every published event (organisers the drafts too),
invite only dealers of their scope, and change only the events they organise (head office:
all)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from qudao.core.models import AuditEvent
from qudao.events.models import Event, Invitation, TrainingRecord
from tests.conftest import PERSONAS
from tests.events.factories import event_make, invite, registered, training_make

DAY = datetime.timedelta(days=1)
ORGANISERS = {"hq_admin", "director", "north_manager", "service"}


def client_for(user) -> Client:
    """A logged-in API client reading English messages (the messages are asserted)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def events(world, hq_admin):
    """A published conference A and B are invited to, a Beijing dialogue meeting, and a
    draft launch A is invited to."""
    conference = event_make(title="全国经销商大会", organizer=hq_admin, capacity=4)
    invite(conference, world.dealer_a, world.dealer_b)
    dialogue = event_make(title="北京恳谈会", kind="dialogue", organizer=hq_admin)
    invite(dialogue, world.dealer_beijing)
    draft = event_make(title="新品发布会筹备", kind="launch", status="draft", organizer=hq_admin)
    invite(draft, world.dealer_a)
    return {"conference": conference, "dialogue": dialogue, "draft": draft}


EXPECTED_EVENTS = {
    "dealer_a_admin": {"全国经销商大会"}, "dealer_a_staff": {"全国经销商大会"},
    "dealer_b_admin": {"全国经销商大会"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_which_event(persona, personas, events):
    client = client_for(personas[persona])
    titles = {item["title"] for item in client.get("/api/events?page_size=100").json()["items"]}
    everything = {"全国经销商大会", "北京恳谈会", "新品发布会筹备"}
    published = {"全国经销商大会", "北京恳谈会"}
    expected = EXPECTED_EVENTS.get(persona, everything if persona in ORGANISERS else published)
    assert titles == expected
    for event in events.values():
        status = client.get(f"/api/events/{event.pk}").status_code
        assert status == (200 if event.title in expected else 404), (persona, event.title)


@pytest.mark.django_db
def test_a_dealer_gets_its_own_invitation_and_no_figures(world, events, dealer_a_admin,
                                                        dealer_b_admin, north_rep):
    conference = events["conference"]
    registered(Invitation.objects.get(event=conference, dealer=world.dealer_b), "陈总")
    body = client_for(dealer_a_admin).get(f"/api/events/{conference.pk}").json()
    assert body["summary"] is None
    assert (body["invitation"]["dealer_code"], body["invitation"]["status"],
            body["invitation"]["attendees"]) == ("A0001", "invited", [])
    rep = client_for(north_rep).get(f"/api/events/{conference.pk}").json()
    assert rep["invitation"] is None
    assert (rep["summary"]["invited"], rep["summary"]["registered"],
            rep["summary"]["places_left"]) == (1, 0, 3)
    mine = client_for(dealer_b_admin).get("/api/event-invitations").json()
    assert [(i["event_title"], i["dealer_code"], i["attendee_count"]) for i in mine["items"]] \
        == [("全国经销商大会", "B0001", 1)]


@pytest.mark.django_db
def test_create_change_and_publish(world, events, north_manager, hq_admin, north_rep,
                                   dealer_a_admin):
    starts = "2027-03-15T09:00:00+08:00"
    body = {"kind": "training", "title": "华北区激励政策培训", "starts_at": starts,
            "ends_at": "2027-03-15T17:00:00+08:00", "place": "保定市某镇", "capacity": 40,
            "module": "incentives", "training_form": "on_site", "territory_id": world.hebei.pk,
            "budget": "6000.00"}
    assert client_for(north_rep).post("/api/events", body,
                                      content_type="application/json").status_code == 403
    assert client_for(dealer_a_admin).post("/api/events", body,
                                           content_type="application/json").status_code == 403
    created = client_for(north_manager).post("/api/events", body,
                                             content_type="application/json")
    assert created.status_code == 201
    event = created.json()
    assert (event["status"], event["module"], event["cadence"], event["organizer_id"],
            event["summary"]["invited"]) == ("draft", "incentives", "regular",
                                             north_manager.pk, 0)
    assert event["registration_deadline"] == "2027-03-15T01:00:00Z"  # the start, in UTC
    bad = client_for(north_manager).post("/api/events", {**body, "module": ""},
                                         content_type="application/json")
    assert bad.status_code == 409
    assert bad.json()["errors"] == {"module": "Say which of the four training modules this "
                                              "is."}

    manager = client_for(north_manager)
    # Not his event: head office's conference stays as it is.
    response = manager.patch(f"/api/events/{events['conference'].pk}", {"title": "改"},
                             content_type="application/json")
    assert response.status_code == 403
    response = manager.patch(f"/api/events/{event['id']}", {"capacity": 50},
                             content_type="application/json")
    assert response.json()["summary"]["capacity"] == 50
    response = manager.post(f"/api/events/{event['id']}/status", {"status": "published"},
                            content_type="application/json")
    assert response.json()["status"] == "published"
    response = manager.post(f"/api/events/{event['id']}/status", {"status": "draft"},
                            content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "event_status_invalid")


@pytest.mark.django_db
def test_invitations_stay_in_scope(world, events, north_manager, east_rep):
    event = events["draft"]
    client = client_for(north_manager)
    before = AuditEvent.objects.count()
    response = client.post(f"/api/events/{event.pk}/invitations",
                           {"dealer_ids": [world.dealer_a_sub.pk, world.dealer_b.pk]},
                           content_type="application/json")
    assert response.status_code == 409
    assert response.json()["errors"] == {
        "dealers": f"Not found among the dealers you may invite: {world.dealer_b.pk}."}
    assert AuditEvent.objects.count() == before
    response = client.post(f"/api/events/{event.pk}/invitations",
                           {"region": world.hb.pk, "levels": ["tier1"]},
                           content_type="application/json")
    assert (response.status_code, response.json()) == (201, {"invited": 1, "already": 1})
    assert set(event.invitations.values_list("dealer__code", flat=True)) == {"A0001", "BJ001"}
    # A rep organises nothing, not even for his own dealers.
    assert client_for(east_rep).post(f"/api/events/{event.pk}/invitations",
                                     {"codes": ["B0001"]},
                                     content_type="application/json").status_code == 403
    assert not event.invitations.filter(dealer=world.dealer_b).exists()


@pytest.mark.django_db
def test_register_attend_feedback_and_result(world, hq_admin, dealer_a_admin, dealer_b_admin,
                                             north_manager):
    training = training_make(organizer=hq_admin, capacity=3, starts_in=2 * DAY,
                             deadline_before=DAY)
    a, b = invite(training, world.dealer_a, world.dealer_b)
    dealer = client_for(dealer_a_admin)
    response = dealer.post(f"/api/event-invitations/{a.pk}/register",
                           {"people": [{"name": "王总", "position": "总经理"},
                                       {"name": "李经理"}], "note": "高铁到达"},
                           content_type="application/json")
    assert response.status_code == 200
    assert [(p["name"], p["position"], p["attended"]) for p in response.json()["attendees"]] \
        == [("王总", "总经理", None), ("李经理", "", None)]
    full = client_for(dealer_b_admin).post(
        f"/api/event-invitations/{b.pk}/register",
        {"people": [{"name": "陈总"}, {"name": "周经理"}]}, content_type="application/json")
    assert (full.status_code, full.json()["code"], full.json()["message"]) == (
        409, "event_full", "Only 1 places are left.")
    assert dealer.post(f"/api/event-invitations/{b.pk}/register", {"people": [{"name": "x"}]},
                       content_type="application/json").status_code == 404

    # The training begins: attendance, then feedback and a result.
    Event.objects.filter(pk=training.pk).update(
        starts_at=training.starts_at - 3 * DAY, ends_at=training.ends_at - 3 * DAY,
        registration_deadline=training.starts_at - 4 * DAY)
    people = {p["name"]: p["id"] for p in response.json()["attendees"]}
    staff = client_for(north_manager)
    marked = staff.post(f"/api/event-invitations/{a.pk}/attendance",
                        {"came": [people["王总"]], "walk_ins": [{"name": "赵司机"}]},
                        content_type="application/json")
    assert marked.status_code == 200
    assert marked.json()["attended_count"] == 2
    assert dealer.post(f"/api/event-invitations/{a.pk}/attendance", {"came": []},
                       content_type="application/json").status_code == 403
    given = dealer.post(f"/api/event-invitations/{a.pk}/feedback",
                        {"score": 5, "comment": "内容实用"}, content_type="application/json")
    assert given.status_code == 201
    assert given.json()["feedback"]["score"] == 5
    records = dealer.get("/api/training-records").json()["items"]
    assert sorted(r["person"] for r in records) == ["王总", "赵司机"]
    wang = TrainingRecord.objects.get(person="王总")
    result = staff.patch(f"/api/training-records/{wang.pk}",
                         {"result": "passed", "score": 90, "certificate_no": "PX-77"},
                         content_type="application/json")
    assert (result.status_code, result.json()["certificate_no"]) == (200, "PX-77")
    assert client_for(dealer_b_admin).get(f"/api/training-records/{wang.pk}").status_code == 404
    summary = staff.get(f"/api/events/{training.pk}").json()["summary"]
    assert (summary["attended"], summary["people_attended"], summary["average_score"]) == (
        1, 2, str(Decimal("5.00")))
