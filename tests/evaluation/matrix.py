"""Access-matrix entries of the evaluation routes (see tests/api/test_access_matrix.py).

Scorecards belong to a dealer: staff with the scorecard permission see those of the dealers
they see (another dealer's answers 404); dealer users get 403 everywhere. The weights are
the company's, the same for every staff role (tests/evaluation/test_api.py).
"""

from qudao.evaluation import services
from qudao.evaluation.models import Scorecard
from tests.evaluation.factories import Q1


def _scorecards(world) -> dict:
    """One 2025 Q1 scorecard per dealer of the world (computed once)."""
    if not Scorecard.objects.filter(period_kind=Q1.kind, period_start=Q1.start).exists():
        services.compute(period=Q1)
    return dict(Scorecard.objects.filter(period_kind=Q1.kind, period_start=Q1.start)
                .values_list("dealer__code", "pk"))


ROUTES: dict = {
    ("get", "/api/scorecards"): "scoped_list",
    ("get", "/api/scorecards/{scorecard_id}"): "scorecard_read",
    ("post", "/api/scorecards/{scorecard_id}/hand-scores"): "scorecard_write",
    ("get", "/api/scorecard-weights"): "self",
}
RECORDS: dict = {"scorecard": ("scorecard_id", _scorecards)}
