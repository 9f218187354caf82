"""Writes of candidates: created from a qualified lead with its profile, scored by several
evaluators, and decided (accept / reject / keep in pool) once every criterion has a score;
accepting creates the dealer, in onboarding, through the dealers' own services
(R-RS-01, -02, -08, -09, -11)."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.dealers import services as dealer_services
from qudao.dealers.choices import DealerStatus
from qudao.recruitment import scoring
from qudao.recruitment.choices import (
    DECIDABLE,
    CandidateStatus,
    Decision,
    Fit,
    LeadStatus,
)
from qudao.recruitment.exceptions import (
    CandidateDecided,
    RecruitmentInvalid,
    ScoringIncomplete,
)
from qudao.recruitment.models import Candidate, CriteriaSet, Lead, Score
from qudao.recruitment.services._common import moment, require, require_lead, text

PROFILE_FIELDS = [
    "name", "cities_covered", "outlets_reached", "reputation", "years_experience",
    "willingness", "brands_carried", "competing_brands", "registered_capital",
    "annual_turnover", "address", "promotion_ability", "vehicles", "warehouse_area",
    "staff_count", "office_system", "fit", "fit_note",
]
TEXT_LIMITS = {"name": 120, "cities_covered": 200, "brands_carried": 200,
               "competing_brands": 200, "address": 200, "office_system": 80, "fit_note": 300,
               "reputation": 2000, "willingness": 2000, "promotion_ability": 2000}
MONEY = ("registered_capital", "annual_turnover")
COUNTS = ("outlets_reached", "years_experience", "vehicles", "warehouse_area", "staff_count")


def default_set() -> CriteriaSet | None:
    return CriteriaSet.objects.filter(is_default=True, is_active=True).first()


def _profile(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The profile fields of `values`, cleaned, and the errors found."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        if key not in PROFILE_FIELDS:
            continue
        if key in TEXT_LIMITS:
            clean[key] = text(value, TEXT_LIMITS[key])
        elif key in MONEY:
            if value in (None, ""):
                clean[key] = None
                continue
            try:
                amount = Decimal(str(value)).quantize(Decimal("0.01"))
            except InvalidOperation:
                errors[key] = _("Not an amount.")
                continue
            if amount < 0:
                errors[key] = _("An amount cannot be negative.")
            clean[key] = amount
        elif key in COUNTS:
            if value in (None, ""):
                clean[key] = None
            elif not isinstance(value, int) or value < 0:
                errors[key] = _("A whole number of 0 or more.")
            else:
                clean[key] = value
        elif key == "fit":
            if value and value not in Fit.values:
                errors[key] = _("Choose above, matching or below our expectations.")
            clean[key] = value or ""
    if "name" in clean and not clean["name"]:
        errors["name"] = _("A candidate needs the company's name.")
    return clean, errors


@transaction.atomic
def candidate_create(*, actor: Any, lead: Lead, values: dict[str, Any] | None = None,
                     criteria_set: CriteriaSet | None = None,
                     at: datetime.datetime | None = None) -> Candidate:
    """Make a qualified lead a candidate, scored on `criteria_set` (default: the default
    set). Raises RecruitmentInvalid."""
    require(actor, "recruitment.add_lead")
    require_lead(actor, lead)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    values = dict(values or {})
    values.setdefault("name", lead.company)
    profile, errors = _profile(values)
    if lead.status != LeadStatus.QUALIFIED:
        errors["lead"] = _("Lead %(lead)s is %(status)s: only a qualified lead becomes a "
                           "candidate.") % {"lead": lead,
                                            "status": LeadStatus(lead.status).label}
    criteria_set = criteria_set or default_set()
    if criteria_set is None or not criteria_set.is_active:
        errors["criteria_set"] = _("Choose an active criteria set.")
    if errors:
        raise RecruitmentInvalid(errors)
    when = moment(at)
    candidate = Candidate.objects.create(lead=lead, criteria_set=criteria_set,
                                         created_by=actor, **profile)
    lead.status = LeadStatus.CANDIDATE
    lead.contacted_at = lead.contacted_at or when
    lead.qualified_at = lead.qualified_at or when
    lead.converted_at = when
    lead.save()
    audit.record(actor=actor, target=candidate, event="candidate.created",
                 data={"lead": lead.pk, "criteria_set": criteria_set.code})
    return candidate


@transaction.atomic
def candidate_update(*, actor: Any, candidate: Candidate, values: dict[str, Any],
                     criteria_set: CriteriaSet | None = None) -> Candidate:
    """Change a candidate's profile and fit (and its criteria set while nobody has scored
    it). Raises RecruitmentInvalid or CandidateDecided."""
    require(actor, "recruitment.add_lead")
    require_lead(actor, candidate.lead)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status not in DECIDABLE:
        raise CandidateDecided(_("Candidate %(c)s was already %(status)s.") % {
            "c": candidate, "status": CandidateStatus(candidate.status).label.lower()})
    profile, errors = _profile(values)
    if criteria_set is not None and criteria_set.pk != candidate.criteria_set_id:
        if candidate.scores.exists():
            errors["criteria_set"] = _("Candidate %(c)s has scores on %(set)s: its criteria "
                                       "set can no longer change.") % {
                "c": candidate, "set": candidate.criteria_set}
        elif not criteria_set.is_active:
            errors["criteria_set"] = _("Choose an active criteria set.")
    if errors:
        raise RecruitmentInvalid(errors)
    before = audit.snapshot(candidate, PROFILE_FIELDS + ["criteria_set"])
    for key, value in profile.items():
        setattr(candidate, key, value)
    if criteria_set is not None:
        candidate.criteria_set = criteria_set
    candidate.save()
    changes = audit.diff(before, audit.snapshot(candidate, PROFILE_FIELDS + ["criteria_set"]))
    if changes:
        audit.record(actor=actor, target=candidate, event="candidate.changed", data=changes)
    return candidate


def _score_value(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(
            Decimal("0.01")):
        raise ValueError
    return value


@transaction.atomic
def score_submit(*, actor: Any, candidate: Candidate, scores: dict[int, Any],
                 notes: dict[int, str] | None = None) -> list[Score]:
    """Record the actor's scores (0-100, up to 2 places) of a candidate, by criterion id; a
    criterion left empty keeps the actor's earlier score. Several evaluators each give their
    own; the candidate's score is their average. Raises RecruitmentInvalid."""
    require(actor, "recruitment.score_candidate")
    require_lead(actor, candidate.lead)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status not in DECIDABLE:
        raise CandidateDecided(_("Candidate %(c)s was already %(status)s: scores can no "
                                 "longer change.") % {
            "c": candidate, "status": CandidateStatus(candidate.status).label.lower()})
    criteria = {c.pk: c for c in candidate.criteria_set.criteria.all()}
    errors: dict[str, str] = {}
    given: dict[int, Decimal] = {}
    for key, raw in scores.items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            criterion_id = -1
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors[f"score_{key}"] = _("Criterion %(id)s is not in the set %(set)s.") % {
                "id": key, "set": candidate.criteria_set}
            continue
        try:
            value = _score_value(raw)
        except ValueError:
            errors[f"score_{criterion_id}"] = _(
                "The score of %(criterion)s must be a number from 0 to 100 (at most 2 "
                "decimals), not “%(value)s”.") % {"criterion": criterion, "value": raw}
            continue
        if value is not None:
            given[criterion_id] = value
    if not errors and not given:
        errors["scores"] = _("Give a score for at least one criterion.")
    if errors:
        raise RecruitmentInvalid(errors)
    notes = notes or {}
    saved = []
    for criterion_id, value in given.items():
        score, _created = Score.objects.update_or_create(
            candidate=candidate, criterion_id=criterion_id, evaluator=actor,
            defaults={"value": value, "note": text(notes.get(criterion_id), 200)})
        saved.append(score)
    audit.record(actor=actor, target=candidate, event="candidate.scored",
                 data={criteria[pk].code: value for pk, value in given.items()})
    return saved


