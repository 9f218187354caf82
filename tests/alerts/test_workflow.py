"""Responding to an alert: acknowledge, record what was done, resolve or dismiss; nothing
more on a closed alert; alerts left new go to the manager once."""

import datetime

import pytest
from django.utils import timezone

from qudao.alerts import services
from qudao.alerts.models import Alert, AlertAction, Notification
from qudao.core.models import AuditEvent
from tests.alerts import dealer, flat, month, months, rule, series

JAN24, DEC25, JUNE = month(2024, 1), month(2025, 12), month(2025, 6)


@pytest.fixture
def alert(world, north_rep, north_manager) -> Alert:
    """A warning for a 河北 dealer of north_rep whose June orders fell 35% (five steady
    peers), raised by a scan and in north_rep's inbox."""
    for n in range(5):
        flat(dealer(f"HB-P{n}", world.shijiazhuang, rep=north_rep), JAN24, DEC25, 100000)
    x = dealer("HB-X", world.shijiazhuang, rep=north_rep)
    series(x, {m: 65000 if m == JUNE else 100000 for m in months(JAN24, DEC25)})
    services.scan(periods=(JUNE, JUNE), rules=[rule("order-drop-trailing")])
    return Alert.objects.get()


def _events(alert: Alert) -> list[tuple[str, dict]]:
    return [(e.event, e.data) for e in AuditEvent.objects.filter(
        target_id=str(alert.pk), event__startswith="alert.").order_by("pk")]


def _state(alert: Alert) -> tuple:
    alert.refresh_from_db()
    return (alert.status, alert.acknowledged_at, alert.closed_at, alert.closed_by_id,
            alert.close_reason, alert.actions.count(), len(_events(alert)))


@pytest.mark.django_db
def test_acknowledge_act_and_resolve(alert, north_rep):
    assert alert.status == "new" and alert.assigned_to == north_rep
    inbox = Notification.objects.get(user=north_rep, alert=alert)
    assert inbox.read_at is None

    services.alert_acknowledge(alert=alert, actor=north_rep)

    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_at is not None
    inbox.refresh_from_db()
    assert inbox.read_at is not None
    with pytest.raises(services.AlertNotNew):
        services.alert_acknowledge(alert=alert, actor=north_rep)

    today = timezone.localdate()
    call = services.alert_action_add(alert=alert, actor=north_rep, kind="call",
                                     happened_on=today - datetime.timedelta(days=1),
                                     notes="  Boss says a competitor cut prices in 唐山.  ")
    services.alert_action_add(alert=alert, actor=north_rep, kind="visit", happened_on=today,
                              notes="Agreed a promotion for July.")

    alert.refresh_from_db()
    assert alert.status == "action_taken"
    assert call.notes == "Boss says a competitor cut prices in 唐山." and call.by == north_rep
    assert list(alert.actions.values_list("kind", flat=True)) == ["visit", "call"]

    services.alert_resolve(alert=alert, actor=north_rep, reason="Orders back in July.")

    alert.refresh_from_db()
    assert alert.status == "resolved" and not alert.is_open
    assert alert.closed_by == north_rep and alert.close_reason == "Orders back in July."
    assert alert.closed_at is not None
    assert _events(alert) == [
        ("alert.acknowledged", {"status": ["new", "acknowledged"]}),
        ("alert.action_taken", {"status": ["acknowledged", "action_taken"]}),
        ("alert.resolved", {"status": ["action_taken", "resolved"],
                            "reason": "Orders back in July."}),
    ]
    # The events show on the dealer's history.
    event = AuditEvent.objects.get(event="alert.resolved")
    assert event.subject_id == str(alert.dealer_id) and event.actor == north_rep


@pytest.mark.django_db
def test_an_action_on_a_new_alert_acknowledges_it(alert, north_rep):
    services.alert_action_add(alert=alert, actor=north_rep, kind="note",
                              happened_on=timezone.localdate(), notes="Seen, calling Monday.")

    alert.refresh_from_db()
    assert alert.status == "action_taken" and alert.acknowledged_at is not None
    assert Notification.objects.get(alert=alert, user=north_rep).read_at is not None
    assert _events(alert) == [("alert.action_taken", {"status": ["new", "action_taken"]})]


