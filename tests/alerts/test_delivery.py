"""Alerts reach people: critical ones by e-mail at once, all of them in a daily digest, and
to webhooks (a real HTTP server here) that are retried with growing waits."""

import datetime
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from qudao.alerts import delivery
from qudao.alerts.models import Alert, Notification, Rule, ScanRun, WebhookDelivery, WebhookEndpoint

MARCH = datetime.date(2026, 3, 1)


class _Robot(BaseHTTPRequestHandler):
    """A chat robot that answers with the status the test sets, and keeps what it got."""

    status = 200
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server name
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    _Robot.status, _Robot.received = 200, []
    server = HTTPServer(("127.0.0.1", 0), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Robot, f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def _raise(world, user, *, severity="critical", dealer=None):
    scan = ScanRun.objects.create(kind="full", started_at=timezone.now(), first_period=MARCH,
                                  last_period=MARCH)
    dealer = dealer or world.dealer_a
    alert = Alert.objects.create(
        rule=Rule.objects.get(code="price-drop"), period=MARCH, scan=scan,
        subject_key=f"dealer:{dealer.pk}", dealer=dealer, territory=dealer.territory,
        severity=severity, value=Decimal("0.7800"), baseline=Decimal("0.9600"),
        change=Decimal("-0.1875"), assigned_to=user)
    Notification.objects.create(user=user, alert=alert, reason="assigned")
    return scan, alert


@pytest.mark.django_db
def test_critical_alerts_are_emailed_once(world, north_rep):
    north_rep.email = "rep@example.com"
    north_rep.save()
    scan, _alert = _raise(world, north_rep)
    _raise(world, north_rep, severity="warning", dealer=world.dealer_beijing)

    assert delivery.email_critical() == 1
    assert mail.outbox[0].to == ["rep@example.com"]
    assert "A0001" in mail.outbox[0].subject and "-19%" in mail.outbox[0].body
    assert "/alerts/" in mail.outbox[0].body
    assert delivery.email_critical() == 0  # not twice


@pytest.mark.django_db
def test_daily_digest_lists_each_users_open_alerts_most_severe_first(world, north_rep,
                                                                       east_rep):
    north_rep.email, east_rep.email = "rep@example.com", "east@example.com"
    north_rep.save()
    east_rep.save()
    _raise(world, north_rep, severity="warning", dealer=world.dealer_beijing)
    _scan, critical = _raise(world, north_rep)
    _scan, closed = _raise(world, east_rep, dealer=world.dealer_b)
    Alert.objects.filter(pk=closed.pk).update(status="resolved")

    assert delivery.digest_send() == 1  # the east rep's only alert is closed
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["rep@example.com"]
    assert body.index("A0001") < body.index("BJ001")  # critical before warning


@pytest.mark.django_db
def test_webhook_posts_robot_text_and_generic_json(world, north_rep, robot):
    handler, url = robot
    WebhookEndpoint.objects.create(name="华北群", url=url, format="wecom")
    WebhookEndpoint.objects.create(name="ERP", url=url, format="generic",
                                   min_severity="critical", territory=world.hb)
    WebhookEndpoint.objects.create(name="华东群", url=url, format="dingtalk",
                                   territory=world.hd)
    scan, alert = _raise(world, north_rep)

    delivery.deliver_scan(scan=scan)

    assert WebhookDelivery.objects.filter(status="sent").count() == 2  # not East China
    bodies = sorted(handler.received, key=lambda b: "msgtype" in b)
    generic, robot_text = bodies
    assert generic["rule"] == "price-drop" and generic["dealer_code"] == "A0001"
    assert generic["change"] == "-0.1875" and generic["url"].endswith(f"/alerts/{alert.pk}/")
    assert robot_text["msgtype"] == "text" and "A0001" in robot_text["text"]["content"]


@pytest.mark.django_db
def test_failed_webhook_is_retried_with_growing_waits_then_given_up(world, north_rep, robot):
    handler, url = robot
    handler.status = 500
    endpoint = WebhookEndpoint.objects.create(name="坏的", url=url)
    scan, _alert = _raise(world, north_rep)
    delivery.deliveries_queue(scan=scan)
    start = timezone.now()

    assert delivery.deliveries_send(now=start) == {"sent": 0, "retry": 1, "failed": 0}
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    assert row.attempts == 1 and row.next_attempt_at == start + datetime.timedelta(minutes=1)
    assert "500" in row.last_error
    # Not due yet: nothing is tried.
    assert delivery.deliveries_send(now=start) == {"sent": 0, "retry": 0, "failed": 0}

    moment = start
    for wait in (1, 5, 15, 60):
        moment += datetime.timedelta(minutes=wait)
        delivery.deliveries_send(now=moment)
    row.refresh_from_db()
    assert row.attempts == 5 and row.status == "pending"
    assert row.next_attempt_at == moment + datetime.timedelta(minutes=240)

    handler.status = 200
    assert delivery.deliveries_send(now=row.next_attempt_at) == {"sent": 1, "retry": 0,
                                                                "failed": 0}
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 6


@pytest.mark.django_db
def test_webhook_gives_up_after_the_last_attempt(world, north_rep):
    WebhookEndpoint.objects.create(name="无人", url="http://127.0.0.1:9/nothing")
    scan, _alert = _raise(world, north_rep)
    delivery.deliveries_queue(scan=scan)
    moment = timezone.now()
    for _n in range(WebhookDelivery.MAX_ATTEMPTS):
        delivery.deliveries_send(now=moment)
        moment += datetime.timedelta(hours=5)
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 6, None)


@pytest.mark.django_db
def test_the_scheduled_scan_sends_what_it_raised(world, north_rep, robot, settings):
    """The beat's tasks: the scan hands its alerts to delivery; retries and the digest have
    their own schedule."""
    from qudao.alerts import services, tasks
    from qudao.alerts.panel import add_months
    from qudao.analytics.models import DealerMonth

    handler, url = robot
    WebhookEndpoint.objects.create(name="群", url=url, format="feishu", min_severity="warning")
    last = services.last_complete_month()
    rows = []
    for back in range(6, -1, -1):
        month = add_months(last, -back)
        rows.append(DealerMonth(dealer=world.dealer_a, month=month, order_count=2,
                                order_amount=Decimal("50000"), list_amount=Decimal("50000"),
                                first_order_day=month, last_order_day=month))
    # Half the price in the last month: a price drop (price index 0.5 against 1.0).
    rows[-1].order_amount = Decimal("25000")
    DealerMonth.objects.bulk_create(rows)

    assert tasks.alerts_scan_task() >= 1
    assert any("msg_type" in body for body in handler.received)
    assert {"deliver-alerts", "digest-alerts"} <= set(settings.CELERY_BEAT_SCHEDULE)
    assert tasks.alerts_digest_task() == 0  # nobody here has an e-mail address
