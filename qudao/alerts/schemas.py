from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class AlertQuery(Schema):
    state: str | None = Field(None, description="open (default), closed or all.")
    status: str | None = None
    severity: str | None = None
    rule: int | None = None
    period: str | None = Field(None, description="Month as YYYY-MM.")
    region: int | None = Field(None, description="A territory id: alerts at or below it.")
    dealer: int | None = None
    q: str | None = None
    mine: bool | None = None


class AlertOut(Schema):
    id: int
    rule_code: str
    rule_name: str
    period: date
    subject_key: str
    dealer_id: int | None
    territory_id: int | None
    rep_id: int | None
    severity: str
    status: str
    value: Decimal | None
    baseline: Decimal | None
    change: Decimal | None
    peer_median: Decimal | None
    assigned_to_id: int | None
    manager_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_rule_code(obj) -> str:
        return obj.rule.code

    @staticmethod
    def resolve_rule_name(obj) -> str:
        return str(obj.rule.display_name)


class AlertActionOut(Schema):
    id: int
    kind: str
    happened_on: date
    notes: str
    by_id: int
    created_at: datetime


class AlertDetailOut(AlertOut):
    details: dict[str, Any]
    acknowledged_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    escalated_at: datetime | None
    actions: list[AlertActionOut]

    @staticmethod
    def resolve_actions(obj) -> list:
        return list(obj.actions.order_by("-happened_on", "-id"))


class ActionIn(Schema):
    kind: str = Field("note", description="note, call or visit.")
    happened_on: date | None = Field(None, description="Default today.")
    notes: str = Field("", description="What was found and agreed (required).")


class CloseIn(Schema):
    reason: str = ""


class RuleOut(Schema):
    id: int
    code: str
    signal: str
    name: str
    name_en: str
    enabled: bool
    severity: str
    comparison: str
    params: dict[str, Any]
    channel_levels: list[str]
    grades: list[str]
    territory_ids: list[int]
    escalate_after_days: int

    @staticmethod
    def resolve_territory_ids(obj) -> list[int]:
        return [t.pk for t in obj.territories.all()]


class RulePatch(Schema):
    enabled: bool | None = None
    severity: str | None = None
    comparison: str | None = None
    params: dict[str, Any] | None = None
    channel_levels: list[str] | None = None
    grades: list[str] | None = None
    territory_ids: list[int] | None = None
    escalate_after_days: int | None = Field(None, ge=1, le=60)


class PreviewMonthOut(Schema):
    month: date
    count: int
