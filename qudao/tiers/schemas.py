from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class PolicyOut(Schema):
    grade: str
    visit_every_days: int
    entitlements: list[str]
    nurturing: str


class RuleOut(Schema):
    channel_level: str
    a_volume: Decimal
    a_cooperation: int
    b_volume: Decimal
    b_cooperation: int
    policies: list[PolicyOut]


class SuggestionQuery(Schema):
    period: str | None = Field(None, description="The review's quarter, e.g. 2026Q1.")
    status: str | None = Field(None, description="pending, approved or rejected.")
    direction: str | None = Field(None, description="upgrade, downgrade or new.")
    level: str | None = Field(None, description="tier1, tier2, terminal or key_account.")
    region: int | None = Field(None, description="A territory id: dealers at or below it.")
    dealer: int | None = None
    q: str | None = Field(None, description="Dealer code or name.")


class SuggestionOut(Schema):
    id: int
    period: str
    dealer_id: int
    dealer_code: str
    dealer_name: str
    current_grade: str
    suggested_grade: str
    direction: str
    stage: str
    sales: Decimal
    cooperation: Decimal
    parts: dict[str, Any]
    reasons: list[str]
    status: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str

    @staticmethod
    def resolve_period(obj: Any) -> str:
        return obj.review.label

    @staticmethod
    def resolve_dealer_code(obj: Any) -> str:
        return obj.dealer.code

    @staticmethod
    def resolve_dealer_name(obj: Any) -> str:
        return obj.dealer.name

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None


class DecideIn(Schema):
    decision: str = Field("", description="approve or reject.")
    note: str = ""


class GradeChangeOut(Schema):
    id: int
    dealer_id: int
    from_grade: str
    to_grade: str
    direction: str
    reason: str
    suggestion_id: int | None = None
    changed_by: str | None = None
    changed_at: datetime

    @staticmethod
    def resolve_changed_by(obj: Any) -> str | None:
        return str(obj.changed_by) if obj.changed_by_id else None


class ActionQuery(Schema):
    kind: str | None = Field(None, description="grow_territory, grow_credit, probation, "
                                                "terminate or keep.")
    status: str | None = Field(None, description="proposed, rejected, approved, running, "
                                                  "overdue, passed or failed.")
    region: int | None = None
    level: str | None = None
    dealer: int | None = None
    q: str | None = None


class ActionIn(Schema):
    dealer_id: int
    kind: str = Field("", description="grow_territory, grow_credit, probation, terminate, "
                                       "keep.")
    reason: str = ""
    territory_ids: list[int] = Field(default_factory=list,
                                     description="grow_territory: the territories to add.")
    new_credit_limit: Decimal | None = Field(None, description="grow_credit.")
    conditions: str = Field("", description="probation.")
    deadline: date | None = Field(None, description="probation.")
    termination_reason: str = Field("", description="terminate: decline, overdue, "
                                                     "cross_region, brand_switch, quit, other.")
    suggestion_id: int | None = None


class ActionOut(Schema):
    id: int
    dealer_id: int
    dealer_code: str
    kind: str
    status: str
    reason: str
    territories: list[str]
    current_credit_limit: Decimal | None = None
    new_credit_limit: Decimal | None = None
    conditions: str
    deadline: date | None = None
    termination_reason: str
    suggestion_id: int | None = None
    proposed_by: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str
    follow_up_id: int | None = None
    created_at: datetime

    @staticmethod
    def resolve_dealer_code(obj: Any) -> str:
        return obj.dealer.code

    @staticmethod
    def resolve_territories(obj: Any) -> list[str]:
        return [t.code for t in obj.territories.all()]

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str | None:
        return str(obj.proposed_by) if obj.proposed_by_id else None

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return str(obj.decided_by) if obj.decided_by_id else None


class VerdictIn(Schema):
    verdict: str = Field("", description="passed or failed.")
    note: str = ""
    termination_reason: str = Field("decline", description="If failed: the reason code of "
                                                            "the termination proposed.")


class DealerTierOut(Schema):
    dealer_id: int
    grade: str
    grade_by_rules: str
    stage: str
    sales: Decimal
    cooperation: Decimal
    parts: dict[str, Any]
    reasons: list[str]
    window_start: date
    window_end: date
