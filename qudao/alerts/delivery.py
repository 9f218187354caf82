"""Getting alerts to people: e-mail for critical ones at once, a daily digest per user, and
webhooks (JSON POST, retried with growing waits) that group-chat robots understand."""

import datetime
import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qudao.alerts.choices import OPEN_STATUSES, SEVERITY_RANK, Severity
from qudao.alerts.models import Alert, Notification, ScanRun, WebhookDelivery, WebhookEndpoint

TIMEOUT_SECONDS = 10
# Waits after the 1st, 2nd, ... failed attempt.
BACKOFF = [datetime.timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]
DIGEST_SHOWN = 20


def _link(alert: Alert) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("alerts:alert_detail", args=[alert.pk])


def _subject(alert: Alert) -> str:
    if alert.dealer_id:
        return f"{alert.dealer.code} {alert.dealer.name}"
    if alert.rep_id:
        return str(alert.rep)
    if alert.product_id:
        return f"{alert.product.sku} {alert.product.name}"
    return alert.territory.name if alert.territory_id else alert.subject_key


def alert_text(alert: Alert) -> str:
    """One alert in a few lines of plain text (e-mail, chat robots)."""
    lines = [f"[{alert.get_severity_display()}] {alert.rule.display_name}",
             f"{_subject(alert)} · {alert.period:%Y-%m}"]
    if alert.value is not None and alert.baseline is not None:
        figures = f"{alert.value.normalize():f} / {alert.baseline.normalize():f}"
        if alert.change is not None:
            figures += f" ({alert.change * 100:+.0f}%)"
        lines.append(figures)
    lines.append(_link(alert))
    return "\n".join(lines)


# -- e-mail ---------------------------------------------------------------------------------

