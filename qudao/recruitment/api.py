"""API of recruitment: thin handlers over queries and services.

Leads and candidates follow the region they are filed under (scope.py): a rep sees his own
leads, a manager his territories', company-wide roles all; another lead answers 404, and
dealer users have no access at all (403).
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.accounts.models import User
from qudao.api import require
from qudao.recruitment import queries, services
from qudao.recruitment.exceptions import RecruitmentInvalid
from qudao.recruitment.models import Candidate, Lead
from qudao.recruitment.schemas import (
    AssignIn,
    CandidateDetailOut,
    CandidatePageOut,
    CandidateQuery,
    ComparisonOut,
    CriteriaSetOut,
    DecisionIn,
    FollowUpIn,
    FollowUpOut,
    LeadDetailOut,
    LeadIn,
    LeadOut,
    LeadQuery,
    LeadStatusIn,
    ScoresIn,
)
from qudao.recruitment.scoring import Scorecard
from qudao.territories.models import Territory

router = Router(tags=["Dealer recruitment"])


def _lead(request, lead_id: int) -> Lead:
    try:
        return queries.lead_get(user=request.user, pk=lead_id)
    except Lead.DoesNotExist:
        raise Http404 from None


def _candidate(request, candidate_id: int) -> Candidate:
    try:
        return queries.candidate_get(user=request.user, pk=candidate_id)
    except Candidate.DoesNotExist:
        raise Http404 from None


def _lines(card: Scorecard) -> list[dict[str, Any]]:
    return [{"criterion_id": line.criterion_id, "code": line.code, "name": line.name,
             "weight": line.weight, "score": line.score,
             "weighted": line.weighted_display, "evaluators": line.evaluators}
            for line in card.lines]


def _candidate_out(candidate: Candidate, card: Scorecard) -> dict[str, Any]:
    return {"id": candidate.pk, "lead_id": candidate.lead_id, "name": candidate.name,
            "territory_id": candidate.lead.territory_id,
            "criteria_set_id": candidate.criteria_set_id, "status": candidate.status,
            "fit": candidate.fit, "total": card.total, "raw_sum": card.raw_sum,
            "complete": card.complete, "dealer_id": candidate.dealer_id,
            "decided_at": candidate.decided_at}


def _candidate_detail(candidate: Candidate) -> dict[str, Any]:
    card = queries.scorecards([candidate])[candidate.pk]
    out = _candidate_out(candidate, card)
    for name in services.PROFILE_FIELDS:
        out.setdefault(name, getattr(candidate, name))
    out.update({"decision_reason": candidate.decision_reason,
                "decided_by_id": candidate.decided_by_id, "lines": _lines(card),
                "scores": list(candidate.scores.values("criterion_id", "evaluator_id",
                                                       "value"))})
    return out


def _lead_detail(lead: Lead) -> Lead:
    lead.follow_ups_list = list(queries.lead_follow_ups(lead=lead)[:200])
    candidate = queries.lead_candidate(lead=lead)
    lead.candidate_id = candidate.pk if candidate else None
    return lead


def _lead_detail_out(lead: Lead) -> dict[str, Any]:
    lead = _lead_detail(lead)
    data = LeadOut.from_orm(lead).dict()
    data.update({"notes": lead.notes, "candidate_id": lead.candidate_id,
                 "follow_ups": [FollowUpOut.from_orm(f).dict() for f in lead.follow_ups_list]})
    return data


# -- leads --------------------------------------------------------------------------------

@router.get("/leads", response=list[LeadOut])
@paginate(PageNumberPagination)
def lead_list(request, filters: Query[LeadQuery]):
    """Leads the caller may see, newest first."""
    require(request, "recruitment.view_lead")
    return queries.lead_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/leads", response={201: LeadDetailOut})
def lead_create(request, payload: LeadIn):
    """Record a lead (a rep's is his own; a manager's is routed to the region's rep)."""
    require(request, "recruitment.add_lead")
    data = payload.dict()
    errors: dict[str, str] = {}
    territory = Territory.objects.filter(pk=data.pop("territory_id") or 0).first()
    rep_id = data.pop("rep_id")
    rep = User.objects.filter(pk=rep_id).first() if rep_id else None
    if rep_id and rep is None:
        errors["rep_id"] = _("No user with this id.")
    if errors:
        raise RecruitmentInvalid(errors)
    lead = services.lead_create(actor=request.user, values={**data, "territory": territory},
                                rep=rep)
    return Status(201, _lead_detail_out(_lead(request, lead.pk)))


@router.get("/leads/{lead_id}", response=LeadDetailOut)
def lead_detail(request, lead_id: int):
    require(request, "recruitment.view_lead")
    return _lead_detail_out(_lead(request, lead_id))


@router.post("/leads/{lead_id}/follow-ups", response={201: FollowUpOut})
def follow_up_add(request, lead_id: int, payload: FollowUpIn):
    """Log a follow-up; the first one marks a new lead contacted."""
    require(request, "recruitment.add_lead")
    lead = _lead(request, lead_id)
    return Status(201, services.followup_add(actor=request.user, lead=lead,
                                             values=payload.dict()))


@router.post("/leads/{lead_id}/status", response=LeadDetailOut)
def lead_status(request, lead_id: int, payload: LeadStatusIn):
    """Move a lead to contacted, qualified or lost (with a reason)."""
    require(request, "recruitment.add_lead")
    lead = services.lead_status_change(actor=request.user, lead=_lead(request, lead_id),
                                       to_status=payload.status, reason=payload.reason)
    return _lead_detail_out(lead)


@router.post("/leads/{lead_id}/assign", response=LeadDetailOut)
def lead_assign(request, lead_id: int, payload: AssignIn):
    """Route a lead to a rep of the caller's territories (managers)."""
    require(request, "recruitment.assign_lead")
    lead = _lead(request, lead_id)
    rep = User.objects.filter(pk=payload.rep_id or 0).first()
    if rep is None:
        raise RecruitmentInvalid({"rep_id": _("No user with this id.")})
    return _lead_detail_out(services.lead_assign(actor=request.user, lead=lead, rep=rep))


# -- candidates ---------------------------------------------------------------------------

@router.get("/candidates", response=CandidatePageOut)
def candidate_list(request, filters: Query[CandidateQuery], page: int = 1,
                   page_size: int = 50):
    """Candidates the caller may see, newest first, with weighted totals; `page`,
    `page_size` (at most 500) as elsewhere, the totals computed for the page only."""
    require(request, "recruitment.view_lead")
    page_size = max(1, min(page_size, 500))
    candidates = queries.candidate_list(user=request.user,
                                        filters=filters.dict(exclude_none=True))
    count = candidates.count()
    rows = list(candidates[(max(page, 1) - 1) * page_size:max(page, 1) * page_size])
    cards = queries.scorecards(rows)
    return {"items": [_candidate_out(c, cards[c.pk]) for c in rows], "count": count}


@router.get("/candidates/compare", response=ComparisonOut)
def candidate_compare(request, ids: str):
    """Candidates side by side (`ids=1,2,3`): per criterion score and weighted score, raw
    sum, weighted total and rank by weighted total."""
    require(request, "recruitment.view_lead")
    numbers = [int(part) for part in ids.split(",") if part.strip().isdigit()]
    data = queries.comparison(user=request.user, ids=numbers)
    return {"criteria_set_id": data["criteria_set"].pk, "columns": [
        {"candidate_id": col["candidate"].pk, "name": col["candidate"].name,
         "rank": col["card"].rank, "raw_sum": col["card"].raw_sum,
         "total": col["card"].total, "lines": _lines(col["card"])}
        for col in data["columns"]]}


@router.get("/candidates/{candidate_id}", response=CandidateDetailOut)
def candidate_detail(request, candidate_id: int):
    require(request, "recruitment.view_lead")
    return _candidate_detail(_candidate(request, candidate_id))


@router.post("/candidates/{candidate_id}/scores", response=CandidateDetailOut)
def score_submit(request, candidate_id: int, payload: ScoresIn):
    """The caller's scores (0-100) by criterion id or code; empty keeps an earlier one."""
    require(request, "recruitment.score_candidate")
    candidate = _candidate(request, candidate_id)
    codes = {c.code: c.pk for c in candidate.criteria_set.criteria.all()}
    scores = {codes.get(key, key): value for key, value in payload.scores.items()}
    services.score_submit(actor=request.user, candidate=candidate, scores=scores)
    return _candidate_detail(_candidate(request, candidate_id))


@router.post("/candidates/{candidate_id}/decision", response=CandidateDetailOut)
def candidate_decide(request, candidate_id: int, payload: DecisionIn):
    """Accept (creates the dealer, onboarding), reject or keep in pool, with a reason."""
    require(request, "recruitment.decide_candidate")
    candidate = _candidate(request, candidate_id)
    services.candidate_decide(actor=request.user, candidate=candidate,
                              decision=payload.decision, reason=payload.reason)
    return _candidate_detail(_candidate(request, candidate_id))


@router.get("/criteria-sets", response=list[CriteriaSetOut])
def criteria_set_list(request):
    """The criteria sets with their weighted criteria, the default first."""
    require(request, "recruitment.view_lead")
    return [{"id": s.pk, "code": s.code, "name": s.name, "name_en": s.name_en,
             "is_default": s.is_default, "is_active": s.is_active,
             "criteria": list(s.criteria.all())} for s in queries.criteria_sets()]
