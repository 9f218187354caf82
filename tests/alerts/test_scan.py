"""The scan: raises each alert once, judges changed dealers against the full scan's peers,
sends alerts to the dealer's rep and the nearest manager, previews and edits rules, and
runs from Celery beat and the command line."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from qudao.alerts import services, tasks
from qudao.alerts.models import Alert, Notification, Rule, ScanRun
from qudao.alerts.panel import add_months
from qudao.alerts.services import scanning
from qudao.analytics import services as analytics_services
from qudao.core.models import AuditEvent
from qudao.orders.models import OrderLine
from qudao.territories.models import TerritoryAssignment
from tests.alerts import D, dealer, figures, flat, found, month, months, rule, series
from tests.factories import ProductFactory, UserFactory
from tests.finance.factories import OrderFactory

JAN24, DEC25 = month(2024, 1), month(2025, 12)
JUNE = month(2025, 6)


def _drop_in_june(dealer_obj, low: int) -> None:
    series(dealer_obj, {m: low if m == JUNE else 100000 for m in months(JAN24, DEC25)})


@pytest.fixture
def hebei(world, north_rep, north_manager):
    """Five 河北 tier-1 dealers of north_rep ordering 100,000 a month, none changing."""
    for n in range(5):
        flat(dealer(f"HB-P{n}", world.shijiazhuang, rep=north_rep), JAN24, DEC25, 100000)


# -- once, to the right people ---------------------------------------------------------------

@pytest.mark.django_db
def test_a_rescan_raises_nothing_twice_and_notifies_once(world, hebei, north_rep,
                                                         north_manager):
    _drop_in_june(dealer("HB-CRIT", world.shijiazhuang, rep=north_rep), 40000)
    _drop_in_june(dealer("HB-WARN", world.shijiazhuang, rep=north_rep), 65000)
    trailing = [rule("order-drop-trailing")]

    first = services.scan(periods=(JUNE, JUNE), rules=trailing)
    again = services.scan(periods=(month(2025, 1), DEC25), rules=trailing)

    assert (first.raised, again.raised) == (2, 0)
    assert found() == {("order-drop-trailing", "HB-CRIT", JUNE),
                       ("order-drop-trailing", "HB-WARN", JUNE)}
    assert set(Alert.objects.values_list("scan", flat=True)) == {first.pk}
    # The rep gets both; the manager only the critical one.
    inbox = {(n.user.username, n.alert.dealer.code, n.reason)
             for n in Notification.objects.select_related("user", "alert__dealer")}
    assert inbox == {("north_rep", "HB-CRIT", "assigned"), ("north_rep", "HB-WARN", "assigned"),
                     ("north_manager", "HB-CRIT", "assigned")}


@pytest.mark.django_db
def test_alerts_go_to_the_dealers_rep_and_the_nearest_manager(world, north_rep, east_rep,
                                                              north_manager):
    hebei_manager = UserFactory(username="hebei_manager", role="regional_manager")
    TerritoryAssignment.objects.create(user=hebei_manager, territory=world.hebei,
                                       role="manager")
    for code, territory, rep in (("SJZ", world.shijiazhuang, north_rep),
                                 ("BJ", world.dongcheng, None),
                                 ("HZ", world.hangzhou, east_rep)):
        _drop_in_june(dealer(code, territory, rep=rep), 20000)  # -80%, twice 40%: critical

    services.scan(periods=(JUNE, JUNE), rules=[rule("order-drop-mom")])

    owners = {a.dealer.code: (a.assigned_to and a.assigned_to.username,
                              a.manager and a.manager.username, a.severity)
              for a in Alert.objects.select_related("dealer", "assigned_to", "manager")}
    # 石家庄 is under 河北's manager before 华北's; 北京 only under 华北; 浙江 has none.
    assert owners == {"SJZ": ("north_rep", "hebei_manager", "critical"),
                      "BJ": (None, "north_manager", "critical"),
                      "HZ": ("east_rep", None, "critical")}
    inbox = {(n.user.username, n.alert.dealer.code)
             for n in Notification.objects.select_related("user", "alert__dealer")}
    assert inbox == {("north_rep", "SJZ"), ("hebei_manager", "SJZ"), ("north_manager", "BJ"),
                     ("east_rep", "HZ")}


# -- incremental -----------------------------------------------------------------------------

@pytest.fixture
def spread(world, north_rep):
    """Six 河北 tier-1 dealers whose June differs from their usual 100,000: -5%, -2%, +3%,
    +6%, +8% and X at -10%. Median change: (-2% + 3%) / 2 = 0.5%."""
    for n, june in enumerate((95000, 98000, 103000, 106000, 108000)):
        series(dealer(f"HB-P{n}", world.shijiazhuang, rep=north_rep),
               {m: june if m == JUNE else 100000 for m in months(JAN24, DEC25)})
    x = dealer("HB-X", world.shijiazhuang, rep=north_rep)
    _drop_in_june(x, 90000)
    return x


def _x_falls_to(x, amount: int) -> None:
    from qudao.analytics.models import DealerMonth

    DealerMonth.objects.filter(dealer=x, month=JUNE).update(order_amount=D(amount),
                                                            list_amount=D(amount))


@pytest.mark.django_db
def test_a_scan_of_changed_dealers_meets_the_full_scans_peers(world, spread):
    full = services.scan(periods=(JUNE, JUNE))
    assert full.raised == 0
    assert full.peer_stats["order-drop-trailing"][JUNE.isoformat()] == {
        f"{world.hebei.pk}:tier1": pytest.approx(0.005)}
    _x_falls_to(spread, 55000)  # -45%; the median stays 0.5%: X was below it already

    incremental = services.scan(periods=(JUNE, JUNE), dealer_ids=[spread.pk],
                                kind="incremental")

    assert (incremental.dealers, incremental.raised) == (1, 3)
    assert found() == {(code, "HB-X", JUNE) for code in ("order-drop-trailing",
                                                          "order-drop-mom", "order-drop-yoy")}
    judged = {a.rule.code: figures(a) for a in Alert.objects.select_related("rule")}
    # Against 0.5% up among peers, -45% is -45.3%; alone it would have no peer median.
    assert judged["order-drop-trailing"] == (D("55000"), D("100000"), D("-0.45"),
                                             D("0.005"), "warning")
    assert Alert.objects.get(rule__code="order-drop-trailing").details["adjusted"] == "-0.4527"

    # A full scan now finds the same alerts with the same figures.
    Alert.objects.all().delete()
    services.scan(periods=(JUNE, JUNE))
    assert {a.rule.code: figures(a) for a in Alert.objects.select_related("rule")} == judged


@pytest.mark.django_db
def test_the_medians_come_from_the_stored_full_scan(world, spread):
    full = services.scan(periods=(JUNE, JUNE))
    stored = full.peer_stats["order-drop-trailing"]
    stored[JUNE.isoformat()][f"{world.hebei.pk}:tier1"] = 0.2  # as if peers had grown 20%
    full.save()
    _x_falls_to(spread, 55000)

    services.scan(periods=(JUNE, JUNE), dealer_ids=[spread.pk], kind="incremental",
                  rules=[rule("order-drop-trailing")])

    alert = Alert.objects.get()
    assert alert.peer_median == D("0.2") and alert.details["adjusted"] == "-0.5417"


@pytest.mark.django_db
def test_a_scan_of_some_dealers_without_a_full_scan_reads_every_peer(spread):
    _x_falls_to(spread, 55000)

    run = services.scan(periods=(JUNE, JUNE), dealer_ids=[spread.pk], kind="dealer")

    assert run.dealers == 1
    assert Alert.objects.get(rule__code="order-drop-trailing").peer_median == D("0.005")


def _order(dealer_obj, day: datetime.date, amount: int, product, status="closed"):
    """An order of one line, `amount` at list price."""
    order = OrderFactory(dealer=dealer_obj, ordered_on=day, status=status,
                         total_amount=D(amount), total_quantity=amount // 100)
    OrderLine.objects.create(order=order, dealer=dealer_obj, ordered_on=day, product=product,
                             quantity=amount // 100, list_price=D("100.00"),
                             unit_price=D("100.00"), amount=D(amount))
    return order


@pytest.mark.django_db
def test_scan_changed_after_the_facts_refresh_judges_the_changed_dealer(world, north_rep):
    """Six dealers order twice a month (2 × 50,000) over the last six complete months; one
    of the last month's orders of X is then cancelled."""
    last = services.last_complete_month()
    product = ProductFactory()
    late = {}
    for n in range(6):
        each = dealer(f"HB-{n}", world.shijiazhuang, rep=north_rep)
        for m in months(add_months(last, -5), last):
            _order(each, m.replace(day=3), 50000, product)
            late[each.code] = _order(each, m.replace(day=17), 50000, product)
    analytics_services.facts_rebuild()

    first = services.scan_changed()  # no full scan of the month yet: this is it
    assert (first.kind, first.dealers, first.raised) == ("full", 6, 0)
    assert services.scan_changed() is None  # nothing changed since

    cancelled = late["HB-0"]
    cancelled.status = "cancelled"
    cancelled.save()
    analytics_services.facts_refresh()
    run = services.scan_changed()

    assert (run.kind, run.dealers) == ("incremental", 1)
    assert found() == {("order-drop-trailing", "HB-0", last), ("order-drop-mom", "HB-0", last)}
    assert figures(Alert.objects.get(rule__code="order-drop-mom")) == (
        D("50000"), D("100000"), D("-0.5"), D("0"), "warning")
    assert services.scan_changed() is None


