"""Periodic analytics work for Celery (beat every ten minutes, or eagerly)."""

from celery import shared_task

from qudao.analytics import services


@shared_task(name="analytics.refresh_facts")
def facts_refresh_task() -> int:
    """Rewrite the dealer-months changed since the last run; safe to run twice."""
    return services.facts_refresh().dealer_months
