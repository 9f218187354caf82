"""Celery tasks of dealer scorecards (eager in the embedded default)."""

from celery import shared_task

from qudao.evaluation import services


@shared_task(name="evaluation.compute")
def evaluation_compute(run_id: int) -> int:
    """Run one queued scorecard computation; returns the scorecards written. Running it
    again does nothing."""
    return services.run_execute(run_id=run_id).written
