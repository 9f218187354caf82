"""Celery tasks of history imports (eager in the embedded default)."""

from celery import shared_task

from qudao.imports import services


@shared_task(name="imports.import_job_run")
def import_job_run(job_id: int) -> None:
    """Run one queued import job; running it again does nothing."""
    services.import_job_run(job_id=job_id)
