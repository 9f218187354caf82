"""Escalation with a frozen clock: each passed deadline goes to the dealer's rep once, then
to the regional manager once when the same limit has passed again; through the scheduled
task too, run twice."""

import pytest

from qudao.service import services, tasks
from qudao.service.models import ServiceEscalation, ServiceNotification
from tests.factories import UserFactory
from tests.service.conftest import at, function


def _escalations():
    return list(ServiceEscalation.objects.order_by("id").values_list(
        "deadline", "level", "to_user__username", "escalated_at"))


@pytest.fixture
def request_a(clock, desk, world, dealer_a_admin, north_rep, north_manager):
    """Normal logistics for dealer A (石家庄), raised Monday 2 March 10:00: answer by 15:30,
    solve by Thursday 11:30. Its rep covers 河北, its manager 华北."""
    return services.request_create(actor=dealer_a_admin, dealer=world.dealer_a,
                                   function=function("logistics"), subject="到货破损",
                                   description="5箱破损")


@pytest.mark.django_db
def test_each_passed_deadline_escalates_once_per_level(clock, request_a, north_rep,
                                                       north_manager, service):
    def run(moment):
        clock.set(moment)
        return services.escalate_due()

    assert run("2026-03-02 15:29") == 0
    assert run("2026-03-02 15:30") == 1  # no first response: to the rep
    assert run("2026-03-02 15:30") == 0
    assert run("2026-03-02 17:59") == 0
    # The same 4 hours again after 15:30 (2.5 on Monday, 1.5 on Tuesday): to the manager.
    assert run("2026-03-03 10:29") == 0
    assert run("2026-03-03 10:30") == 1
    assert run("2026-03-04 09:00") == 0
    assert run("2026-03-05 11:30") == 1  # resolution due: to the rep
    assert run("2026-03-05 18:00") == 0
    # 24 working hours after Thursday 11:30 is Tuesday 10 March 14:30.
    assert run("2026-03-10 14:29") == 0
    assert run("2026-03-10 14:30") == 1
    assert run("2026-03-20 09:00") == 0

    assert _escalations() == [
        ("first_response", 1, "north_rep", at("2026-03-02 15:30")),
        ("first_response", 2, "north_manager", at("2026-03-03 10:30")),
        ("resolution", 1, "north_rep", at("2026-03-05 11:30")),
        ("resolution", 2, "north_manager", at("2026-03-10 14:30")),
    ]
    # The rep and the manager are told; the assignee hears of level 1 only.
    notes = list(ServiceNotification.objects.filter(reason="escalated").order_by("id")
                 .values_list("user__username", "escalation__deadline", "escalation__level"))
    assert notes == [("north_rep", "first_response", 1), ("service", "first_response", 1),
                     ("north_manager", "first_response", 2),
                     ("north_rep", "resolution", 1), ("service", "resolution", 1),
                     ("north_manager", "resolution", 2)]


@pytest.mark.django_db
def test_a_late_run_records_both_levels_at_once_and_only_once(clock, request_a):
    clock.set("2026-03-04 09:00")
    assert services.escalate_due() == 2
    assert services.escalate_due() == 0
    assert [(d, level) for d, level, _u, _t in _escalations()] == [
        ("first_response", 1), ("first_response", 2)]


@pytest.mark.django_db
def test_through_the_task_twice(clock, request_a):
    clock.set("2026-03-02 15:30")
    assert tasks.service_escalate_task.delay().get() == 1
    assert tasks.service_escalate_task.delay().get() == 0
    assert tasks.service_escalate_task.apply().get() == 0
    assert len(_escalations()) == 1


@pytest.mark.django_db
def test_an_answered_request_is_not_escalated_for_its_response(clock, request_a, service):
    clock.set("2026-03-02 15:00")
    services.message_add(actor=service, request=request_a, body="已安排")
    clock.set("2026-03-04 09:00")
    assert services.escalate_due() == 0


@pytest.mark.django_db
def test_waiting_for_the_dealer_is_not_escalated(clock, request_a, service, dealer_a_admin):
    clock.set("2026-03-02 14:00")
    services.request_status_change(actor=service, request=request_a,
                                   to_status="waiting_dealer", note="请提供照片")
    clock.set("2026-03-20 09:00")
    assert services.escalate_due() == 0
    # The dealer answers on Friday 20 March: the 21.5 hours left count again from now
    # (7.5 on Friday, 7.5 on Monday, 6.5 on Tuesday).
    services.message_add(actor=dealer_a_admin, request=request_a, body="照片已传")
    clock.set("2026-03-24 16:59")
    assert services.escalate_due() == 0
    clock.set("2026-03-24 17:00")
    assert services.escalate_due() == 1
    assert _escalations()[0][:3] == ("resolution", 1, "north_rep")


@pytest.mark.django_db
def test_a_reopened_request_escalates_its_new_deadline(clock, request_a, service,
                                                       dealer_a_admin):
    clock.set("2026-03-05 11:30")
    services.message_add(actor=service, request=request_a, body="处理中")
    assert services.escalate_due() == 1  # resolution, level 1
    services.request_status_change(actor=service, request=request_a, to_status="resolved")
    clock.set("2026-03-09 10:00")
    services.request_reopen(actor=dealer_a_admin, request=request_a, reason="还是不行")
    clock.set("2026-03-12 11:30")
    assert services.escalate_due() == 1
    assert [(d, level, due) for d, level, _u, due in _escalations()] == [
        ("resolution", 1, at("2026-03-05 11:30")), ("resolution", 1, at("2026-03-12 11:30"))]


@pytest.mark.django_db
def test_the_dealers_own_rep_first_and_no_manager_recorded_without_notice(
        clock, desk, world, east_rep):
    own = UserFactory(username="rep_b_own", role="sales_rep", full_name="西湖专员")
    world.dealer_b.assigned_rep = own
    world.dealer_b.save()
    admin_b = UserFactory(username="admin_b", role="dealer_admin", dealer=world.dealer_b)
    services.request_create(actor=admin_b, dealer=world.dealer_b,
                            function=function("logistics"), subject="缺货", description="x")
    clock.set("2026-03-04 09:00")
    assert services.escalate_due() == 2
    assert [(level, user) for _d, level, user, _t in _escalations()] == [
        (1, "rep_b_own"), (2, None)]  # nobody manages 华东 in this world
    assert list(ServiceNotification.objects.filter(reason="escalated").order_by("pk").values_list(
        "user__username", flat=True)) == ["rep_b_own", "service"]
