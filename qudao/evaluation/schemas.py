"""Input and output shapes of the scorecard API."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from qudao.evaluation.choices import DIMENSIONS
from qudao.evaluation.formulas import describe


class ScorecardQuery(Schema):
    kind: str | None = Field(None, description="month, quarter or year.")
    start: date | None = Field(None, description="First day of the period.")
    region: int | None = None
    channel_level: str | None = None
    grade: str | None = None
    status: str | None = Field(None, description="draft or final.")
    dealer: int | None = None
    q: str | None = Field(None, description="Dealer code or name.")
    sort: str | None = Field(None, description="-total (default), total, rank or dealer.")


class ScorecardOut(Schema):
    id: int
    dealer_id: int
    dealer_code: str
    dealer_name: str
    period_kind: str
    period_start: date
    period_end: date
    period_label: str
    region_id: int | None
    channel_level: str
    status: str
    total: Decimal | None
    scored_weight: Decimal
    dimensions_scored: int
    rank: int | None
    rank_size: int | None
    scores: dict[str, Decimal | None]

    @staticmethod
    def resolve_dealer_code(obj) -> str:
        return obj.dealer.code

    @staticmethod
    def resolve_dealer_name(obj) -> str:
        return obj.dealer.name

    @staticmethod
    def resolve_scores(obj) -> dict[str, Decimal | None]:
        scores = {line.dimension: line.score for line in obj.lines.all()}
        return {d: scores.get(d) for d in DIMENSIONS}


class LineOut(Schema):
    dimension: str
    weight: Decimal
    computed_score: Decimal | None
    hand_score: Decimal | None
    hand_note: str
    hand_at: datetime | None
    score: Decimal | None
    weighted: Decimal | None
    source: str
    hand_allowed: bool
    inputs: dict
    formula: list[str]

    @staticmethod
    def resolve_formula(obj) -> list[str]:
        return describe(obj.dimension, obj.inputs, obj.computed_score)


class ScorecardDetailOut(ScorecardOut):
    computed_at: datetime | None
    finalized_at: datetime | None
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class HandScoreIn(Schema):
    dimension: str = Field("", description="sales, financial, loyalty, growth, innovation, "
                                            "competitiveness or satisfaction.")
    score: Decimal | None = Field(None, description="0-100; null clears the hand score.")
    note: str = Field("", description="Why; required with a score.")


class WeightOut(Schema):
    channel_level: str
    weights: dict[str, Decimal]
    sum: Decimal
