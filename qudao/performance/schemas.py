from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class SelectionQuery(Schema):
    region: int | None = Field(None, description="A territory id; empty: the whole company "
                                                 "(HQ), or the first region a manager covers.")
    period: str | None = Field(None, description="2026 (year), 2026-Q2 (quarter) or 2026-05 "
                                                 "(month); default the last complete quarter.")


class ReportOut(Schema):
    region_id: int | None
    region: str
    period: str
    period_start: date
    period_end: date
    organization: dict[str, Any]
    operations: dict[str, Any]
    service: dict[str, Any]
    economics: dict[str, Any]


class KpiItemOut(Schema):
    code: str
    group: str
    label: str
    value: Decimal | int | None
    score: Decimal | None
    weight: Decimal
    points: Decimal | None
    formula: str


class KpiOut(Schema):
    rep_id: int
    rep: str
    rank: int | None
    total: Decimal | None
    partial: bool
    sales: Decimal
    rating_average: Decimal | None
    ratings: int
    flagged: bool
    trained: int
    agreements_signed: int
    items: list[KpiItemOut]


class RatingIn(Schema):
    responsiveness: int = Field(..., description="1-5")
    professionalism: int = Field(..., description="1-5")
    sales_help: int = Field(..., description="1-5")
    comment: str = ""


class RatingOut(Schema):
    id: int
    dealer_id: int
    rep_id: int
    rep: str
    quarter: date
    responsiveness: int
    professionalism: int
    sales_help: int
    comment: str
    updated_at: datetime

    @staticmethod
    def resolve_rep(obj: Any) -> str:
        return str(obj.rep)


class ExpenseQuery(Schema):
    region: int | None = Field(None, description="A territory id: expenses at or below it.")
    category: str | None = Field(None, description="promotion, rebates, logistics, staff or "
                                                   "other.")
    month_from: str | None = Field(None, description="YYYY-MM")
    month_to: str | None = Field(None, description="YYYY-MM")
    q: str | None = Field(None, description="Text in the note.")


class ExpenseIn(Schema):
    territory_id: int
    month: str = Field(..., description="YYYY-MM")
    category: str
    amount: Decimal
    note: str = ""


class ExpenseOut(Schema):
    id: int
    territory_id: int
    region: str
    month: date
    category: str
    amount: Decimal
    note: str
    created_at: datetime

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.territory.display_name