def email_critical(*, scan: ScanRun | None = None) -> int:
    """E-mail each not yet e-mailed notification of a critical open alert; returns how many
    went out. Users without an address are skipped (the inbox still has them)."""
    notes = (Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True,
                                         alert__severity=Severity.CRITICAL,
                                         alert__status__in=OPEN_STATUSES)
             .exclude(user__email="").select_related("user", "alert", "alert__rule",
                                                     "alert__dealer", "alert__rep",
                                                     "alert__territory", "alert__product"))
    if scan is not None:
        notes = notes.filter(alert__scan=scan)
    sent = 0
    for note in notes:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Alert: %(rule)s · %(subject)s") % {
                "rule": note.alert.rule.display_name, "subject": _subject(note.alert)}
            send_mail(subject, alert_text(note.alert), None, [note.user.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def digest_send(*, now: datetime.datetime | None = None) -> int:
    """One e-mail per user with open alerts assigned to them or waiting unread in their
    inbox: counts by severity and the most severe first. Returns e-mails sent."""
    now = now or timezone.now()
    from qudao.accounts.models import User

    users = User.objects.filter(is_active=True).exclude(email="").filter(
        Q(alerts_assigned__status__in=OPEN_STATUSES)
        | Q(alert_notifications__read_at__isnull=True,
            alert_notifications__alert__status__in=OPEN_STATUSES)).distinct()
    sent = 0
    for user in users:
        alerts = list(Alert.objects.filter(
            Q(assigned_to=user) | Q(notifications__user=user, notifications__read_at__isnull=True),
            status__in=OPEN_STATUSES).distinct().select_related(
            "rule", "dealer", "rep", "territory", "product").order_by("-period", "-id"))
        if not alerts:
            continue
        alerts.sort(key=lambda a: (-SEVERITY_RANK[Severity(a.severity)], -a.period.toordinal()))
        counts = {s.label: sum(1 for a in alerts if a.severity == s) for s in Severity}
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("alerts/digest.txt", {
                "user": user, "alerts": alerts[:DIGEST_SHOWN], "more": len(alerts) - DIGEST_SHOWN,
                "counts": counts, "texts": [alert_text(a) for a in alerts[:DIGEST_SHOWN]],
                "day": timezone.localtime(now).date(),
                "inbox": settings.SITE_URL.rstrip("/") + reverse("alerts:inbox")})
            subject = _("Early warning digest: %(n)d open alerts") % {"n": len(alerts)}
            send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


# -- webhooks -------------------------------------------------------------------------------

def payload(endpoint: WebhookEndpoint, alert: Alert) -> dict[str, Any]:
    """The body for the endpoint's format."""
    text = alert_text(alert)
    if endpoint.format in (WebhookEndpoint.Format.WECOM, WebhookEndpoint.Format.DINGTALK):
        return {"msgtype": "text", "text": {"content": text}}
    if endpoint.format == WebhookEndpoint.Format.FEISHU:
        return {"msg_type": "text", "content": {"text": text}}
    return {"event": "alert.raised", "id": alert.pk, "rule": alert.rule.code,
            "rule_name": str(alert.rule.display_name), "severity": alert.severity,
            "period": alert.period.isoformat(), "subject": alert.subject_key,
            "dealer_code": alert.dealer.code if alert.dealer_id else None,
            "value": None if alert.value is None else str(alert.value),
            "baseline": None if alert.baseline is None else str(alert.baseline),
            "change": None if alert.change is None else str(alert.change),
            "peer_median": None if alert.peer_median is None else str(alert.peer_median),
            "url": _link(alert), "text": text}


def deliveries_queue(*, scan: ScanRun) -> int:
    """A delivery for each active endpoint and each alert the scan raised at or above the
    endpoint's severity (and in its region, when it has one)."""
    rows = []
    alerts = list(Alert.objects.filter(scan=scan).select_related("territory"))
    now = timezone.now()
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).select_related("territory"):
        floor = SEVERITY_RANK[Severity(endpoint.min_severity)]
        for alert in alerts:
            if SEVERITY_RANK[Severity(alert.severity)] < floor:
                continue
            if endpoint.territory_id and not (alert.territory_id and alert.territory.path
                                              .startswith(endpoint.territory.path)):
                continue
            rows.append(WebhookDelivery(endpoint=endpoint, alert=alert, next_attempt_at=now))
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def _post(url: str, body: dict[str, Any]) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) address: {url}")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",  # noqa: S310 - checked

                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "Qudao-alerts/1"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if response.status >= 300:
            raise urllib.error.HTTPError(url, response.status, "not accepted", None, None)


def deliveries_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Try every delivery that is due; a failure waits BACKOFF[attempt] before the next try
    and gives up after MAX_ATTEMPTS. Returns counts of sent, retried and given up."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING,
                                              next_attempt_at__lte=now)
               .select_related("endpoint", "alert", "alert__rule", "alert__dealer",
                               "alert__rep", "alert__territory", "alert__product")
               .order_by("next_attempt_at"))
    for delivery in due:
        try:
            with translation.override(settings.LANGUAGE_CODE):
                body = payload(delivery.endpoint, delivery.alert)
            _post(delivery.endpoint.url, body)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            delivery.attempts += 1
            delivery.last_error = str(exc)[:300]
            if delivery.attempts >= WebhookDelivery.MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
                counts["failed"] += 1
            else:
                wait = BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)]
                delivery.next_attempt_at = now + wait
                counts["retry"] += 1
        else:
            delivery.attempts += 1
            delivery.status, delivery.sent_at = WebhookDelivery.Status.SENT, now
            delivery.next_attempt_at, delivery.last_error = None, ""
            counts["sent"] += 1
        with transaction.atomic():
            delivery.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at",
                                         "last_error"])
    return counts


def deliver_scan(*, scan: ScanRun) -> None:
    """What a scan does once its alerts are written: e-mail the critical ones, queue and
    try the webhooks."""
    email_critical(scan=scan)
    if deliveries_queue(scan=scan):
        deliveries_send()