def _six_ordering_twice_a_month(world, north_rep) -> tuple[dict, object]:
    """As above: six dealers, 2 × 50,000 a month over the last six complete months, the
    facts rebuilt and the month's full scan run; returns each dealer's last late order (by
    dealer code) and the product ordered."""
    last = services.last_complete_month()
    product = ProductFactory()
    late = {}
    for n in range(6):
        each = dealer(f"HB-{n}", world.shijiazhuang, rep=north_rep)
        for m in months(add_months(last, -5), last):
            _order(each, m.replace(day=3), 50000, product)
            late[each.code] = _order(each, m.replace(day=17), 50000, product)
    analytics_services.facts_rebuild()
    assert services.scan_changed().kind == "full"
    return late, product


@pytest.mark.django_db
def test_scan_changed_judges_what_the_refreshes_since_the_last_scan_recorded(
        world, north_rep, monkeypatch):
    """Two refreshes after the month's full scan, each taking in one cancelled order: the
    scan judges both dealers from what the refreshes recorded, without searching the
    transactions again; an order of the current month (not judged yet) adds nobody."""
    last = services.last_complete_month()
    late, product = _six_ordering_twice_a_month(world, north_rep)
    for code in ("HB-0", "HB-1"):
        late[code].status = "cancelled"
        late[code].save()
        analytics_services.facts_refresh()
    _order(late["HB-2"].dealer, timezone.localdate(), 50000, product)
    analytics_services.facts_refresh()

    def searched(since):
        raise AssertionError("the refreshes recorded what they changed")

    monkeypatch.setattr(analytics_services, "changed_dealer_months", searched)
    read = []
    panel = scanning.build_panel

    def reading(first, last, dealer_ids=None, **kwargs):
        read.append(dealer_ids)
        return panel(first, last, dealer_ids, **kwargs)

    monkeypatch.setattr(scanning, "build_panel", reading)
    run = services.scan_changed()

    assert (run.kind, run.dealers) == ("incremental", 2)
    # Only the two dealers' facts are read, also for the rules whose full scan found no
    # peers to compare with (complaints, requests, calls: none here).
    assert read == [[late["HB-0"].dealer_id, late["HB-1"].dealer_id]]
    assert found(scan=run) == {(code, dealer_code, last)
                               for code in ("order-drop-trailing", "order-drop-mom")
                               for dealer_code in ("HB-0", "HB-1")}
    assert services.scan_changed() is None  # the refreshes were read by this scan


