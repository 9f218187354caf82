"""Periodic dealer-service work for Celery (beat, or eagerly without a broker): escalation of
passed deadlines and closing what dealers leave resolved."""

from celery import shared_task

from qudao.service import services


@shared_task(name="service.escalate")
def service_escalate_task() -> int:
    """Escalate every deadline passed unmet (rep first, then the regional manager); returns
    how many escalations were recorded. Safe to run twice: each passed deadline is
    escalated once per level."""
    return services.escalate_due()


@shared_task(name="service.auto_close")
def service_auto_close_task() -> int:
    """Close requests left resolved past the calendar's auto-close days; returns how many.
    Safe to run twice."""
    return services.auto_close_resolved()
