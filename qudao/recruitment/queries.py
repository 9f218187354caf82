"""Reads of dealer recruitment, already limited to what the user may see (scope.py):
leads and their follow-ups, candidates with their scores, the comparison of candidates,
criteria sets, campaigns with their figures, and the dealer page's selection panel."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.core.pagination import filters_copy
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_staff, visible_territories
from qudao.recruitment import scoring
from qudao.recruitment.exceptions import ComparisonInvalid
from qudao.recruitment.filters import CandidateFilter, LeadFilter
from qudao.recruitment.models import Campaign, Candidate, CriteriaSet, Criterion, Lead, Score
from qudao.recruitment.scope import staff_user, visible_candidates, visible_leads

COMPARE_MIN, COMPARE_MAX = 2, 8


# -- leads --------------------------------------------------------------------------------

def lead_list(*, user: Any, filters: Any = None) -> QuerySet[Lead]:
    """The user's leads, newest first, with the region and rep the list shows."""
    leads = visible_leads(user).select_related("territory", "assigned_rep")
    leads = LeadFilter(filters_copy(filters), queryset=leads).qs
    return leads.annotate(follow_up_count=Count("follow_ups")).order_by("-created_at", "-id")


def lead_get(*, user: Any, pk: int) -> Lead:
    """One lead; Lead.DoesNotExist outside the user's scope."""
    return (visible_leads(user).select_related("territory", "assigned_rep", "created_by")
            .get(pk=pk))


def lead_follow_ups(*, lead: Lead) -> QuerySet:
    return lead.follow_ups.select_related("by").order_by("-happened_on", "-id")


def lead_candidate(*, lead: Lead) -> Candidate | None:
    return Candidate.objects.filter(lead=lead).first()


def history(*, target: Any) -> QuerySet:
    return audit.history(target)


def period_summary(*, user: Any, period) -> dict[str, int]:
    """Leads of a period by status, and how many of them were carried over into it."""
    rows = (visible_leads(user).filter(period=period).values("status")
            .annotate(n=Count("id")).values_list("status", "n"))
    by_status = dict(rows)
    carried = visible_leads(user).filter(period=period, carried_from__isnull=False).count()
    return {"by_status": by_status, "total": sum(by_status.values()), "carried": carried}


def region_choices(user: Any) -> list[tuple[str, str]]:
    """Territory nodes down to province level the user may pick in filters and forms."""
    nodes = visible_territories(user).filter(depth__lte=2).order_by("path")
    return [(str(t.pk), ("— " * (t.depth - 1)) + t.display_name) for t in nodes]


def territory_options(user: Any) -> QuerySet:
    return visible_territories(user).order_by("path")


def rep_options(user: Any) -> QuerySet:
    return visible_staff(user).order_by("username")


# -- candidates ---------------------------------------------------------------------------

def candidate_list(*, user: Any, filters: Any = None) -> QuerySet[Candidate]:
    """The user's candidates, newest first, with lead, region, set and dealer."""
    candidates = visible_candidates(user).select_related(
        "lead", "lead__territory", "lead__assigned_rep", "criteria_set", "dealer")
    candidates = CandidateFilter(filters_copy(filters), queryset=candidates).qs
    return candidates.annotate(evaluator_count=Count("scores__evaluator", distinct=True)
                               ).order_by("-created_at", "-id")


def candidate_get(*, user: Any, pk: int) -> Candidate:
    """One candidate; Candidate.DoesNotExist outside the user's scope."""
    return (visible_candidates(user)
            .select_related("lead", "lead__territory", "lead__assigned_rep", "criteria_set",
                            "decided_by", "dealer", "created_by")
            .get(pk=pk))


def _criteria_by_set(set_ids: set[int]) -> dict[int, list[Criterion]]:
    by_set: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(criteria_set_id__in=set_ids).order_by(
            "criteria_set_id", "position", "id"):
        by_set[criterion.criteria_set_id].append(criterion)
    return by_set


def scorecards(candidates: list[Candidate]) -> dict[int, scoring.Scorecard]:
    """Each candidate's scorecard, in two queries whatever the number of candidates."""
    if not candidates:
        return {}
    criteria = _criteria_by_set({c.criteria_set_id for c in candidates})
    scores: dict[int, list[dict]] = defaultdict(list)
    for row in Score.objects.filter(candidate__in=[c.pk for c in candidates]).values(
            "candidate_id", "criterion_id", "value"):
        scores[row["candidate_id"]].append(row)
    return {c.pk: scoring.scorecard(c.pk, criteria[c.criteria_set_id], scores[c.pk])
            for c in candidates}


def candidate_scores(*, candidate: Candidate) -> dict[str, Any]:
    """The candidate's page: its scorecard, and every evaluator's own scores side by side."""
    card = scorecards([candidate])[candidate.pk]
    evaluators: dict[int, Any] = {}
    by_pair: dict[tuple[int, int], Score] = {}
    for score in candidate.scores.select_related("evaluator").order_by("evaluator_id"):
        evaluators[score.evaluator_id] = score.evaluator
        by_pair[(score.criterion_id, score.evaluator_id)] = score
    rows = [{"line": line, "by": [by_pair.get((line.criterion_id, pk)) for pk in evaluators]}
            for line in card.lines]
    return {"card": card, "evaluators": list(evaluators.values()), "rows": rows}