def candidate_scorecard(candidate: Candidate) -> scoring.Scorecard:
    """The candidate's averages, weighted scores and total on its criteria set."""
    criteria = list(candidate.criteria_set.criteria.all())
    return scoring.scorecard(candidate.pk, criteria,
                             candidate.scores.values("criterion_id", "value"))


def _dealer_values(candidate: Candidate) -> dict[str, Any]:
    lead = candidate.lead
    notes = _("Recruited through lead %(lead)s (%(source)s); fit: %(fit)s.") % {
        "lead": lead.pk, "source": lead.get_source_display(),
        "fit": candidate.get_fit_display() or "—"}
    rep = lead.assigned_rep if lead.assigned_rep and lead.assigned_rep.is_active else None
    return {
        "name": candidate.name, "channel_level": lead.channel_level,
        "territory": lead.territory, "address": candidate.address, "phone": lead.phone,
        "assigned_rep": rep, "vehicles": candidate.vehicles,
        "warehouse_area": candidate.warehouse_area, "staff_count": candidate.staff_count,
        "registered_capital": candidate.registered_capital,
        "office_system": candidate.office_system,
        "competing_brands": candidate.competing_brands,
        "business_categories": candidate.brands_carried, "notes": notes,
    }


@transaction.atomic
def candidate_decide(*, actor: Any, candidate: Candidate, decision: str, reason: str,
                     at: datetime.datetime | None = None) -> Candidate:
    """Accept, reject or keep a candidate in the pool, with a reason (R-RS-09).

    Only a user with recruitment.decide_candidate, and only once every criterion of the set
    has at least one score (ScoringIncomplete lists the others). Accepting creates the
    dealer from the candidate's data through dealer_create and moves it to onboarding;
    the candidate links to it. Accepted and rejected are final; a pooled candidate may be
    decided again. Who, when, why and the weighted total are kept and audited (R-RS-11).
    """
    require(actor, "recruitment.decide_candidate")
    require_lead(actor, candidate.lead)
    # Locked: two managers deciding at once must not both create a dealer.
    candidate = (Candidate.objects.select_for_update(of=("self",))
                 .select_related("lead", "lead__territory", "lead__assigned_rep",
                                 "criteria_set").get(pk=candidate.pk))
    if candidate.status not in DECIDABLE:
        raise CandidateDecided(_("Candidate %(c)s was already %(status)s.") % {
            "c": candidate, "status": CandidateStatus(candidate.status).label.lower()})
    if decision not in Decision.values:
        raise RecruitmentInvalid({"decision": _("Choose accept, reject or keep in pool.")})
    reason = text(reason, 2000)
    if not reason:
        raise RecruitmentInvalid({"reason": _("Give the reason for the decision on %(c)s.")
                                  % {"c": candidate}})
    card = candidate_scorecard(candidate)
    if not card.complete:
        names = [line.name for line in card.unscored]
        raise ScoringIncomplete(
            _("Candidate %(c)s cannot be decided yet: no score for %(names)s.") % {
                "c": candidate, "names": ", ".join(names)}, unscored=names)
    when = moment(at)
    previous = candidate.status
    candidate.status = decision
    candidate.decision_reason = reason
    candidate.decided_by = actor
    candidate.decided_at = when
    candidate.total_score = card.total
    if decision == Decision.ACCEPT:
        dealer = dealer_services.dealer_create(actor=actor, values=_dealer_values(candidate))
        dealer = dealer_services.dealer_status_change(
            actor=actor, dealer=dealer, to_status=DealerStatus.ONBOARDING,
            reason=_("Selected as a dealer: %(reason)s") % {"reason": reason})
        if candidate.lead.contact_person:
            dealer_services.contact_create(actor=actor, dealer=dealer, values={
                "name": candidate.lead.contact_person, "mobile": candidate.lead.phone,
                "is_primary": True})
        candidate.dealer = dealer
    candidate.save()
    data = {"decision": [previous, decision], "reason": reason, "total": card.total,
            "criteria_set": candidate.criteria_set.code,
            "dealer": candidate.dealer.code if candidate.dealer else None}
    audit.record(actor=actor, target=candidate, event="candidate.decided", data=data)
    if candidate.dealer is not None:
        audit.record(actor=actor, target=candidate, subject=candidate.dealer,
                     event="candidate.accepted", data=data)
    return candidate
