"""Reads of dealer scorecards, already scoped to the user (dealers never see them)."""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from qudao.core.pagination import filters_copy
from qudao.dealers.scoping import dealer_rows
from qudao.evaluation import formulas
from qudao.evaluation.choices import (
    DIMENSIONS,
    HAND_COMPONENT,
    SHORT_LABELS,
    Dimension,
    PeriodKind,
)
from qudao.evaluation.filters import ORDERING, ScorecardFilter
from qudao.evaluation.models import ComputeRun, Scorecard, ScorecardLine, ScorecardWeight
from qudao.evaluation.periods import Period, last_complete
from qudao.evaluation.services.compute import weights_by_level
from qudao.territories.models import Territory

TREND_PERIODS = 8


def visible_scorecards(user: Any) -> QuerySet[Scorecard]:
    """Scorecards of the dealers the user may see; none for dealer users (R-EV: dealers do
    not see scorecards or rankings)."""
    if user is None or not user.is_authenticated or user.is_dealer_user \
            or not user.has_perm("evaluation.view_scorecard"):
        return Scorecard.objects.none()
    return dealer_rows(Scorecard.objects.all(), user)


def periods_available(user: Any) -> list[Period]:
    """The periods that have scorecards the user may see, newest first."""
    rows = (visible_scorecards(user).order_by().values_list("period_kind", "period_start")
            .distinct())
    periods = [Period(kind, start) for kind, start in rows]
    return sorted(periods, key=lambda p: (p.end, p.start), reverse=True)


def default_period(user: Any, kind: str | None = None) -> Period:
    """The newest period with scorecards (of `kind` when given), else the last complete
    quarter (or period of `kind`)."""
    for period in periods_available(user):
        if kind is None or period.kind == kind:
            return period
    return last_complete(kind or PeriodKind.QUARTER)


def _lines_prefetch() -> Prefetch:
    return Prefetch("lines", queryset=ScorecardLine.objects.order_by("id"))


def scorecard_list(*, user: Any, filters: Any = None) -> QuerySet[Scorecard]:
    """The scorecards the user may see, filtered, highest total first, with their dealer,
    region and dimension lines (one query for the lines of a whole page)."""
    filters = filters_copy(filters)
    cards = visible_scorecards(user).select_related("dealer", "region").prefetch_related(
        _lines_prefetch()).order_by(*ORDERING["-total"])
    return ScorecardFilter(filters, queryset=cards).qs


def scorecard_get(*, user: Any, pk: int) -> Scorecard:
    """One scorecard the user may see (DoesNotExist otherwise)."""
    return (visible_scorecards(user).select_related("dealer", "region", "finalized_by",
                                                    "dealer__territory")
            .prefetch_related(_lines_prefetch()).get(pk=pk))


def dealer_scorecards(*, user: Any, dealer: Any) -> list[Scorecard]:
    """The dealer's scorecards the user may see, the shortest period ending last first
    (the page shows the first by default)."""
    return list(visible_scorecards(user).filter(dealer=dealer)
                .order_by("-period_end", "-period_start"))


def line_rows(card: Scorecard) -> list[dict[str, Any]]:
    """The dimensions of a scorecard as the page shows them: score, weight, weighted,
    where the score came from, and the formula with its inputs."""
    rows = []
    by_dimension = {line.dimension: line for line in card.lines.all()}
    for dimension in DIMENSIONS:
        line = by_dimension.get(dimension)
        if line is None:
            continue
        formula = formulas.describe(dimension, line.inputs, line.computed_score)
        if dimension in HAND_COMPONENT and line.hand_score is not None \
                and line.computed_score is not None:
            formula.append(_("with the hand score: (%(data)s + %(hand)s) / 2 = %(score)s") % {
                "data": line.computed_score, "hand": line.hand_score, "score": line.score})
        elif line.hand_score is not None and line.computed_score is None:
            formula.append(_("scored by hand: %(score)s") % {"score": line.hand_score})
        elif line.hand_score is not None:
            formula.append(_("a hand score of %(score)s is kept but not used: this dimension "
                             "is now computed from data") % {"score": line.hand_score})
        rows.append({"line": line, "dimension": dimension, "label": Dimension(dimension).label,
                     "formula": formula, "hand_allowed": line.hand_allowed})
    return rows


def radar(card: Scorecard) -> dict[str, Any]:
    """The seven dimensions for the radar chart (None where not scored)."""
    by_dimension = {line.dimension: line for line in card.lines.all()}
    return {"labels": [str(SHORT_LABELS[d]) for d in DIMENSIONS],
            "values": [float(by_dimension[d].score) if d in by_dimension
                       and by_dimension[d].score is not None else None for d in DIMENSIONS]}


def trend(*, user: Any, card: Scorecard, periods: int = TREND_PERIODS) -> dict[str, Any]:
    """The dealer's totals over its past periods of the same kind (one query)."""
    rows = list(visible_scorecards(user).filter(
        dealer_id=card.dealer_id, period_kind=card.period_kind,
        period_start__lte=card.period_start).order_by("-period_start")
        .values_list("period_start", "total")[:periods])
    rows.reverse()
    return {"periods": [Period(card.period_kind, start).label for start, _t in rows],
            "totals": [float(total) if total is not None else None for _s, total in rows]}


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    """The dealer page's scorecard panel: the latest scorecard's total, rank, its weakest
    and strongest dimensions (what a grade decision turns on), and the link to it."""
    card = (visible_scorecards(user).filter(dealer=dealer).prefetch_related(_lines_prefetch())
            .select_related("region").order_by("-period_end", "-period_start").first())
    scored = []
    if card is not None:
        scored = sorted((line for line in card.lines.all() if line.score is not None),
                        key=lambda line: line.score)
    return {"dealer": dealer, "card": card,
            "weakest": scored[:2], "strongest": scored[-2:][::-1] if len(scored) > 2 else [],
            "unscored": [line for line in (card.lines.all() if card else [])
                         if line.score is None]}


def weights_table() -> list[dict[str, Any]]:
    """Each channel level's weights by dimension, with who changed them last."""
    from qudao.dealers.choices import ChannelLevel

    weights = weights_by_level()
    changed = {(w.channel_level): w for w in ScorecardWeight.objects.select_related(
        "updated_by").order_by("updated_at")}
    return [{"level": level, "label": ChannelLevel(level).label,
             "weights": [(d, Dimension(d).label, weights[level].get(d, Decimal("0")))
                         for d in DIMENSIONS],
             "sum": sum(weights[level].values(), Decimal("0")),
             "last": changed.get(level)} for level in ChannelLevel.values]


def regions() -> QuerySet[Territory]:
    return Territory.objects.filter(depth=1).order_by("path")


def run_get(*, user: Any, pk: int) -> ComputeRun:
    """A computation the user started (HQ: any)."""
    runs = ComputeRun.objects.select_related("dealer", "created_by")
    if not user.sees_all_dealers:
        runs = runs.filter(created_by=user)
    return runs.get(pk=pk)


def scorecard_for(*, user: Any, dealer: Any, period: Period | None) -> Scorecard | None:
    """The dealer's scorecard of `period` (the latest one when None), with its lines."""
    cards = visible_scorecards(user).filter(dealer=dealer)
    if period is not None:
        cards = cards.filter(period_kind=period.kind, period_start=period.start)
    card = cards.order_by("-period_end", "-period_start").values_list("pk", flat=True).first()
    return None if card is None else scorecard_get(user=user, pk=card)

