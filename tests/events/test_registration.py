"""A dealer's part in an event: registering its people within the capacity and the
deadline, declining, attendance taken at the door (training records of a training),
feedback, and a trainee's result."""

import datetime

import pytest
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.events import services
from qudao.events.exceptions import EventFull, EventInvalid, RegistrationClosed
from qudao.events.models import Attendee, Feedback, Invitation, TrainingRecord
from qudao.events.services import Person
from tests.events.factories import event_make, invite, registered, training_make

DAY = datetime.timedelta(days=1)


def people(*names: str) -> list[Person]:
    return [Person(name=name, position="销售经理", phone="13900000000") for name in names]


@pytest.mark.django_db
def test_registrations_stay_within_the_capacity(world, dealer_a_admin, dealer_b_admin):
    event = event_make(capacity=5)
    mine, theirs = invite(event, world.dealer_a, world.dealer_b)

    services.registration_submit(actor=dealer_a_admin, invitation=mine,
                                 people=people("王总", "李经理", "赵业务"), note="自驾")

    mine.refresh_from_db()
    assert (mine.status, mine.attendee_count, mine.note) == ("registered", 3, "自驾")
    assert list(mine.attendees.values_list("name", flat=True)) == ["王总", "李经理", "赵业务"]
    with pytest.raises(EventFull) as full:
        services.registration_submit(actor=dealer_b_admin, invitation=theirs,
                                     people=people("陈总", "周经理", "吴业务"))
    assert full.value.places_left == 2
    assert str(full.value) == "Only 2 places are left."
    theirs.refresh_from_db()
    assert (theirs.status, theirs.attendee_count) == ("invited", 0)
    assert not theirs.attendees.exists()

    # Sending fewer people frees places: the new list replaces the old one.
    services.registration_submit(actor=dealer_a_admin, invitation=mine, people=people("王总"))
    services.registration_submit(actor=dealer_b_admin, invitation=theirs,
                                 people=people("陈总", "周经理", "吴业务", "郑会计"))
    assert services.places_taken(event) == 5
    assert Attendee.objects.filter(invitation__event=event).count() == 5
    assert AuditEvent.objects.filter(event="event.registered").count() == 3


@pytest.mark.django_db
def test_registration_rules(world, dealer_a_admin, dealer_b_admin):
    event = event_make(per_dealer_limit=2)
    mine, theirs = invite(event, world.dealer_a, world.dealer_b)

    with pytest.raises(NotAllowed):
        services.registration_submit(actor=dealer_a_admin, invitation=theirs,
                                     people=people("王总"))
    with pytest.raises(EventInvalid) as too_many:
        services.registration_submit(actor=dealer_a_admin, invitation=mine,
                                     people=people("王总", "李经理", "赵业务"))
    assert too_many.value.errors == {"people": "At most 2 people per dealer."}
    with pytest.raises(EventInvalid) as twice:
        services.registration_submit(actor=dealer_a_admin, invitation=mine,
                                     people=people("王总", "王总"))
    assert twice.value.errors == {"people": "The same person is named twice."}
    with pytest.raises(EventInvalid) as nobody:
        services.registration_submit(actor=dealer_a_admin, invitation=mine, people=[])
    assert nobody.value.errors == {"people": "Name at least one person who will come."}
    with pytest.raises(RegistrationClosed):
        services.registration_submit(actor=dealer_a_admin, invitation=mine,
                                     people=people("王总"), at=event.registration_deadline)
    services.registration_submit(actor=dealer_a_admin, invitation=mine, people=people("王总"),
                                 at=event.registration_deadline - datetime.timedelta(seconds=1))
    assert not AuditEvent.objects.filter(event="event.registered",
                                         subject_id=str(world.dealer_b.pk)).exists()


@pytest.mark.django_db
def test_draft_and_closed_events_take_no_registration(world, dealer_a_admin):
    for status in ("draft", "closed", "cancelled"):
        event = event_make(status=status, title=f"{status}会议")
        invitation, = invite(event, world.dealer_a)
        with pytest.raises(RegistrationClosed):
            services.registration_submit(actor=dealer_a_admin, invitation=invitation,
                                         people=people("王总"))
    assert not Attendee.objects.exists()


