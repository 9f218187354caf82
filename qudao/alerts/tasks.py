"""Periodic early-warning work for Celery (beat, or eagerly without a broker): the daily
full scan, the scan of what changed since, and escalation of alerts left unacknowledged."""

from celery import shared_task

from qudao.alerts import delivery, services


@shared_task(name="alerts.scan")
def alerts_scan_task() -> int:
    """Judge every dealer in the last complete month, then send what it raised (critical
    alerts by e-mail, all of them to the webhooks); returns the alerts raised. Safe to run
    twice: an alert already raised is not raised or sent again."""
    run = services.scan()
    delivery.deliver_scan(scan=run)
    return run.raised


@shared_task(name="alerts.scan_changed")
def alerts_scan_changed_task() -> int:
    """Refresh the dealer-month facts, then judge again the dealers whose facts changed;
    returns the alerts raised. Safe to run twice."""
    from qudao.analytics import services as analytics_services

    analytics_services.facts_refresh()
    run = services.scan_changed()
    if run is None:
        return 0
    delivery.deliver_scan(scan=run)
    return run.raised


@shared_task(name="alerts.escalate")
def alerts_escalate_task() -> int:
    """Send alerts left new past their rule's days to the regional manager; returns how
    many. Safe to run twice: an alert is escalated once."""
    return services.escalate_overdue()


@shared_task(name="alerts.deliver")
def alerts_deliver_task() -> dict[str, int]:
    """Try the webhook deliveries that are due (first tries and retries after a failure)."""
    return delivery.deliveries_send()


@shared_task(name="alerts.digest")
def alerts_digest_task() -> int:
    """The morning e-mail: each user's open alerts; returns the e-mails sent."""
    return delivery.digest_send()
