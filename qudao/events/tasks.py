"""Periodic event work for Celery (beat, or eagerly without a broker)."""

from celery import shared_task

from qudao.events import services


@shared_task(name="events.close_past")
def events_close_past_task() -> int:
    """Close the published events that ended more than a day ago; returns how many.
    Safe to run twice: a closed event is not closed again."""
    return services.close_past()
