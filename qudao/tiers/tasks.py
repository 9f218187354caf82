"""Tier work for Celery (a worker, or eagerly without a broker)."""

from celery import shared_task

from qudao.tiers import services


@shared_task(name="tiers.review_run")
def tier_review_run_task(review_id: int, actor_id: int) -> int:
    """Run a tier review over the runner's dealers; returns the suggestions it holds.
    Safe to run twice: pending suggestions are updated, none duplicated."""
    return services.review_run(review_id=review_id, actor_id=actor_id).changes


@shared_task(name="tiers.probations_overdue")
def tier_probations_overdue_task() -> int:
    """Daily: mark probations past their deadline as overdue; returns how many."""
    return services.probations_overdue_mark()