@pytest.mark.django_db
def test_organisers_register_dealers_of_their_scope_only(world, north_manager, north_rep):
    event = event_make()
    mine, beyond = invite(event, world.dealer_a, world.dealer_b)

    services.registration_submit(actor=north_manager, invitation=mine, people=people("王总"))
    assert Invitation.objects.get(pk=mine.pk).responded_by == north_manager
    with pytest.raises(NotAllowed):  # 杭州 is not his
        services.registration_submit(actor=north_manager, invitation=beyond,
                                     people=people("陈总"))
    with pytest.raises(NotAllowed):  # a rep sees events but does not organise them
        services.registration_submit(actor=north_rep, invitation=mine, people=people("李"))


@pytest.mark.django_db
def test_declining_frees_the_places_until_the_event_starts(world, dealer_a_admin):
    event = event_make(capacity=3)
    invitation, = invite(event, world.dealer_a)
    services.registration_submit(actor=dealer_a_admin, invitation=invitation,
                                 people=people("王总", "李经理"))

    services.registration_decline(actor=dealer_a_admin, invitation=invitation, note="展会冲突")

    invitation.refresh_from_db()
    assert (invitation.status, invitation.attendee_count, invitation.note) == (
        "declined", 0, "展会冲突")
    assert services.places_taken(event) == 0
    with pytest.raises(RegistrationClosed):
        services.registration_decline(actor=dealer_a_admin, invitation=invitation,
                                      at=event.starts_at)


@pytest.mark.django_db
def test_attendance_of_a_training_writes_the_training_records(world, north_manager):
    event = training_make(starts_in=-datetime.timedelta(hours=2), module="mobilization")
    invitation = registered(invite(event, world.dealer_a)[0], "王总", "李经理", "赵业务")
    wang, li, zhao = invitation.attendees.order_by("id")

    services.attendance_mark(actor=north_manager, invitation=invitation, came=[wang.pk, li.pk],
                             walk_ins=[Person(name="孙店长", position="门店店长")])

    invitation.refresh_from_db()
    assert invitation.attended_count == 3
    assert invitation.attendance_marked_by == north_manager
    assert dict(invitation.attendees.values_list("name", "attended")) == {
        "王总": True, "李经理": True, "赵业务": False, "孙店长": True}
    records = TrainingRecord.objects.filter(event=event).order_by("person")
    assert [(r.person, r.dealer_id, r.course, r.module, r.trained_on, r.result)
            for r in records] == [
        (name, world.dealer_a.pk, "新品卖点与陈列培训", "mobilization",
         timezone.localdate(event.starts_at),
         "attended")
        for name in sorted(["王总", "李经理", "孙店长"])]

    # Li did not come after all: his record goes; Wang passed, so he cannot be unmarked.
    wang_record = TrainingRecord.objects.get(attendee=wang)
    services.training_result_set(actor=north_manager, record=wang_record, result="passed",
                                 score=92, certificate_no="PX-2026-001")
    walk_in = invitation.attendees.get(name="孙店长")
    services.attendance_mark(actor=north_manager, invitation=invitation,
                             came=[wang.pk, walk_in.pk])
    assert set(TrainingRecord.objects.filter(event=event).values_list("person", flat=True)) \
        == {"王总", "孙店长"}
    with pytest.raises(EventInvalid) as graded:
        services.attendance_mark(actor=north_manager, invitation=invitation,
                                 came=[walk_in.pk])
    assert graded.value.errors == {"came": "王总 already has a training result: he came."}
    assert Invitation.objects.get(pk=invitation.pk).attended_count == 2


