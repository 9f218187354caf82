"""The weighted scoring model (R-RS-02, -05), as plain arithmetic on Decimals.

The score of a criterion is the average of its evaluators' scores, rounded to 2 places
half up (80, 85 and 86 average 83.67). The weighted score is score × weight, kept exact
(two places times two places needs four: 83.67 × 0.15 = 12.5505); the total is the sum of
the exact weighted scores, rounded to 2 places half up. Candidates rank by that weighted
total, never by the raw sum of scores; equal totals share a rank (1, 2, 2, 4).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def average(values: Iterable[Decimal]) -> Decimal | None:
    """The evaluators' average, 2 places half up; None when nobody scored."""
    values = [Decimal(v) for v in values]
    if not values:
        return None
    return (sum(values, ZERO) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class CriterionLine:
    """One criterion of a candidate: weight, score (average), weighted score, evaluators."""

    criterion_id: int
    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    evaluators: int = 0

    @property
    def weighted(self) -> Decimal | None:
        return None if self.score is None else self.score * self.weight

    @property
    def weighted_display(self) -> Decimal | None:
        """The weighted score as shown: 2 places, half up."""
        weighted = self.weighted
        return None if weighted is None else weighted.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Scorecard:
    """A candidate's lines on its criteria set, with the raw sum and the weighted total."""

    candidate_id: int
    lines: list[CriterionLine] = field(default_factory=list)
    rank: int | None = None

    @property
    def complete(self) -> bool:
        return bool(self.lines) and all(line.score is not None for line in self.lines)

    @property
    def unscored(self) -> list[CriterionLine]:
        return [line for line in self.lines if line.score is None]

    @property
    def raw_sum(self) -> Decimal:
        return sum((line.score for line in self.lines if line.score is not None), ZERO)

    @property
    def total(self) -> Decimal:
        """Σ score × weight over the scored criteria, 2 places half up."""
        exact = sum((line.weighted for line in self.lines if line.weighted is not None), ZERO)
        return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def scorecard(candidate_id: int, criteria: Sequence, scores: Iterable) -> Scorecard:
    """A candidate's scorecard from its set's criteria (objects with pk, code, display_name,
    weight) and its scores (objects or dicts with criterion_id and value)."""
    by_criterion: dict[int, list[Decimal]] = {}
    for score in scores:
        criterion_id = score["criterion_id"] if isinstance(score, dict) else score.criterion_id
        value = score["value"] if isinstance(score, dict) else score.value
        by_criterion.setdefault(criterion_id, []).append(Decimal(value))
    lines = [CriterionLine(criterion_id=c.pk, code=c.code, name=c.display_name,
                           weight=c.weight, score=average(by_criterion.get(c.pk, [])),
                           evaluators=len(by_criterion.get(c.pk, [])))
             for c in criteria]
    return Scorecard(candidate_id=candidate_id, lines=lines)


def rank(cards: Sequence[Scorecard]) -> list[Scorecard]:
    """The cards by weighted total, best first, each given its rank (ties share one)."""
    ordered = sorted(cards, key=lambda card: card.total, reverse=True)
    previous: Decimal | None = None
    for position, card in enumerate(ordered, start=1):
        if previous is None or card.total != previous:
            card.rank = position
        else:
            card.rank = ordered[position - 2].rank
        previous = card.total
    return ordered
