from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class LeadQuery(Schema):
    status: str | None = Field(None, description="new, contacted, qualified, candidate or lost.")
    source: str | None = Field(None, description="exhibition, referral, inbound_call, web, "
                                                  "cold_visit or other.")
    region: int | None = Field(None, description="A territory id: leads at or below it.")
    rep: int | None = Field(None, description="The sales rep's user id.")
    period: str | None = Field(None, description="Opportunity period, YYYY-MM.")
    carried: str | None = Field(None, description="yes: carried over from an earlier period.")
    q: str | None = Field(None, description="Company, contact person or phone.")


class LeadIn(Schema):
    source: str = ""
    company: str = ""
    contact_person: str = ""
    phone: str = ""
    territory_id: int | None = None
    channel_level: str = "tier1"
    rep_id: int | None = Field(None, description="Managers: the rep; empty: routed to the rep "
                                                  "covering the region. Reps: always themselves.")
    notes: str = ""


class LeadOut(Schema):
    id: int
    source: str
    company: str
    contact_person: str
    phone: str
    territory_id: int
    channel_level: str
    assigned_rep_id: int | None
    status: str
    lost_reason: str
    period: date
    first_period: date
    carried_from: date | None
    times_carried: int
    contacted_at: datetime | None
    qualified_at: datetime | None
    converted_at: datetime | None
    created_at: datetime


class FollowUpOut(Schema):
    id: int
    happened_on: date
    kind: str
    note: str
    next_step: str
    next_on: date | None
    by_id: int | None


class LeadDetailOut(LeadOut):
    notes: str
    candidate_id: int | None = None
    follow_ups: list[FollowUpOut] = []


class FollowUpIn(Schema):
    happened_on: date | None = None
    kind: str = ""
    note: str = ""
    next_step: str = ""
    next_on: date | None = None


class LeadStatusIn(Schema):
    status: str = ""
    reason: str = ""


class AssignIn(Schema):
    rep_id: int | None = None


class CandidateQuery(Schema):
    status: str | None = Field(None, description="evaluating, accepted, rejected or pool.")
    fit: str | None = Field(None, description="above, matching or below.")
    region: int | None = None
    criteria_set: int | None = None
    q: str | None = None


class LineOut(Schema):
    criterion_id: int
    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    weighted: Decimal | None
    evaluators: int


class CandidateOut(Schema):
    id: int
    lead_id: int
    name: str
    territory_id: int
    criteria_set_id: int
    status: str
    fit: str
    total: Decimal
    raw_sum: Decimal
    complete: bool
    dealer_id: int | None
    decided_at: datetime | None


class CandidatePageOut(Schema):
    items: list[CandidateOut]
    count: int


class ScoreOut(Schema):
    criterion_id: int
    evaluator_id: int
    value: Decimal


class CandidateDetailOut(CandidateOut):
    cities_covered: str
    outlets_reached: int | None
    reputation: str
    years_experience: int | None
    willingness: str
    brands_carried: str
    competing_brands: str
    registered_capital: Decimal | None
    annual_turnover: Decimal | None
    address: str
    promotion_ability: str
    vehicles: int | None
    warehouse_area: int | None
    staff_count: int | None
    office_system: str
    fit_note: str
    decision_reason: str
    decided_by_id: int | None
    lines: list[LineOut]
    scores: list[ScoreOut]


class ScoresIn(Schema):
    scores: dict[str, Decimal | None] = Field(
        default_factory=dict, description="Score 0-100 by criterion id (or code).")


class DecisionIn(Schema):
    decision: str = Field("", description="accepted, rejected or pool.")
    reason: str = ""


class CriterionOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    weight: Decimal


class CriteriaSetOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    is_default: bool
    is_active: bool
    criteria: list[CriterionOut]


class CompareColumnOut(Schema):
    candidate_id: int
    name: str
    rank: int
    raw_sum: Decimal
    total: Decimal
    lines: list[LineOut]


class ComparisonOut(Schema):
    criteria_set_id: int
    columns: list[CompareColumnOut]
