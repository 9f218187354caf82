"""Writes of leads (R-DM-10, -11): create (routed to a rep), change, assign, move along
new -> contacted -> qualified (or lost, with a reason), log follow-ups, and carry the
unconverted qualified leads of past periods over into the next one."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.accounts.models import User
from qudao.core import audit
from qudao.dealers.choices import ChannelLevel
from qudao.dealers.scoping import visible_staff, visible_territories
from qudao.recruitment.choices import (
    LEAD_MOVES,
    OPEN_STATUSES,
    FollowUpKind,
    LeadSource,
    LeadStatus,
)
from qudao.recruitment.exceptions import LeadStatusInvalid, RecruitmentInvalid
from qudao.recruitment.models import FollowUp, Lead
from qudao.recruitment.services._common import moment, month_of, require, require_lead, text
from qudao.territories.models import Territory, TerritoryAssignment

LEAD_FIELDS = ["source", "company", "contact_person", "phone", "territory", "channel_level",
               "notes"]
LIMITS = {"company": 120, "contact_person": 40, "phone": 32, "notes": 4000}


def route_rep(territory: Territory) -> User | None:
    """The rep a new lead in `territory` goes to: of the active reps covering it, the one
    covering the smallest area (the deepest node), then the one with fewest open leads."""
    step = Territory.steplen
    paths = [territory.path[:end] for end in range(step, len(territory.path) + 1, step)]
    rows = list(TerritoryAssignment.objects
                .filter(territory__path__in=paths, user__role="sales_rep",
                        user__is_active=True)
                .values_list("user_id", "territory__depth"))
    if not rows:
        return None
    depth = {user_id: level for user_id, level in rows}
    load = dict(Lead.objects.filter(assigned_rep__in=depth, status__in=OPEN_STATUSES)
                .values("assigned_rep").annotate(n=Count("id"))
                .values_list("assigned_rep", "n"))
    best = min(depth, key=lambda pk: (-depth[pk], load.get(pk, 0), pk))
    return User.objects.get(pk=best)


def _check(actor: Any, values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("source") not in LeadSource.values:
        errors["source"] = _("Choose where the lead came from.")
    if not (values.get("company") or "").strip():
        errors["company"] = _("A lead needs the company's name.")
    if values.get("channel_level") not in ChannelLevel.values:
        errors["channel_level"] = _("Choose the intended channel level.")
    territory = values.get("territory")
    if territory is None:
        errors["territory"] = _("Choose the lead's region.")
    elif not visible_territories(actor).filter(pk=territory.pk).exists():
        errors["territory"] = _("%(region)s is outside your territories.") % {
            "region": territory}
    return errors


def _rep_check(actor: Any, rep: User | None) -> str:
    if rep is None:
        return ""
    if rep.role != "sales_rep" or not rep.is_active:
        return _("%(user)s is not an active sales rep.") % {"user": rep}
    if not visible_staff(actor).filter(pk=rep.pk).exists():
        return _("%(user)s does not work in your territories.") % {"user": rep}
    return ""


@transaction.atomic
def lead_create(*, actor: Any, values: dict[str, Any], rep: User | None = None,
                period: datetime.date | None = None,
                at: datetime.datetime | None = None) -> Lead:
    """Record a new lead in the period of `period` (default: this month).

    A rep's lead is his own; a manager's goes to the rep he names or, without one, is
    routed to the rep covering its region (route_rep). Raises RecruitmentInvalid.
    """
    require(actor, "recruitment.add_lead")
    values = {k: v for k, v in values.items() if k in LEAD_FIELDS}
    values.setdefault("channel_level", ChannelLevel.TIER1)
    errors = _check(actor, values)
    if actor.role == "sales_rep":
        rep = actor
    elif rep is None and "territory" not in errors:
        rep = route_rep(values["territory"])
    why = _rep_check(actor, rep) if actor.role != "sales_rep" else ""
    if why:
        errors["assigned_rep"] = why
    if errors:
        raise RecruitmentInvalid(errors)
    for key, limit in LIMITS.items():
        values[key] = text(values.get(key), limit)
    when = moment(at)
    month = month_of(period or timezone.localdate(when))
    lead = Lead.objects.create(**values, assigned_rep=rep, first_period=month, period=month,
                               created_by=actor)
    if at is not None:
        Lead.objects.filter(pk=lead.pk).update(created_at=when)
    audit.record(actor=actor, target=lead, event="lead.created",
                 data={"company": lead.company, "source": lead.source,
                       "territory": lead.territory.code,
                       "rep": rep.username if rep else None})
    return lead


@transaction.atomic
def lead_update(*, actor: Any, lead: Lead, values: dict[str, Any]) -> Lead:
    """Change a lead's details (not its status or rep). Raises RecruitmentInvalid."""
    require(actor, "recruitment.add_lead")
    require_lead(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    before = audit.snapshot(lead, LEAD_FIELDS)
    merged = {name: getattr(lead, name) for name in LEAD_FIELDS}
    merged.update({k: v for k, v in values.items() if k in LEAD_FIELDS})
    errors = _check(actor, merged)
    if errors:
        raise RecruitmentInvalid(errors)
    for key, limit in LIMITS.items():
        merged[key] = text(merged.get(key), limit)
    for name, value in merged.items():
        setattr(lead, name, value)
    lead.save()
    changes = audit.diff(before, audit.snapshot(lead, LEAD_FIELDS))
    if changes:
        audit.record(actor=actor, target=lead, event="lead.changed", data=changes)
    return lead


@transaction.atomic
def lead_assign(*, actor: Any, lead: Lead, rep: User) -> Lead:
    """Route a lead to a rep of the manager's territories (线索分配)."""
    require(actor, "recruitment.assign_lead")
    require_lead(actor, lead)
    why = _rep_check(actor, rep) or ("" if rep else _("Choose a sales rep."))
    if why:
        raise RecruitmentInvalid({"assigned_rep": why})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    previous = lead.assigned_rep
    lead.assigned_rep = rep
    lead.save(update_fields=["assigned_rep", "updated_at"])
    audit.record(actor=actor, target=lead, event="lead.assigned",
                 data={"rep": [previous.username if previous else None, rep.username]})
    return lead


def _reach(lead: Lead, status: str, when: datetime.datetime) -> None:
    """Set the date of every step up to `status` that the lead had not reached yet."""
    if status in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CANDIDATE):
        lead.contacted_at = lead.contacted_at or when
    if status in (LeadStatus.QUALIFIED, LeadStatus.CANDIDATE):
        lead.qualified_at = lead.qualified_at or when
    if status == LeadStatus.CANDIDATE:
        lead.converted_at = lead.converted_at or when


