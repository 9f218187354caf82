"""Lifecycle actions (R-EV-21, R-DM-08, R-DM-15): proposed by a rep or manager, approved by
another user; their effects go through the services of the apps that own the data."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers import services as dealer_services
from qudao.dealers.choices import DealerStatus
from qudao.dealers.models import Dealer
from qudao.finance import services as finance_services
from qudao.finance.models import CreditAccount
from qudao.territories.models import Territory
from qudao.tiers.choices import (
    EXIT_REASON,
    PROBATION_RUNNING,
    ActionKind,
    ActionStatus,
    Decision,
    TerminationReason,
    Verdict,
)
from qudao.tiers.exceptions import ActionDecided, ActionInvalid, SelfApproval
from qudao.tiers.models import LifecycleAction, TierSuggestion
from qudao.tiers.services._common import clean_text, require, require_scope

# Dealers an action may be proposed for, by kind: probation follows the dealer lifecycle
# (only an active or suspended dealer can be put on probation).
ALLOWED_STATUS = {
    ActionKind.GROW_TERRITORY: {DealerStatus.ACTIVE},
    ActionKind.GROW_CREDIT: {DealerStatus.ACTIVE, DealerStatus.ONBOARDING},
    ActionKind.PROBATION: {DealerStatus.ACTIVE, DealerStatus.SUSPENDED},
    ActionKind.TERMINATE: {DealerStatus.ONBOARDING, DealerStatus.ACTIVE, DealerStatus.PROBATION,
                           DealerStatus.SUSPENDED},
    ActionKind.KEEP: {DealerStatus.ONBOARDING, DealerStatus.ACTIVE, DealerStatus.PROBATION,
                      DealerStatus.SUSPENDED},
}


def credit_limit(dealer: Dealer) -> Decimal:
    """The dealer's credit limit now (0 without a credit account)."""
    limit = CreditAccount.objects.filter(dealer=dealer).values_list("limit", flat=True).first()
    return limit if limit is not None else Decimal("0.00")


def _check(dealer: Dealer, kind: str, values: dict[str, Any],
           today: datetime.date) -> tuple[dict[str, Any], list[Territory], dict[str, str]]:
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"reason": clean_text(values.get("reason"))}
    territories: list[Territory] = []
    if kind not in ActionKind.values:
        return data, territories, {"kind": _("Choose what to do with the dealer.")}
    if not data["reason"]:
        errors["reason"] = _("Say why.")
    if dealer.status not in ALLOWED_STATUS[kind]:
        errors["kind"] = _("%(dealer)s is %(status)s: “%(kind)s” cannot be proposed.") % {
            "dealer": dealer.name, "status": DealerStatus(dealer.status).label.lower(),
            "kind": ActionKind(kind).label}
    if kind == ActionKind.GROW_TERRITORY:
        territories = list(values.get("territories") or [])
        if not territories:
            errors["territories"] = _("Name the territories to add.")
        elif any(t.pk == dealer.territory_id for t in territories):
            errors["territories"] = _("The dealer's own territory is already its own.")
    elif kind == ActionKind.GROW_CREDIT:
        current = credit_limit(dealer)
        data["current_credit_limit"] = current
        try:
            new = Decimal(str(values.get("new_credit_limit")))
        except (InvalidOperation, ValueError, TypeError):
            new = None
        if new is None or not new.is_finite():
            errors["new_credit_limit"] = _("Give the proposed credit limit.")
        elif new <= current:
            errors["new_credit_limit"] = _("The proposed limit (%(new)s) must be above the "
                                           "current one (%(old)s).") % {
                "new": new.quantize(Decimal("0.01")), "old": current}
        else:
            data["new_credit_limit"] = new.quantize(Decimal("0.01"))
    elif kind == ActionKind.PROBATION:
        data["conditions"] = clean_text(values.get("conditions"))
        deadline = values.get("deadline")
        if not data["conditions"]:
            errors["conditions"] = _("Set the conditions the dealer must meet.")
        if not isinstance(deadline, datetime.date) or deadline <= today:
            errors["deadline"] = _("Set a deadline after today.")
        else:
            data["deadline"] = deadline
    elif kind == ActionKind.TERMINATE:
        data["termination_reason"] = values.get("termination_reason") or ""
        if data["termination_reason"] not in TerminationReason.values:
            errors["termination_reason"] = _("Choose the reason for termination.")
    return data, territories, errors


