"""Lifecycle actions: proposed by one person, approved by another, applied through the owning
apps' services (R-EV-21, R-DM-08, R-DM-15); probations and their deadlines."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qudao.core.exceptions import NotAllowed
from qudao.core.models import AuditEvent
from qudao.dealers.models import DealerStatusChange
from qudao.finance.models import CreditAccount
from qudao.tiers import services
from qudao.tiers.exceptions import ActionDecided, ActionInvalid, SelfApproval
from qudao.tiers.models import LifecycleAction
from qudao.tiers.tasks import tier_probations_overdue_task
from tests.tiers.factories import action_make

pytestmark = pytest.mark.django_db
TOMORROW = datetime.timedelta(days=1)


def test_credit_increase_changes_the_credit_limit(world, north_rep, north_manager):
    CreditAccount.objects.create(dealer=world.dealer_a, limit=Decimal("500000.00"))
    action = services.action_propose(actor=north_rep, dealer=world.dealer_a, kind="grow_credit",
                                     values={"reason": "连续三季度增长，回款及时",
                                             "new_credit_limit": "800000"})
    assert action.current_credit_limit == Decimal("500000.00")
    services.action_decide(actor=north_manager, action=action, decision="approve",
                           note="同意")
    assert CreditAccount.objects.get(dealer=world.dealer_a).limit == Decimal("800000.00")
    action.refresh_from_db()
    assert (action.status, action.decided_by) == ("approved", north_manager)
    limit_event = AuditEvent.objects.get(event="credit.limit_changed")
    assert limit_event.data["limit"] == ["500000.00", "800000.00"]


def test_a_lower_limit_is_not_more_credit(world, north_rep):
    CreditAccount.objects.create(dealer=world.dealer_a, limit=Decimal("500000.00"))
    with pytest.raises(ActionInvalid) as caught:
        services.action_propose(actor=north_rep, dealer=world.dealer_a, kind="grow_credit",
                                values={"reason": "x", "new_credit_limit": "400000"})
    assert "must be above the current one (500000.00)" in caught.value.errors[
        "new_credit_limit"]
    assert not LifecycleAction.objects.exists()


def test_proposer_cannot_approve_own_action(world, north_manager):
    action = services.action_propose(actor=north_manager, dealer=world.dealer_a, kind="keep",
                                     values={"reason": "维持A级政策"})
    with pytest.raises(SelfApproval) as caught:
        services.action_decide(actor=north_manager, action=action, decision="approve")
    assert "another manager decides it" in caught.value.message
    assert LifecycleAction.objects.get(pk=action.pk).status == "proposed"


def test_rep_cannot_approve(world, north_rep, director):
    action = services.action_propose(actor=director, dealer=world.dealer_a, kind="keep",
                                     values={"reason": "维持"})
    with pytest.raises(NotAllowed):
        services.action_decide(actor=north_rep, action=action, decision="approve")
    assert LifecycleAction.objects.get(pk=action.pk).status == "proposed"


def test_rep_cannot_propose_outside_his_dealers(world, north_rep):
    with pytest.raises(NotAllowed):
        services.action_propose(actor=north_rep, dealer=world.dealer_b, kind="keep",
                                values={"reason": "x"})


def test_termination_changes_status_with_reason(world, north_rep, north_manager):
    action = services.action_propose(actor=north_rep, dealer=world.dealer_a_sub,
                                     kind="terminate",
                                     values={"reason": "已改做竞品代理", "termination_reason":
                                             "brand_switch"})
    services.action_decide(actor=north_manager, action=action, decision="approve")
    world.dealer_a_sub.refresh_from_db()
    assert (world.dealer_a_sub.status, world.dealer_a_sub.exit_reason) == ("terminated",
                                                                          "brand_switch")
    change = DealerStatusChange.objects.get(dealer=world.dealer_a_sub)
    assert change.changed_by == north_manager and "已改做竞品代理" in change.reason
    with pytest.raises(ActionDecided):
        services.action_decide(actor=north_manager, action=action, decision="approve")


def test_terminate_needs_a_reason_code_and_one_open_proposal_per_kind(world, north_rep):
    with pytest.raises(ActionInvalid) as caught:
        services.action_propose(actor=north_rep, dealer=world.dealer_a, kind="terminate",
                                values={"reason": "x"})
    assert set(caught.value.errors) == {"termination_reason"}
    services.action_propose(actor=north_rep, dealer=world.dealer_a, kind="keep",
                            values={"reason": "x"})
    with pytest.raises(ActionInvalid):
        services.action_propose(actor=north_rep, dealer=world.dealer_a, kind="keep",
                                values={"reason": "y"})


def test_enlarging_the_territory_is_recorded_with_its_territories(world, north_rep,
                                                                  north_manager):
    action = services.action_propose(actor=north_rep, dealer=world.dealer_a,
                                     kind="grow_territory",
                                     values={"reason": "唐山空白市场", "territories":
                                             [world.tangshan]})
    services.action_decide(actor=north_manager, action=action, decision="approve")
    action.refresh_from_db()
    assert action.status == "approved"
    assert list(action.territories.all()) == [world.tangshan]
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.territory == world.shijiazhuang  # the agreement applies it


def test_probation_passed_and_failed(world, north_rep, north_manager, director):
    deadline = timezone.localdate() + datetime.timedelta(days=60)
    action = services.action_propose(actor=north_rep, dealer=world.dealer_a, kind="probation",
                                     values={"reason": "连续两季度下滑",
                                             "conditions": "60天内回款清零，月销恢复到20万",
                                             "deadline": deadline})
    services.action_decide(actor=north_manager, action=action, decision="approve")
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.status == "probation"
    services.probation_verdict(actor=north_manager, action=action, verdict="passed")
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.status == "active"
    assert LifecycleAction.objects.get(pk=action.pk).status == "passed"

    second = services.action_propose(actor=north_rep, dealer=world.dealer_a, kind="probation",
                                     values={"reason": "再次下滑", "conditions": "回款",
                                             "deadline": deadline})
    services.action_decide(actor=north_manager, action=second, decision="approve")
    services.probation_verdict(actor=north_manager, action=second, verdict="failed",
                               termination_reason="decline")
    second.refresh_from_db()
    follow = second.follow_up
    assert (second.status, follow.kind, follow.status, follow.termination_reason) == (
        "failed", "terminate", "proposed", "decline")
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.status == "probation"  # until another manager approves
    services.action_decide(actor=director, action=follow, decision="approve")
    world.dealer_a.refresh_from_db()
    assert (world.dealer_a.status, world.dealer_a.exit_reason) == ("terminated", "performance")


def test_probation_overdue_task_marks_once(world, north_manager):
    past = action_make(world.dealer_a, kind="probation", status="running",
                       conditions="回款", deadline=timezone.localdate() - TOMORROW)
    running = action_make(world.dealer_beijing, kind="probation", status="running",
                          conditions="回款", deadline=timezone.localdate())
    assert tier_probations_overdue_task.delay().get() == 1
    assert tier_probations_overdue_task.delay().get() == 0
    past.refresh_from_db()
    running.refresh_from_db()
    assert (past.status, running.status) == ("overdue", "running")
    assert past.overdue_at is not None