@transaction.atomic
def lead_status_change(*, actor: Any, lead: Lead, to_status: str, reason: str = "",
                       at: datetime.datetime | None = None) -> Lead:
    """Move a lead: new -> contacted -> qualified, or to lost with a reason. It becomes a
    candidate through candidate_create only. Raises LeadStatusInvalid."""
    require(actor, "recruitment.add_lead")
    require_lead(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if to_status not in LEAD_MOVES.get(lead.status, set()):
        raise LeadStatusInvalid(_("Lead %(lead)s cannot go from %(from)s to %(to)s.") % {
            "lead": lead, "from": LeadStatus(lead.status).label,
            "to": LeadStatus(to_status).label if to_status in LeadStatus.values else to_status})
    reason = text(reason, 200)
    if to_status == LeadStatus.LOST and not reason:
        raise LeadStatusInvalid(_("Give the reason lead %(lead)s was lost.") % {"lead": lead})
    when = moment(at)
    previous = lead.status
    lead.status = to_status
    _reach(lead, to_status, when)
    if to_status == LeadStatus.LOST:
        lead.lost_reason, lead.lost_at = reason, when
    lead.save()
    audit.record(actor=actor, target=lead, event="lead.status",
                 data={"status": [previous, to_status], "reason": reason})
    return lead


@transaction.atomic
def followup_add(*, actor: Any, lead: Lead, values: dict[str, Any]) -> FollowUp:
    """Log a call, visit or meeting with a lead; the first one marks a new lead contacted.
    Raises RecruitmentInvalid."""
    require(actor, "recruitment.add_lead")
    require_lead(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    errors: dict[str, str] = {}
    day = values.get("happened_on")
    if not isinstance(day, datetime.date):
        errors["happened_on"] = _("Give the date of the follow-up.")
    elif day > timezone.localdate():
        errors["happened_on"] = _("A follow-up cannot be logged in the future.")
    if values.get("kind") not in FollowUpKind.values:
        errors["kind"] = _("Choose call, visit or meeting.")
    if not (values.get("note") or "").strip():
        errors["note"] = _("Say what was discussed.")
    next_on = values.get("next_on")
    if next_on and isinstance(day, datetime.date) and next_on < day:
        errors["next_on"] = _("The next date cannot be before the follow-up.")
    if lead.status == LeadStatus.LOST:
        errors["lead"] = _("Lead %(lead)s was lost; reopen it as a new lead.") % {
            "lead": lead}
    if errors:
        raise RecruitmentInvalid(errors)
    follow_up = FollowUp.objects.create(
        lead=lead, happened_on=day, kind=values["kind"], note=text(values["note"], 4000),
        next_step=text(values.get("next_step"), 200), next_on=next_on or None, by=actor)
    if lead.status == LeadStatus.NEW:
        when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        lead.status = LeadStatus.CONTACTED
        _reach(lead, LeadStatus.CONTACTED, when)
        lead.save()
        audit.record(actor=actor, target=lead, event="lead.status",
                     data={"status": [LeadStatus.NEW, LeadStatus.CONTACTED],
                           "reason": _("First follow-up")})
    return follow_up


def carry_over_waiting(*, user: Any | None = None, to_period: datetime.date) -> int:
    """How many qualified leads of earlier periods wait to be carried into `to_period`."""
    from qudao.recruitment.scope import visible_leads

    leads = visible_leads(user) if user is not None else Lead.objects.all()
    return leads.filter(status=LeadStatus.QUALIFIED, period__lt=month_of(to_period)).count()


@transaction.atomic
def leads_carry_over(*, to_period: datetime.date, actor: Any | None = None) -> int:
    """Carry every qualified lead of an earlier period into `to_period` (R-DM-11): the
    opportunities not converted in their period become the next period's. Returns how many
    moved; running it twice moves nothing the second time."""
    month = month_of(to_period)
    waiting = Lead.objects.filter(status=LeadStatus.QUALIFIED, period__lt=month)
    if actor is not None:
        require(actor, "recruitment.assign_lead")
        from qudao.recruitment.scope import visible_leads

        waiting = waiting.filter(pk__in=visible_leads(actor).values("pk"))
    # One UPDATE: the right-hand sides read the row as it was, so carried_from gets the
    # period the lead is leaving.
    moved = waiting.update(carried_from=F("period"), period=month,
                           times_carried=F("times_carried") + 1, updated_at=timezone.now())
    if moved and actor is not None:
        audit.record(actor=actor, target=actor, event="lead.carried_over",
                     data={"to_period": month, "leads": moved})
    return moved