@transaction.atomic
def action_propose(*, actor: Any, dealer: Dealer, kind: str, values: dict[str, Any],
                   suggestion: TierSuggestion | None = None) -> LifecycleAction:
    """Propose a lifecycle action for a dealer: grow (territories to add, or a higher credit
    limit), probation (conditions, deadline), terminate (reason code and text) or keep.

    Raises NotAllowed (tiers.propose_action, the dealer in scope) or ActionInvalid by field
    (also when the same kind is already proposed for the dealer).
    """
    require(actor, "tiers.propose_action")
    require_scope(actor, dealer.pk)
    dealer = Dealer.objects.select_for_update().get(pk=dealer.pk)
    data, territories, errors = _check(dealer, kind, values, timezone.localdate())
    if not errors and LifecycleAction.objects.filter(
            dealer=dealer, kind=kind, status=ActionStatus.PROPOSED).exists():
        errors["kind"] = _("“%(kind)s” is already proposed for %(dealer)s: decide that one "
                           "first.") % {"kind": ActionKind(kind).label, "dealer": dealer.name}
    if errors:
        raise ActionInvalid(errors)
    if suggestion is not None and suggestion.dealer_id != dealer.pk:
        suggestion = None
    action = LifecycleAction.objects.create(dealer=dealer, kind=kind, proposed_by=actor,
                                            suggestion=suggestion, **data)
    if territories:
        action.territories.set(territories)
    audit.record(actor=actor, target=action, subject=dealer, event="tier.action_proposed",
                 data={"kind": kind, "reason": data["reason"],
                       **{k: v for k, v in data.items() if k != "reason"},
                       "territories": [t.code for t in territories]})
    return action


def _lock(action: LifecycleAction) -> LifecycleAction:
    return (LifecycleAction.objects.select_for_update().select_related("dealer")
            .get(pk=action.pk))


@transaction.atomic
def action_decide(*, actor: Any, action: LifecycleAction, decision: str,
                  note: str = "") -> LifecycleAction:
    """Approve or reject a proposed action; approving applies it: more credit through
    finance's credit_limit_adjust, probation and termination through the dealer's
    status change; a larger territory is recorded (a new agreement version applies it).

    Raises NotAllowed (tiers.approve_tier, the dealer in scope), SelfApproval (the proposer
    decides his own), ActionDecided, or the owning service's error (nothing is written).
    """
    require(actor, "tiers.approve_tier")
    require_scope(actor, action.dealer_id)
    action = _lock(action)
    if action.status != ActionStatus.PROPOSED:
        raise ActionDecided(_("This action was decided already (%(status)s).") % {
            "status": action.get_status_display().lower()})
    if decision not in Decision.values:
        raise ActionInvalid({"decision": _("Approve or reject the action.")})
    if action.proposed_by_id == actor.pk:
        raise SelfApproval(_("You proposed this action: another manager decides it."))
    note = clean_text(note, 200)
    dealer = action.dealer
    why = f"{action.get_kind_display()}: {action.reason}" + (f" ({note})" if note else "")
    if decision == Decision.REJECT:
        action.status = ActionStatus.REJECTED
    elif action.kind == ActionKind.GROW_CREDIT:
        finance_services.credit_limit_adjust(actor=actor, dealer=dealer,
                                             limit=action.new_credit_limit, reason=why)
        action.status = ActionStatus.APPROVED
    elif action.kind == ActionKind.PROBATION:
        dealer_services.dealer_status_change(
            actor=actor, dealer=dealer, to_status=DealerStatus.PROBATION,
            reason=f"{why} · {action.conditions} · {action.deadline:%Y-%m-%d}")
        action.status = ActionStatus.RUNNING
    elif action.kind == ActionKind.TERMINATE:
        dealer_services.dealer_status_change(
            actor=actor, dealer=dealer, to_status=DealerStatus.TERMINATED, reason=why,
            exit_reason=EXIT_REASON[action.termination_reason])
        action.status = ActionStatus.APPROVED
        # A dealer let go is on probation no more.
        LifecycleAction.objects.filter(dealer=dealer, kind=ActionKind.PROBATION,
                                       status__in=PROBATION_RUNNING).update(
            status=ActionStatus.FAILED, verdict_at=timezone.now(), verdict_by=actor)
    else:
        action.status = ActionStatus.APPROVED
    action.decided_by = actor
    action.decided_at = timezone.now()
    action.decision_note = note
    action.save(update_fields=["status", "decided_by", "decided_at", "decision_note",
                              "updated_at"])
    event = "tier.action_rejected" if decision == Decision.REJECT else "tier.action_approved"
    audit.record(actor=actor, target=action, subject=dealer, event=event,
                 data={"kind": action.kind, "note": note})
    return action


