"""Periodic agreement work for Celery (run daily by beat, or eagerly without a broker)."""

from celery import shared_task

from qudao.agreements import services


@shared_task(name="agreements.expire")
def agreements_expire_task(today: str | None = None) -> int:
    """Expire the active agreements whose term has ended; safe to run twice.

    `today` (YYYY-MM-DD) is for replays; the default is the business date in Asia/Shanghai.
    """
    from datetime import date

    return services.agreements_expire(date.fromisoformat(today) if today else None)
