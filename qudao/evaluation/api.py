"""API of evaluation: thin handlers over queries and services.

Staff read the scorecards of the dealers they see (another dealer's answers 404); dealer
users have no access (403). Managers, the director and HQ score dimensions by hand.
"""

from decimal import Decimal

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers.choices import ChannelLevel
from qudao.evaluation import queries, services
from qudao.evaluation.models import Scorecard
from qudao.evaluation.schemas import (
    HandScoreIn,
    ScorecardDetailOut,
    ScorecardOut,
    ScorecardQuery,
    WeightOut,
)

router = Router(tags=["Dealer scorecards"])


def _card(request, scorecard_id: int) -> Scorecard:
    try:
        return queries.scorecard_get(user=request.user, pk=scorecard_id)
    except Scorecard.DoesNotExist:
        raise Http404 from None


@router.get("/scorecards", response=list[ScorecardOut])
@paginate(PageNumberPagination)
def scorecard_list(request, filters: Query[ScorecardQuery]):
    """Scorecards of the caller's dealers, highest total first (filters as on the page)."""
    require(request, "evaluation.view_scorecard")
    return queries.scorecard_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/scorecards/{scorecard_id}", response=ScorecardDetailOut)
def scorecard_detail(request, scorecard_id: int):
    """One scorecard with its seven dimensions, their inputs and formulas."""
    require(request, "evaluation.view_scorecard")
    return _card(request, scorecard_id)


@router.post("/scorecards/{scorecard_id}/hand-scores", response=ScorecardDetailOut)
def hand_score(request, scorecard_id: int, payload: HandScoreIn):
    """Score a dimension by hand (0-100 with a note) or clear it (score null). 409 when the
    scorecard is final or the dimension is computed from data."""
    require(request, "evaluation.score_scorecard")
    card = _card(request, scorecard_id)
    services.hand_score_set(actor=request.user, scorecard=card, dimension=payload.dimension,
                            score=payload.score, note=payload.note)
    return _card(request, scorecard_id)


@router.get("/scorecard-weights", response=list[WeightOut])
def weight_list(request):
    """Each channel level's weights of the seven dimensions."""
    require(request, "evaluation.view_scorecard")
    weights = services.weights_by_level()
    return [{"channel_level": level, "weights": weights[level],
             "sum": sum(weights[level].values(), Decimal("0"))}
            for level in ChannelLevel.values]