@transaction.atomic
def probation_verdict(*, actor: Any, action: LifecycleAction, verdict: str, note: str = "",
                      termination_reason: str = TerminationReason.DECLINE) -> LifecycleAction:
    """End a probation: passed puts the dealer back to active; failed proposes its
    termination (for another manager to approve) and the dealer stays on probation.

    Raises NotAllowed, ActionDecided (not a running probation) or ActionInvalid.
    """
    require(actor, "tiers.approve_tier")
    require_scope(actor, action.dealer_id)
    action = _lock(action)
    if not action.is_probation_running:
        raise ActionDecided(_("This is not a running probation."))
    if verdict not in Verdict.values:
        raise ActionInvalid({"verdict": _("Passed or failed?")})
    note = clean_text(note, 200)
    dealer = action.dealer
    if verdict == Verdict.PASSED:
        dealer_services.dealer_status_change(
            actor=actor, dealer=dealer, to_status=DealerStatus.ACTIVE,
            reason=_("Probation passed") + (f": {note}" if note else ""))
        action.status = ActionStatus.PASSED
    else:
        if termination_reason not in TerminationReason.values:
            raise ActionInvalid({"termination_reason": _("Choose the reason for termination.")})
        action.status = ActionStatus.FAILED
        action.follow_up = LifecycleAction.objects.filter(
            dealer=dealer, kind=ActionKind.TERMINATE, status=ActionStatus.PROPOSED).first()
        if action.follow_up is None:
            action.follow_up = LifecycleAction.objects.create(
                dealer=dealer, kind=ActionKind.TERMINATE, proposed_by=actor,
                termination_reason=termination_reason,
                reason=_("Probation failed: %(conditions)s") % {"conditions": action.conditions}
                + (f" ({note})" if note else ""))
            audit.record(actor=actor, target=action.follow_up, subject=dealer,
                         event="tier.action_proposed",
                         data={"kind": ActionKind.TERMINATE, "reason": action.follow_up.reason,
                               "termination_reason": termination_reason})
    action.verdict_by = actor
    action.verdict_at = timezone.now()
    action.verdict_note = note
    action.save(update_fields=["status", "verdict_by", "verdict_at", "verdict_note",
                              "follow_up", "updated_at"])
    audit.record(actor=actor, target=action, subject=dealer, event="tier.probation_verdict",
                 data={"verdict": verdict, "note": note})
    return action


@transaction.atomic
def probations_overdue_mark(*, today: datetime.date | None = None) -> int:
    """Mark running probations past their deadline as overdue, for the managers' list;
    returns how many. Safe to run twice: an overdue probation is not marked again."""
    today = today or timezone.localdate()
    return LifecycleAction.objects.filter(
        kind=ActionKind.PROBATION, status=ActionStatus.RUNNING, deadline__lt=today,
    ).update(status=ActionStatus.OVERDUE, overdue_at=timezone.now())