@pytest.mark.django_db
def test_after_a_rebuild_scan_changed_looks_for_the_changes_itself(world, north_rep):
    """A rebuild records no dealer-months: the scan finds the changed dealer in the
    transactions changed since the facts the last scan read."""
    last = services.last_complete_month()
    late, _product = _six_ordering_twice_a_month(world, north_rep)
    late["HB-3"].status = "cancelled"
    late["HB-3"].save()
    analytics_services.facts_rebuild()

    run = services.scan_changed()

    assert (run.kind, run.dealers) == ("incremental", 1)
    assert found(scan=run) == {("order-drop-trailing", "HB-3", last),
                               ("order-drop-mom", "HB-3", last)}


@pytest.mark.django_db
def test_the_tasks_scan_refresh_and_escalate(world, north_rep, north_manager):
    last = services.last_complete_month()
    product = ProductFactory()
    x = dealer("HB-X", world.shijiazhuang, rep=north_rep)
    for m in months(add_months(last, -4), add_months(last, -1)):
        _order(x, m.replace(day=10), 100000, product)
    analytics_services.facts_rebuild()

    assert tasks.alerts_scan_task.delay().get() == 3  # nothing ordered in the last month
    assert found() == {("stopped-ordering", "HB-X", last), ("order-drop-mom", "HB-X", last),
                       ("order-drop-trailing", "HB-X", last)}
    _order(x, last.replace(day=20), 100000, product)  # it had ordered after all
    assert tasks.alerts_scan_changed_task.delay().get() == 0  # judged again, nothing new
    assert ScanRun.objects.first().kind == "incremental"
    assert tasks.alerts_escalate_task.delay().get() == 0  # just raised