@pytest.mark.django_db
def test_attendance_is_taken_from_the_day_the_event_begins(world, north_manager, east_rep,
                                                           hq_admin):
    event = event_make(starts_in=3 * DAY)
    invitation = registered(invite(event, world.dealer_a)[0], "王总")
    with pytest.raises(EventInvalid) as early:
        services.attendance_mark(actor=north_manager, invitation=invitation, came=[])
    assert early.value.errors == {"attendance": "Attendance is taken once the event begins."}
    services.attendance_mark(actor=north_manager, invitation=invitation, came=[],
                             at=event.starts_at)
    with pytest.raises(NotAllowed):
        services.attendance_mark(actor=east_rep, invitation=invitation, came=[],
                                 at=event.starts_at)
    other = registered(invite(event_make(title="另一场"), world.dealer_b)[0], "陈总")
    with pytest.raises(EventInvalid) as stranger:
        services.attendance_mark(actor=hq_admin, invitation=invitation,
                                 came=[other.attendees.get().pk], at=event.starts_at)
    assert stranger.value.errors == {"came": "These people are not registered by this "
                                             "dealer."}


@pytest.mark.django_db
def test_feedback_comes_once_from_a_dealer_that_came(world, dealer_a_admin, dealer_b_admin,
                                                     hq_admin):
    event = event_make(starts_in=-DAY)
    came = registered(invite(event, world.dealer_a)[0], "王总")
    stayed = registered(invite(event, world.dealer_b)[0], "陈总")
    Invitation.objects.filter(pk=came.pk).update(attended_count=1)
    came.refresh_from_db()

    with pytest.raises(EventInvalid) as absent:
        services.feedback_give(actor=dealer_b_admin, invitation=stayed, score=5)
    assert absent.value.errors == {"score": "Feedback is given after coming to the event."}
    with pytest.raises(EventInvalid) as bad:
        services.feedback_give(actor=dealer_a_admin, invitation=came, score=6)
    assert bad.value.errors == {"score": "Give a score from 1 to 5."}
    with pytest.raises(NotAllowed):
        services.feedback_give(actor=hq_admin, invitation=came, score=5)
    with pytest.raises(NotAllowed):
        services.feedback_give(actor=dealer_b_admin, invitation=came, score=1)

    services.feedback_give(actor=dealer_a_admin, invitation=came, score=4, comment="很实用")

    assert list(Feedback.objects.values_list("invitation_id", "score", "comment")) == [
        (came.pk, 4, "很实用")]
    with pytest.raises(EventInvalid) as again:
        services.feedback_give(actor=dealer_a_admin, invitation=came, score=5)
    assert again.value.errors == {"score": "Your feedback on this event is already in."}


@pytest.mark.django_db
def test_a_certificate_goes_to_one_person_who_passed(world, hq_admin, dealer_a_admin):
    event = training_make(starts_in=-DAY)
    invitation = registered(invite(event, world.dealer_a)[0], "王总", "李经理")
    services.attendance_mark(actor=hq_admin, invitation=invitation,
                             came=list(invitation.attendees.values_list("pk", flat=True)))
    li, wang = TrainingRecord.objects.order_by("person")  # 李 sorts before 王 by code point
    assert (li.person, wang.person) == ("李经理", "王总")

    with pytest.raises(EventInvalid) as failed:
        services.training_result_set(actor=hq_admin, record=wang, result="failed",
                                     certificate_no="PX-1")
    assert failed.value.errors == {"certificate_no": "A certificate is given to those who "
                                                     "passed."}
    services.training_result_set(actor=hq_admin, record=wang, result="passed", score=88,
                                 certificate_no="PX-1")
    with pytest.raises(EventInvalid) as taken:
        services.training_result_set(actor=hq_admin, record=li, result="passed",
                                     certificate_no="PX-1")
    assert taken.value.errors == {"certificate_no": "This certificate number is already "
                                                    "given."}
    with pytest.raises(NotAllowed):
        services.training_result_set(actor=dealer_a_admin, record=li, result="passed")
    wang.refresh_from_db()
    assert (wang.result, wang.score, wang.certificate_no, wang.result_by) == (
        "passed", 88, "PX-1", hq_admin)
    assert AuditEvent.objects.filter(event="event.training_result").count() == 1
