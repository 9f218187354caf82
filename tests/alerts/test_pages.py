"""Early-warning pages and API: what each role sees, the response workflow by hand, the rule
editor and its preview, the export, and query counts that do not grow with the rows."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from qudao.alerts.models import Alert, AlertAction, Notification, Rule, WebhookEndpoint
from qudao.core.models import AuditEvent

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _alert(dealer, code="order-drop-trailing", period=MARCH, **fields) -> Alert:
    rule = Rule.objects.get(code=code)
    values = {"severity": "warning", "value": Decimal("52000.0000"),
              "baseline": Decimal("100000.0000"), "change": Decimal("-0.4800"),
              "peer_median": Decimal("-0.0500"),
              "details": {"unit": "money", "params": {"threshold": 0.3},
                          "series": {"months": ["2026-02", "2026-03"],
                                     "values": ["98000.00", "52000.00"]}}}
    values.update(fields)
    return Alert.objects.create(rule=rule, period=period, subject_key=f"dealer:{dealer.pk}",
                                dealer=dealer, territory=dealer.territory, **values)


@pytest.fixture
def alerts(world, north_rep):
    a = _alert(world.dealer_a, assigned_to=north_rep)
    bj = _alert(world.dealer_beijing, code="price-drop", severity="critical",
                value=Decimal("0.7800"), baseline=Decimal("0.9600"), change=Decimal("-0.1875"))
    b = _alert(world.dealer_b, code="stopped-ordering", change=None, peer_median=None,
               value=Decimal("61"), baseline=Decimal("12"))
    Notification.objects.create(user=north_rep, alert=a, reason="assigned")
    return a, bj, b


@pytest.mark.django_db
def test_dashboard_counts_only_the_managers_regions(alerts, north_manager, hq_admin, login):
    client = login(north_manager)
    page = client.get("/alerts/").content.decode()
    assert 'data-testid="severity-critical"' in page
    board = client.get("/alerts/").context["board"]
    assert board["open_total"] == 2  # Hebei and Beijing, not Hangzhou
    assert {row["rule"].code: row["count"] for row in board["by_rule"]} == {
        "order-drop-trailing": 1, "price-drop": 1}
    assert {str(r["territory"].code): r["count"] for r in board["by_region"]} == {
        "130000": 1, "110000": 1}
    assert sum(sum(s["data"]) for s in board["trend"]["series"]) in (0, 2)

    board = login(hq_admin).get("/alerts/").context["board"]
    assert board["open_total"] == 3


@pytest.mark.django_db
def test_dealers_see_no_alerts(alerts, dealer_a_admin, login):
    client = login(dealer_a_admin)
    assert client.get("/alerts/").status_code == 403
    assert client.get(f"/alerts/{alerts[0].pk}/").status_code == 403
    assert client.get("/api/alerts").status_code == 403


@pytest.mark.django_db
def test_list_filters_and_export_with_the_same_filters(alerts, hq_admin, login):
    client = login(hq_admin)
    page = client.get("/alerts/list/?severity=critical")
    assert [a.dealer.code for a in page.context["page"].object_list] == ["BJ001"]
    page = client.get("/alerts/list/?q=A0001")
    assert [a.dealer.code for a in page.context["page"].object_list] == ["A0001"]
    Alert.objects.filter(pk=alerts[2].pk).update(status="dismissed")
    assert len(client.get("/alerts/list/").context["page"].object_list) == 2
    assert len(client.get("/alerts/list/?state=all").context["page"].object_list) == 3

    response = client.get("/alerts/export/?severity=critical")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "BJ001" and rows[1][0] == "2026-03"


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_rows(world, hq_admin, login):
    client = login(hq_admin)
    _alert(world.dealer_a)
    client.get("/alerts/list/")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get("/alerts/list/")
    for n, dealer in enumerate([world.dealer_b, world.dealer_beijing, world.dealer_a_sub]):
        _alert(dealer, period=datetime.date(2026, 1 + n, 1))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/alerts/list/").context["page"].object_list) == 4
    assert len(many) == len(few)


@pytest.mark.django_db
def test_detail_explains_the_numbers_and_marks_the_inbox_read(alerts, north_rep, login):
    client = login(north_rep)
    assert client.get("/alerts/").context["alerts_unread"] == 1
    page = client.get(f"/alerts/{alerts[0].pk}/").content.decode()
    assert "¥52,000.00" in page and "¥100,000.00" in page and "-48%" in page and "-5%" in page
    assert "Average of the months before" in page
    # A visit with check-in and photos is logged in the visits app, linked to the alert.
    assert (f'/visits/new/?kind=visit&amp;dealer={alerts[0].dealer_id}&amp;alert={alerts[0].pk}'
            in page)
    assert Notification.objects.get(alert=alerts[0]).read_at is not None
    assert client.get("/alerts/inbox/").status_code == 200
    # Beijing is not his: 404, not a peek.
    assert client.get(f"/alerts/{alerts[1].pk}/").status_code == 404


@pytest.mark.django_db
def test_critical_alert_prompts_a_visit(alerts, north_manager, login):
    page = login(north_manager).get(f"/alerts/{alerts[1].pk}/").content.decode()
    assert 'data-testid="visit-hint"' in page


@pytest.mark.django_db
def test_workflow_by_hand(alerts, north_rep, login):
    client = login(north_rep)
    alert = alerts[0]
    client.post(f"/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_at is not None

    # Notes are required: nothing is recorded without them.
    response = client.post(f"/alerts/{alert.pk}/actions/", {
        "kind": "visit", "happened_on": "2026-03-20", "notes": ""}, follow=True)
    assert "What was found and agreed" in response.content.decode()
    assert not AlertAction.objects.exists()

    client.post(f"/alerts/{alert.pk}/actions/", {
        "kind": "visit", "happened_on": "2026-03-20", "notes": "库存积压,约定4月促销"})
    alert.refresh_from_db()
    assert alert.status == "action_taken"
    action = AlertAction.objects.get()
    assert (action.kind, action.by, action.happened_on) == ("visit", north_rep,
                                                            datetime.date(2026, 3, 20))

    # Dismissing needs a reason; resolving does not.
    response = client.post(f"/alerts/{alert.pk}/dismiss/", {"reason": ""}, follow=True)
    alert.refresh_from_db()
    assert alert.status == "action_taken"
    client.post(f"/alerts/{alert.pk}/resolve/", {"reason": "4月订货恢复"})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.closed_by == north_rep
    events = set(AuditEvent.objects.filter(target_id=str(alert.pk)).values_list("event",
                                                                              flat=True))
    assert events == {"alert.acknowledged", "alert.action_taken", "alert.resolved"}


@pytest.mark.django_db
def test_finance_sees_but_does_not_handle(alerts, finance, login):
    client = login(finance)
    assert client.get(f"/alerts/{alerts[0].pk}/").status_code == 200
    assert client.post(f"/alerts/{alerts[0].pk}/acknowledge/").status_code == 403
    alerts[0].refresh_from_db()
    assert alerts[0].status == "new"


@pytest.mark.django_db
def test_rule_editor_saves_with_audit_and_previews_without_saving(world, hq_admin,
                                                                 north_rep, login):
    rule = Rule.objects.get(code="order-drop-yoy")
    assert login(north_rep).get(f"/alerts/rules/{rule.pk}/").status_code == 403
    client = login(hq_admin)
    form = {"severity": "critical", "comparison": "vertical", "escalate_after_days": 5,
            "param_measure": "amount", "param_basis": "yoy", "param_window": 3,
            "param_threshold": "0.35", "param_min_base": "20000", "channel_levels": ["tier1"],
            "territories": [world.hb.pk]}
    response = client.post(f"/alerts/rules/{rule.pk}/", {**form, "preview": "1"},
                           HTTP_HX_REQUEST="true")
    assert 'data-testid="rule-preview"' in response.content.decode()
    assert len(response.context["preview"]) == 12
    rule.refresh_from_db()
    assert rule.enabled and rule.params["threshold"] == 0.25  # preview saved nothing

    client.post(f"/alerts/rules/{rule.pk}/", form)
    rule.refresh_from_db()
    assert (rule.enabled, rule.severity, rule.params["threshold"], rule.params["min_base"],
            rule.channel_levels, rule.escalate_after_days) == (
        False, "critical", 0.35, 20000, ["tier1"], 5)
    assert list(rule.territories.values_list("code", flat=True)) == ["HB"]
    assert AuditEvent.objects.filter(event="alert_rule.updated").count() == 1


@pytest.mark.django_db
def test_dealer_page_shows_its_open_alerts(alerts, hq_admin, login):
    client = login(hq_admin)
    panel = client.get(f"/dealers/{alerts[0].dealer_id}/panels/alerts/").content.decode()
    assert "Orders drop against the last 3 months" in panel


@pytest.mark.django_db
def test_api_workflow_and_errors(alerts, north_rep, hq_admin, client):
    client.force_login(north_rep)
    alert = alerts[0]
    body = client.get("/api/alerts").json()
    assert [item["rule_code"] for item in body["items"]] == ["order-drop-trailing"]
    assert client.post(f"/api/alerts/{alert.pk}/acknowledge").json()["status"] == "acknowledged"
    # Acknowledging twice is a conflict with a reason.
    assert client.post(f"/api/alerts/{alert.pk}/acknowledge").status_code == 409
    response = client.post(f"/api/alerts/{alert.pk}/actions",
                           {"kind": "call", "notes": "电话沟通:资金紧张"},
                           content_type="application/json")
    assert response.status_code == 201
    assert response.json()["actions"][0]["kind"] == "call"
    assert client.post(f"/api/alerts/{alert.pk}/dismiss", {},
                       content_type="application/json").status_code == 409
    assert client.post(f"/api/alerts/{alert.pk}/dismiss", {"reason": "季节性备货"},
                       content_type="application/json").json()["status"] == "dismissed"

    rule = Rule.objects.get(code="price-drop")
    assert client.patch(f"/api/alert-rules/{rule.pk}", {"enabled": False},
                        content_type="application/json").status_code == 403
    client.force_login(hq_admin)
    response = client.patch(f"/api/alert-rules/{rule.pk}", {"params": {"threshold": 0.1}},
                            content_type="application/json")
    assert response.json()["params"] == {"window": 3, "threshold": 0.1, "min_base": 5000}
    response = client.patch(f"/api/alert-rules/{rule.pk}", {"params": {"speed": 1}},
                            content_type="application/json")
    assert response.status_code == 409 and "speed" in response.json()["message"]
    response = client.patch(f"/api/alert-rules/{rule.pk}", {"territory_ids": [999999]},
                            content_type="application/json")
    assert response.status_code == 409 and "999999" in response.json()["message"]
    assert not rule.territories.exists()


@pytest.mark.django_db
def test_hq_manages_webhooks_with_audit(world, hq_admin, north_manager, login):
    assert login(north_manager).get("/alerts/webhooks/").status_code == 403
    client = login(hq_admin)
    response = client.post("/alerts/webhooks/new/", {
        "name": "华北群", "url": "not a url", "format": "wecom", "min_severity": "warning"})
    assert "Enter a valid URL." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    client.post("/alerts/webhooks/new/", {
        "name": "华北群", "url": "https://qyapi.example.com/send?key=1", "format": "wecom",
        "min_severity": "critical", "territory": world.hb.pk, "is_active": "on"})
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.format, endpoint.min_severity, endpoint.territory) == (
        "wecom", "critical", world.hb)
    assert "华北群" in client.get("/alerts/webhooks/").content.decode()
    client.post(f"/alerts/webhooks/{endpoint.pk}/", {"delete": "1"})
    assert not WebhookEndpoint.objects.exists()
    assert list(AuditEvent.objects.filter(event__startswith="alert_webhook").order_by("pk")
                .values_list("event", flat=True)) == ["alert_webhook.added",
                                                      "alert_webhook.deleted"]


@pytest.mark.django_db
def test_channel_review_shows_what_concentrated(world, hq_admin, north_manager, east_rep,
                                                login):
    review = Alert.objects.create(
        rule=Rule.objects.get(code="channel-review"), period=MARCH,
        subject_key=f"territory:{world.hebei.pk}", territory=world.hebei, severity="warning",
        value=Decimal("0.2500"), baseline=Decimal("0.2000"), manager=north_manager,
        assigned_to=north_manager,
        details={"unit": "ratio", "judged": 24, "alerted": 6,
                 "rules": {"order-drop-yoy": 2, "overdue-30": 4}})
    page = login(hq_admin).get(f"/alerts/{review.pk}/").content.decode()
    assert "24 / 6" in page and "25%" in page and "20%" in page
    assert "Overdue beyond 30 days rising: 4 · Orders down on the same month last year: 2" in page
    # The manager of the region sees it; a rep of another region does not.
    assert login(north_manager).get(f"/alerts/{review.pk}/").status_code == 200
    assert login(east_rep).get(f"/alerts/{review.pk}/").status_code == 404