def test_beat_runs_the_changed_scan_every_quarter_hour_the_full_scan_nightly():
    beat = settings.CELERY_BEAT_SCHEDULE
    changed, full, escalate = (beat["scan-alerts-changed"], beat["scan-alerts"],
                               beat["escalate-alerts"])
    assert changed["task"] == "alerts.scan_changed"
    assert changed["schedule"].minute == {7, 22, 37, 52}
    assert full["task"] == "alerts.scan"
    assert (full["schedule"].hour, full["schedule"].minute) == ({1}, {30})
    assert escalate["task"] == "alerts.escalate" and escalate["schedule"].minute == {0}
    assert len(escalate["schedule"].hour) == 24
    # The facts refresh runs on the tenth minutes: never at the same minute.
    assert not changed["schedule"].minute & beat["refresh-facts"]["schedule"].minute


# -- the command -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_scan_alerts_command(world, hebei, north_rep):
    _drop_in_june(dealer("HB-X", world.shijiazhuang, rep=north_rep), 40000)
    _drop_in_june(dealer("HB-Y", world.shijiazhuang, rep=north_rep), 65000)

    def run(*args) -> str:
        out = io.StringIO()
        call_command("scan_alerts", *args, stdout=out)
        return out.getvalue()

    output = run("--from", "2025-01", "--to", "2025-12", "--dealer", "HB-X")
    assert output.startswith("dealer scan 2025-01..2025-12: 1 dealers, 3 alerts raised in ")
    assert found() == {(code, "HB-X", JUNE) for code in ("order-drop-trailing",
                                                          "order-drop-mom", "order-drop-yoy")}

    output = run("--from", "2025-06", "--to", "2025-06")
    # HB-Y: -35% on the trailing months and on June last year (-40% for last month).
    assert output.startswith("full scan 2025-06..2025-06: 7 dealers, 2 alerts raised in ")
    assert {subject for _c, subject, _m in found()} == {"HB-X", "HB-Y"}

    output = run("--from", "2025-06", "--to", "2025-06", "--dealer", "HB-X", "--dealer", "HB-Y")
    assert output.startswith("dealer scan 2025-06..2025-06: 2 dealers, 0 alerts raised in ")
    assert run("--escalate").startswith("escalated: 0 in ")
    assert run("--changed").startswith("full scan ")  # no full scan of the last month yet

    for bad in (["--from", "2025-13"], ["--dealer", "NOPE"], ["--from", "2025-07", "--to",
                                                              "2025-06"]):
        with pytest.raises(CommandError):
            run(*bad)


