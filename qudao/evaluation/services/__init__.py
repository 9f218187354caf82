"""Writes of dealer scorecards: computing a period (compute.py) and everything else
(scoring.py: hand scores, finalization, ranks, weights, computation runs)."""

from qudao.evaluation.services.compute import compute, weights_by_level
from qudao.evaluation.services.scoring import (
    hand_score_set,
    period_compute_now,
    period_finalize,
    period_for,
    ranks_refresh,
    run_execute,
    run_start,
    scorecard_finalize,
    weights_set,
)

__all__ = ["compute", "hand_score_set", "period_compute_now", "period_finalize",
           "period_for", "ranks_refresh", "run_execute", "run_start", "scorecard_finalize",
           "weights_by_level", "weights_set"]