def my_scores(*, candidate: Candidate, user: Any) -> dict[int, Any]:
    return dict(candidate.scores.filter(evaluator=user).values_list("criterion_id", "value"))


def comparison(*, user: Any, ids: list[int]) -> dict[str, Any]:
    """Candidates side by side (R-RS-06): per criterion the weight, and each candidate's
    score and weighted score; the raw sums, the weighted totals and the rank by weighted
    total (R-RS-05); the radar chart's series. Raises ComparisonInvalid for fewer than two
    candidates of the user's scope, too many, or candidates on different criteria sets."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > COMPARE_MAX:
        raise ComparisonInvalid(_("Compare at most %(n)d candidates at a time.") % {
            "n": COMPARE_MAX})
    found = {c.pk: c for c in visible_candidates(user).filter(pk__in=ids)
             .select_related("criteria_set", "lead__territory", "dealer")}
    candidates = [found[pk] for pk in ids if pk in found]
    if len(candidates) < COMPARE_MIN:
        raise ComparisonInvalid(_("Choose at least two candidates to compare."))
    sets = {c.criteria_set_id for c in candidates}
    if len(sets) > 1:
        raise ComparisonInvalid(_("These candidates are scored on different criteria sets "
                                  "(%(sets)s): compare candidates of one set.") % {
            "sets": ", ".join(sorted({str(c.criteria_set) for c in candidates}))})
    cards = scorecards(candidates)
    scoring.rank(list(cards.values()))
    # Side by side in rank order (then by name), the best on the left.
    candidates.sort(key=lambda c: (cards[c.pk].rank, c.name))
    criteria_set = candidates[0].criteria_set
    lines = cards[candidates[0].pk].lines
    rows = [{"code": line.code, "name": line.name, "weight": line.weight,
             "cells": [cards[c.pk].lines[i] for c in candidates]}
            for i, line in enumerate(lines)]
    columns = [{"candidate": c, "card": cards[c.pk]} for c in candidates]
    chart = {
        "indicators": [{"name": line.name, "max": 100} for line in lines],
        "series": [{"name": c.name,
                    "value": [float(line.score) if line.score is not None else 0
                              for line in cards[c.pk].lines]} for c in candidates],
    }
    return {"criteria_set": criteria_set, "columns": columns, "rows": rows, "chart": chart,
            "ranking": columns}


# -- criteria sets and campaigns ----------------------------------------------------------

def criteria_sets(*, active_only: bool = False) -> QuerySet[CriteriaSet]:
    """Criteria sets with their criteria and how many candidates use each."""
    sets = CriteriaSet.objects.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")))
    if active_only:
        sets = sets.filter(is_active=True)
    return sets.annotate(candidate_count=Count("candidates", distinct=True)).order_by(
        "-is_default", "code")


def criteria_set_in_use(criteria_set: CriteriaSet) -> bool:
    return Score.objects.filter(criterion__criteria_set=criteria_set).exists()


def campaign_list(*, user: Any) -> list[dict[str, Any]]:
    """Campaigns with their execution figures over the targets the user sees: targeted,
    contacted, qualified, became candidates (R-DM-12)."""
    if not staff_user(user):
        return []
    scope = visible_leads(user)
    inside = Q(leads__in=scope) if not user.sees_all_dealers else Q()
    campaigns = Campaign.objects.select_related("territory", "owner").annotate(
        targets=Count("leads", filter=inside, distinct=True),
        contacted=Count("leads", filter=inside & Q(leads__contacted_at__isnull=False),
                        distinct=True),
        qualified=Count("leads", filter=inside & Q(leads__qualified_at__isnull=False),
                        distinct=True),
        candidates=Count("leads", filter=inside & Q(leads__converted_at__isnull=False),
                         distinct=True),
    ).order_by("-starts_on", "-id")
    return list(campaigns)


def campaign_get(*, user: Any, pk: int) -> dict[str, Any]:
    """A campaign with its figures; Campaign.DoesNotExist for dealer users or no such one."""
    for campaign in campaign_list(user=user):
        if campaign.pk == pk:
            return campaign
    raise Campaign.DoesNotExist


# -- the dealer page ----------------------------------------------------------------------

def dealer_panel(*, user: Any, dealer: Dealer) -> dict[str, Any]:
    """"How this dealer was selected" (R-RS-11): the candidate it came from, the criteria
    set and its scorecard, the evaluators, and the decision with who, when and why."""
    candidate = (Candidate.objects.filter(dealer=dealer)
                 .select_related("lead", "lead__assigned_rep", "criteria_set", "decided_by")
                 .first())
    if candidate is None or not staff_user(user):
        return {"dealer": dealer, "candidate": None}
    detail = candidate_scores(candidate=candidate)
    return {"dealer": dealer, "candidate": candidate, **detail,
            "can_open": visible_candidates(user).filter(pk=candidate.pk).exists()}