@pytest.mark.django_db
def test_qudao_scan_alerts_runs_the_command(world, capsys):
    from qudao import cli

    cli.main(["scan-alerts", "--escalate"])

    assert capsys.readouterr().out.startswith("escalated: 0 in ")


# -- rules -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_rule_preview_counts_by_month_and_writes_nothing(world, hebei, north_rep):
    for code, low_month in (("HB-X", JUNE), ("HB-Y", JUNE), ("HB-Z", month(2025, 9))):
        series(dealer(code, world.shijiazhuang, rep=north_rep),
               {m: 60000 if m == low_month else 100000 for m in months(JAN24, DEC25)})
    trailing = rule("order-drop-trailing")
    today = datetime.date(2026, 1, 15)

    preview = services.rule_preview(rule=trailing, today=today)

    assert [row["month"] for row in preview] == months(month(2025, 1), DEC25)
    assert {row["month"]: row["count"] for row in preview if row["count"]} == {
        JUNE: 2, month(2025, 9): 1}
    assert not Alert.objects.exists() and not ScanRun.objects.exists()

    # An unsaved edit: a 45% threshold finds none; limited to 浙江, none either.
    trial = Rule(pk=trailing.pk, code=trailing.code, signal=trailing.signal,
                 comparison="both", severity="warning",
                 params={**trailing.params, "threshold": 0.45})
    assert sum(row["count"] for row in services.rule_preview(rule=trial, today=today)) == 0
    assert sum(row["count"] for row in services.rule_preview(
        rule=trailing, today=today, territories=[world.zhejiang])) == 0
    assert [row["count"] for row in services.rule_preview(rule=trailing, today=today,
                                                          months=4)] == [1, 0, 0, 0]


@pytest.mark.django_db
def test_rule_update_checks_the_values_and_audits_the_change(world, hq_admin):
    trailing = rule("order-drop-trailing")
    stopped = rule("stopped-ordering")
    params = dict(trailing.params)

    bad = [
        (trailing, {"params": {**params, "treshold": 0.2}}, "params"),
        (trailing, {"params": {**params, "threshold": -0.1}}, "params.threshold"),
        (trailing, {"params": {**params, "min_base": "lots"}}, "params.min_base"),
        (trailing, {"params": {**params, "basis": "weekly"}}, "params.basis"),
        (trailing, {"params": {**params, "window": 0}}, "params.window"),
        (stopped, {"comparison": "both"}, "comparison"),
        (trailing, {"severity": "urgent"}, "severity"),
    ]
    for target, values, field in bad:
        with pytest.raises(services.RuleInvalid) as error:
            services.rule_update(rule=target, actor=hq_admin, values=values)
        assert field in error.value.errors, (values, error.value.errors)
    assert not AuditEvent.objects.filter(event="alert_rule.updated").exists()
    trailing.refresh_from_db()
    assert trailing.params == params and trailing.updated_by is None

    services.rule_update(rule=trailing, actor=hq_admin, territories=[world.hebei],
                         values={"params": {**params, "threshold": 0.25},
                                 "comparison": "vertical", "severity": "warning"})

    trailing.refresh_from_db()
    assert trailing.params["threshold"] == 0.25 and trailing.comparison == "vertical"
    assert list(trailing.territories.all()) == [world.hebei]
    event = AuditEvent.objects.get(event="alert_rule.updated")
    assert event.actor == hq_admin and event.target_id == str(trailing.pk)
    assert set(event.data) == {"params", "comparison", "territories"}
    assert event.data["comparison"] == ["both", "vertical"]
    assert event.data["territories"] == ["[]", "['130000']"]
    assert Decimal(str(trailing.params["threshold"])) == D("0.25")
