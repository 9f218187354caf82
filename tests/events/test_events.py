"""An event's own life: created as a draft with its rules checked, changed by its organiser,
published, closed or cancelled, dealers invited by filter or by hand within the inviter's
scope, the emergency training after a launch, the nightly close, the summary and what
followed, and the year's training plan."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.analytics.models import DealerMonth
from qudao.core.exceptions import InvalidTransition, NotAllowed
from qudao.core.models import AuditEvent
from qudao.dealers.models import Dealer, Tag
from qudao.events import queries, services, tasks
from qudao.events.exceptions import EventInvalid
from qudao.events.models import Event, Feedback, Invitation, TrainingRecord, TrainingTarget
from qudao.stock.periods import add_months
from tests.events.factories import event_make, invite, registered, training_make
from tests.factories import DealerFactory

DAY = datetime.timedelta(days=1)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def values(**changes):
    starts = _at(timezone.localdate() + 20 * DAY, 9)
    data = {"kind": "conference", "title": "华北区经销商大会", "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=8), "place": "石家庄国际会展中心",
            "capacity": 120, "per_dealer_limit": 3, "budget": Decimal("80000")}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_event_is_created_as_a_draft(world, north_manager):
    event = services.event_create(actor=north_manager, values=values())

    assert (event.status, event.organizer, event.created_by) == ("draft", north_manager,
                                                                  north_manager)
    assert event.registration_deadline == event.starts_at
    assert event.budget == Decimal("80000.00")
    assert (event.module, event.training_form, event.cadence) == ("", "", "")
    assert AuditEvent.objects.filter(event="event.created", target_id=str(event.pk)).count() == 1


@pytest.mark.django_db
def test_event_rules_name_each_fault(world, hq_admin, north_manager):
    starts = _at(timezone.localdate() + 20 * DAY, 9)
    with pytest.raises(EventInvalid) as bad:
        services.event_create(actor=hq_admin, values=values(
            title=" ", ends_at=starts, registration_deadline=starts + DAY, place="",
            capacity=0, budget=Decimal("-1")))
    assert bad.value.errors == {
        "title": "Give the event a title.",
        "ends_at": "The event ends after it starts.",
        "registration_deadline": "Registration closes before the event starts.",
        "place": "Say where the event is held, or give its online link.",
        "capacity": "A whole number above zero, or empty for no limit.",
        "budget": "An amount of zero or more.",
    }
    with pytest.raises(EventInvalid) as training:
        services.event_create(actor=hq_admin, values=values(kind="training"))
    assert training.value.errors == {
        "module": "Say which of the four training modules this is.",
        "training_form": "Say how the training is given."}
    with pytest.raises(EventInvalid) as region:  # 浙江 is not his
        services.event_create(actor=north_manager, values=values(territory=world.zhejiang))
    assert region.value.errors == {"territory": "This region is not in your scope."}
    online = services.event_create(actor=hq_admin, values=values(
        kind="training", place="", online_link="https://meeting.example.com/abc",
        module="incentives", training_form="online"))
    assert (online.cadence, online.capacity) == ("regular", 120)
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_changes_go_to_history_and_respect_registrations(world, north_manager, hq_admin,
                                                         dealer_a_admin):
    event = services.event_create(actor=north_manager,
                                  values=values(capacity=10, per_dealer_limit=None))
    services.event_status_change(actor=north_manager, event=event, to_status="published")
    invitation, = invite(event, world.dealer_a)
    services.registration_submit(actor=dealer_a_admin, invitation=invitation, people=[
        services.Person(name="王总"), services.Person(name="李经理")])

    with pytest.raises(EventInvalid) as below:
        services.event_update(actor=north_manager, event=event, values={"capacity": 1})
    assert below.value.errors == {"capacity": "2 people are already registered."}
    later = event.starts_at + DAY
    services.event_update(actor=north_manager, event=event,
                          values={"starts_at": later, "ends_at": later + DAY})
    event.refresh_from_db()
    # The deadline followed the start, so it moves with it.
    assert (event.starts_at, event.registration_deadline) == (later, later)
    change = AuditEvent.objects.get(event="event.changed")
    assert set(change.data) == {"starts_at", "ends_at", "registration_deadline"}

    other = event_make(title="华东会议", organizer=hq_admin)
    with pytest.raises(NotAllowed):  # not his event, and he is not head office
        services.event_update(actor=north_manager, event=other, values={"title": "改"})
    services.event_update(actor=hq_admin, event=event, values={"title": "华北区经销商恳谈会"})
    assert Event.objects.get(pk=event.pk).title == "华北区经销商恳谈会"


@pytest.mark.django_db
def test_status_moves(world, hq_admin):
    event = services.event_create(actor=hq_admin, values=values())
    with pytest.raises(InvalidTransition):
        services.event_status_change(actor=hq_admin, event=event, to_status="closed")
    services.event_status_change(actor=hq_admin, event=event, to_status="published")
    with pytest.raises(EventInvalid) as why:
        services.event_status_change(actor=hq_admin, event=event, to_status="cancelled")
    assert why.value.errors == {"reason": "Say why the event is cancelled: the invited "
                                          "dealers read it."}
    services.event_status_change(actor=hq_admin, event=event, to_status="closed")
    with pytest.raises(EventInvalid) as closed:
        services.event_update(actor=hq_admin, event=event, values={"title": "改名"})
    assert closed.value.errors == {"title": "The event is closed: only its actual cost and "
                                            "write-up can change."}
    services.event_update(actor=hq_admin, event=event,
                          values={"actual_cost": Decimal("91234.50")})
    services.event_status_change(actor=hq_admin, event=event, to_status="cancelled",
                                 reason="台风")
    event.refresh_from_db()
    assert (event.status, event.cancel_reason, event.actual_cost) == (
        "cancelled", "台风", Decimal("91234.50"))
    assert [e.event for e in AuditEvent.objects.order_by("id")] == [
        "event.created", "event.published", "event.closed", "event.changed",
        "event.cancelled"]


@pytest.mark.django_db
def test_invitations_by_filter_stay_in_the_inviters_scope(world, north_manager):
    event = event_make(status="draft")
    prospect = DealerFactory(code="P0001", territory=world.shijiazhuang, status="prospect")
    Dealer.objects.filter(pk=world.dealer_beijing.pk).update(grade="A")
    Dealer.objects.filter(pk=world.dealer_a.pk).update(grade="B")

    tier1, unknown = queries.dealers_matching(user=north_manager, levels=["tier1"])
    assert unknown == []
    assert services.invitations_add(actor=north_manager, event=event, dealers=tier1) == (2, 0)
    # 杭州's B0001 is tier-1 too, but not his; the prospect is not invited.
    assert set(Invitation.objects.values_list("dealer__code", flat=True)) == {"A0001", "BJ001"}
    everyone, _none = queries.dealers_matching(user=north_manager, region=world.hebei.pk)
    assert services.invitations_add(actor=north_manager, event=event,
                                    dealers=everyone) == (2, 1)
    graded, _none = queries.dealers_matching(user=north_manager, grades=["A"])
    assert list(graded.values_list("code", flat=True)) == ["BJ001"]
    picked, missing = queries.dealers_matching(user=north_manager,
                                               codes=["A0003", "B0001", prospect.code, "X"])
    assert list(picked.values_list("code", flat=True)) == ["A0003"]
    assert missing == ["B0001", "P0001", "X"]
    Dealer.objects.get(pk=world.dealer_a_sub.pk).tags.add(Tag.objects.create(name="重点客户"))
    tagged, _none = queries.dealers_matching(user=north_manager, tag="重点客户")
    assert list(tagged.values_list("code", flat=True)) == ["A0002"]
    assert Invitation.objects.filter(event=event).count() == 4
    assert AuditEvent.objects.filter(event="event.invited").count() == 2


@pytest.mark.django_db
def test_closed_events_invite_nobody_more(world, hq_admin):
    event = event_make(status="closed")
    with pytest.raises(EventInvalid):
        services.invitations_add(actor=hq_admin, event=event,
                                 dealers=Dealer.objects.filter(code="A0001"))
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_launch_is_followed_by_an_emergency_training(world, hq_admin):
    launch = event_make(kind="launch", title="山楂汁新品发布会")
    invite(launch, world.dealer_a, world.dealer_b)
    starts = launch.starts_at + 7 * DAY

    training = services.follow_up_training(actor=hq_admin, event=launch, starts_at=starts,
                                           ends_at=starts + datetime.timedelta(hours=4))

    assert (training.kind, training.status, training.cadence, training.follows_id) == (
        "training", "draft", "emergency", launch.pk)
    assert training.title == "Training: 山楂汁新品发布会"
    assert set(training.invitations.values_list("dealer__code", flat=True)) == {"A0001",
                                                                               "B0001"}


@pytest.mark.django_db
def test_the_nightly_task_closes_events_that_ended(world):
    ended = event_make(starts_in=-3 * DAY, title="已结束")
    running = event_make(starts_in=-datetime.timedelta(hours=30), title="昨天结束不满一天",
                         length=datetime.timedelta(hours=8))
    event_make(starts_in=-5 * DAY, title="草稿", status="draft")

    assert tasks.events_close_past_task.delay().get() == 1
    assert tasks.events_close_past_task.delay().get() == 0
    assert dict(Event.objects.values_list("title", "status")) == {
        "已结束": "closed", "昨天结束不满一天": "published", "草稿": "draft"}
    assert Event.objects.get(pk=ended.pk).closed_at is not None
    assert running.status == "published"


@pytest.mark.django_db
def test_summary_counts_the_users_dealers_and_the_cost_counts_everyone(
        world, hq_admin, north_rep):
    event = event_make(starts_in=-DAY, capacity=20, budget=Decimal("9000"),
                       actual_cost=Decimal("10000"))
    a, sub, shop, bj, b = invite(event, world.dealer_a, world.dealer_a_sub,
                                 world.dealer_a_shop, world.dealer_beijing, world.dealer_b)
    registered(a, "王总", "李经理", "赵业务")
    registered(sub, "钱老板")
    registered(b, "陈总", "周经理")
    Invitation.objects.filter(pk=shop.pk).update(status="declined")
    Invitation.objects.filter(pk=a.pk).update(attended_count=2)
    Invitation.objects.filter(pk=b.pk).update(attended_count=2)
    Feedback.objects.create(invitation=a, score=4)
    Feedback.objects.create(invitation=b, score=5)

    everything = queries.event_summary(user=hq_admin, event=event)
    assert {key: everything[key] for key in (
        "invited", "registered", "declined", "pending", "people_registered", "attended",
        "people_attended", "feedback_count", "average_score", "attendance_rate",
        "places_taken", "places_left", "cost_per_person", "over_budget")} == {
        "invited": 5, "registered": 3, "declined": 1, "pending": 1, "people_registered": 6,
        "attended": 2, "people_attended": 4, "feedback_count": 2,
        "average_score": Decimal("4.50"), "attendance_rate": Decimal("0.6667"),
        "places_taken": 6, "places_left": 14, "cost_per_person": Decimal("2500.00"),
        "over_budget": True}
    # The Hebei rep sees his three dealers' figures; places and cost are the event's.
    rep = queries.event_summary(user=north_rep, event=event)
    assert (rep["invited"], rep["registered"], rep["people_attended"], rep["average_score"],
            rep["places_left"], rep["cost_per_person"]) == (
        3, 2, 2, Decimal("4.00"), 14, Decimal("2500.00"))
    assert queries.event_figures(user=north_rep, event_ids=[event.pk])[event.pk][
        "invited"] == 3


@pytest.mark.django_db
def test_what_followed_compares_the_months_around_the_event(world, hq_admin):
    today = timezone.localdate()
    month = add_months(today.replace(day=1), -4)
    event = event_make(starts_in=-DAY, starts_at=_at(month + 9 * DAY, 9),
                       ends_at=_at(month + 9 * DAY, 17),
                       registration_deadline=_at(month + 5 * DAY, 9))
    came, stayed = invite(event, world.dealer_a, world.dealer_b)
    Invitation.objects.filter(pk=came.pk).update(attended_count=2)
    amounts = {world.dealer_a: [100, 100, 100, 500, 150, 150, 150],
               world.dealer_b: [200, 200, 200, 0, 180, 180, 180]}
    for dealer, series in amounts.items():
        for k, amount in zip(range(-3, 4), series, strict=True):
            DealerMonth.objects.create(dealer=dealer, month=add_months(month, k),
                                       order_amount=Decimal(amount))

    followed = queries.outcome(user=hq_admin, event=event, today=today)

    assert followed["months"] == 3
    assert (followed["after_from"], followed["after_to"]) == (add_months(month, 1),
                                                              add_months(month, 3))
    assert followed["came"] == {"dealers": 1, "before": Decimal("300.00"),
                                "after": Decimal("450.00"), "change": Decimal("0.5000")}
    assert followed["other"] == {"dealers": 1, "before": Decimal("600.00"),
                                 "after": Decimal("540.00"), "change": Decimal("-0.1000")}
    # Two months later only one month after the event is complete: one against one.
    early = queries.outcome(user=hq_admin, event=event, today=add_months(month, 2))
    assert early["months"] == 1
    assert early["came"]["before"] == Decimal("100.00")
    assert early["came"]["after"] == Decimal("150.00")
    assert queries.outcome(user=hq_admin, event=event, today=add_months(month, 1)) is None


@pytest.mark.django_db
def test_the_training_plan_against_what_was_done(world, hq_admin):
    year = timezone.localdate().year - 1  # a year that is over, whatever today is
    services.plan_save(actor=hq_admin, year=year, goals="全年培训经销商600人次",
                       targets={1: (2, 40), 2: (1, 20), 3: (2, 40), 4: (3, 60)})
    services.plan_save(actor=hq_admin, year=year, goals="全年培训经销商600人次",
                       measures="每月一次常态培训", targets={4: (2, 50)})
    jan = _at(datetime.date(year, 1, 15), 9)
    mar = _at(datetime.date(year, 3, 3), 9)
    for starts, people, module in ((jan, 3, "resources"), (mar, 2, "incentives")):
        event = training_make(starts_at=starts, ends_at=starts + datetime.timedelta(hours=6),
                              registration_deadline=starts, module=module, title=str(starts))
        for n in range(people):
            TrainingRecord.objects.create(dealer=world.dealer_a, event=event, person=f"学员{n}",
                                          course=event.title, module=module,
                                          trained_on=starts.date())
    training_make(starts_at=mar, ends_at=mar + DAY, registration_deadline=mar,
                  status="cancelled", title="取消的培训")

    view = queries.plan_view(year=year)

    assert TrainingTarget.objects.count() == 4
    assert view["plan"].measures == "每月一次常态培训"
    q1 = view["quarters"][0]
    assert (q1["target_sessions"], q1["sessions"], q1["target_people"], q1["people"]) == (
        5, 2, 100, 5)
    assert q1["sessions_share"] == Decimal("0.4000")
    assert (view["quarters"][1]["target_sessions"], view["quarters"][1]["target_people"]) == (
        2, 50)
    assert (view["months"][0]["sessions"], view["months"][0]["people"]) == (1, 3)
    assert view["total"]["people_share"] == Decimal("0.0333")
    assert {m["code"]: (m["sessions"], m["people"]) for m in view["modules"]} == {
        "resources": (1, 3), "mobilization": (0, 0), "nurturing": (0, 0),
        "incentives": (1, 2)}
    with pytest.raises(EventInvalid):
        services.plan_save(actor=hq_admin, year=year, targets={13: (1, 1)})