@pytest.mark.django_db
def test_an_action_needs_notes_a_past_date_and_a_kind(alert, north_rep):
    before = _state(alert)
    today = timezone.localdate()
    for kind, day, notes, field in (
            ("call", today, "   ", "notes"),
            ("visit", today + datetime.timedelta(days=1), "Will visit.", "happened_on"),
            ("email", today, "Wrote to them.", "kind")):
        with pytest.raises(services.AlertInvalid) as error:
            services.alert_action_add(alert=alert, actor=north_rep, kind=kind,
                                      happened_on=day, notes=notes)
        assert set(error.value.errors) == {field}

    assert _state(alert) == before
    assert not AlertAction.objects.exists()


@pytest.mark.django_db
def test_dismissing_needs_a_reason(alert, north_manager):
    with pytest.raises(services.AlertInvalid) as error:
        services.alert_dismiss(alert=alert, actor=north_manager, reason="  ")
    assert set(error.value.errors) == {"reason"}
    assert _state(alert)[0] == "new"

    services.alert_dismiss(alert=alert, actor=north_manager,
                           reason="June was a one-off: the warehouse moved.")

    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.closed_by == north_manager
    assert alert.close_reason == "June was a one-off: the warehouse moved."
    assert _events(alert) == [("alert.dismissed", {
        "status": ["new", "dismissed"], "reason": "June was a one-off: the warehouse moved."})]


@pytest.mark.django_db
@pytest.mark.parametrize("close", ["resolve", "dismiss"])
def test_nothing_changes_on_a_closed_alert(alert, north_rep, close):
    if close == "resolve":
        services.alert_resolve(alert=alert, actor=north_rep)
    else:
        services.alert_dismiss(alert=alert, actor=north_rep, reason="False alarm.")
    closed = _state(alert)
    today = timezone.localdate()

    attempts = [
        lambda: services.alert_acknowledge(alert=alert, actor=north_rep),
        lambda: services.alert_action_add(alert=alert, actor=north_rep, kind="call",
                                          happened_on=today, notes="Called."),
        lambda: services.alert_resolve(alert=alert, actor=north_rep, reason="Again."),
        lambda: services.alert_dismiss(alert=alert, actor=north_rep, reason="Again."),
    ]
    for attempt in attempts:
        with pytest.raises(services.AlertClosed):
            attempt()

    assert _state(alert) == closed


@pytest.mark.django_db
def test_alerts_left_new_are_escalated_to_the_manager_once(alert, north_rep, north_manager):
    """The rule escalates after 3 days; the alert is a warning, so only the rep had it."""
    assert rule("order-drop-trailing").escalate_after_days == 3
    assert alert.manager == north_manager
    assert not Notification.objects.filter(user=north_manager).exists()
    raised = alert.created_at

    assert services.escalate_overdue(now=raised + datetime.timedelta(days=2, hours=23)) == 0
    assert services.escalate_overdue(now=raised + datetime.timedelta(days=3)) == 1
    assert services.escalate_overdue(now=raised + datetime.timedelta(days=9)) == 0

    escalated = Notification.objects.get(user=north_manager)
    assert (escalated.alert, escalated.reason, escalated.read_at) == (alert, "escalated", None)
    alert.refresh_from_db()
    assert alert.escalated_at == raised + datetime.timedelta(days=3)


@pytest.mark.django_db
def test_an_acknowledged_alert_is_not_escalated(alert, north_rep, north_manager):
    services.alert_acknowledge(alert=alert, actor=north_rep)

    assert services.escalate_overdue(now=alert.created_at + datetime.timedelta(days=30)) == 0
    assert not Notification.objects.filter(user=north_manager).exists()


@pytest.mark.django_db
def test_an_alert_with_no_manager_above_is_not_escalated(alert, north_manager):
    Alert.objects.filter(pk=alert.pk).update(manager=None)

    assert services.escalate_overdue(now=alert.created_at + datetime.timedelta(days=30)) == 0
