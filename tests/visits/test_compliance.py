"""Contact compliance on fixtures: who is overdue for a call or a visit, by how many days,
the shares per rep and region, and the exact first-order-only share."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.dealers.models import Dealer
from qudao.visits import compliance
from tests.factories import DealerFactory
from tests.visits.factories import days_ago, log, order, seasoned, today


@pytest.fixture
def hebei(world, north_rep):
    """The three Hebei dealers, active for over a year, assigned to the Hebei rep."""
    dealers = [world.dealer_a, world.dealer_a_sub, world.dealer_a_shop]
    Dealer.objects.filter(pk__in=[d.pk for d in dealers]).update(assigned_rep=north_rep)
    seasoned(*Dealer.objects.all())
    return dealers


def _overdue(user, kind="any", **kwargs) -> dict[str, dict]:
    rows = compliance.overdue_rows(compliance.overdue_list(user=user, kind=kind, **kwargs),
                                   as_of=kwargs.get("as_of") or today())
    return {row["dealer"].code: row for row in rows}


@pytest.mark.django_db
def test_a_dealer_not_called_for_31_days_is_overdue(world, hebei, north_rep):
    a, sub, shop = hebei
    log(a, north_rep, ago=30)  # the last 31 days (today included) hold a call
    log(sub, north_rep, ago=31)  # the last 31 days hold none: due yesterday
    log(shop, north_rep, ago=45)
    for dealer in hebei:
        log(dealer, north_rep, kind="visit", ago=10)

    overdue = _overdue(north_rep, kind="call")

    assert set(overdue) == {"A0002", "A0003"}
    assert overdue["A0002"]["call_overdue"] == 1
    assert overdue["A0002"]["last_call"] == today() - datetime.timedelta(days=31)
    assert overdue["A0003"]["call_overdue"] == 15
    assert overdue["A0003"]["visit_overdue"] is None
    # The longest overdue first.
    assert list(overdue) == ["A0003", "A0002"]


@pytest.mark.django_db
def test_visits_are_due_every_62_days(world, hebei, north_rep):
    a, sub, shop = hebei
    for dealer in hebei:
        log(dealer, north_rep, ago=3)
    log(a, north_rep, kind="visit", ago=61)
    log(sub, north_rep, kind="visit", ago=62)

    overdue = _overdue(north_rep, kind="visit")

    assert overdue["A0002"]["visit_overdue"] == 1
    assert overdue["A0002"]["last_visit"] == today() - datetime.timedelta(days=62)
    # Never visited: counted from its activation 400 days ago (400 - 62 + 1).
    assert overdue["A0003"]["last_visit"] is None
    assert overdue["A0003"]["visit_overdue"] == 339
    assert "A0001" not in overdue


@pytest.mark.django_db
def test_only_our_calls_count_for_the_call_rule_and_a_visit_is_no_call(world, hebei,
                                                                       north_rep):
    a, sub, shop = hebei
    log(a, north_rep, kind="call_in", ago=2)
    log(sub, north_rep, kind="visit", ago=2)
    log(shop, north_rep, kind="message", ago=2)

    assert set(_overdue(north_rep, kind="call")) == {"A0001", "A0002", "A0003"}
    assert set(_overdue(north_rep, kind="visit")) == {"A0001", "A0003"}


@pytest.mark.django_db
def test_a_newly_activated_dealer_is_not_overdue_yet(world, hebei, north_rep):
    new = DealerFactory(code="A0009", territory=world.shijiazhuang, assigned_rep=north_rep)
    Dealer.objects.filter(pk=new.pk).update(status_changed_at=days_ago(30))

    assert "A0009" not in _overdue(north_rep)
    Dealer.objects.filter(pk=new.pk).update(status_changed_at=days_ago(31))
    assert _overdue(north_rep)["A0009"]["call_overdue"] == 1


@pytest.mark.django_db
def test_only_active_dealers_are_held_to_the_contact_rules(world, hebei, north_rep):
    Dealer.objects.filter(pk=world.dealer_a_shop.pk).update(status="suspended")
    assert set(_overdue(north_rep)) == {"A0001", "A0002"}
    report = compliance.compliance(user=north_rep, by="rep")
    assert [(r["label"], r["dealers"]) for r in report["rows"]] == [("河北业务员", 2)]


@pytest.mark.django_db
def test_as_of_the_end_of_an_earlier_month(world, hebei, north_rep):
    a = world.dealer_a
    log(a, north_rep, ago=70)
    log(a, north_rep, ago=5)
    as_of = today() - datetime.timedelta(days=60)
    # Sixty days ago, the call of ten days before was recent; today's is not known yet.
    overdue = _overdue(north_rep, kind="call", as_of=as_of)
    assert "A0001" not in overdue
    assert overdue["A0002"]["call_overdue"] == 400 - 60 - 31 + 1


@pytest.mark.django_db
def test_shares_per_rep_and_region(world, hebei, north_rep, east_rep, hq_admin):
    a, sub, shop = hebei
    Dealer.objects.filter(pk=world.dealer_b.pk).update(assigned_rep=east_rep)
    log(a, north_rep, ago=1)
    log(a, north_rep, kind="visit", ago=1)
    log(sub, north_rep, ago=20)
    log(world.dealer_b, east_rep, ago=40)
    log(world.dealer_b, east_rep, kind="visit", ago=40)

    by_rep = {r["label"]: r for r in compliance.compliance(user=hq_admin, by="rep")["rows"]}
    assert {k: (r["dealers"], r["calls_ok"], r["call_share"], r["visits_ok"],
                r["visit_share"]) for k, r in by_rep.items()} == {
        "河北业务员": (3, 2, Decimal("0.6667"), 1, Decimal("0.3333")),
        "浙江业务员": (1, 0, Decimal("0.0000"), 1, Decimal("1.0000")),
        "": (1, 0, Decimal("0.0000"), 0, Decimal("0.0000")),  # Beijing has no rep
    }
    regions = compliance.compliance(user=hq_admin, by="region")
    assert [(r["label"], r["dealers"], r["calls_ok"], r["visits_ok"])
            for r in regions["rows"]] == [("East China", 1, 0, 1), ("North China", 4, 2, 1)]
    provinces = compliance.compliance(user=hq_admin, by="province")
    assert [(r["label"], r["dealers"], r["calls_ok"]) for r in provinces["rows"]] == [
        ("Beijing", 1, 0), ("Hebei", 3, 2), ("Zhejiang", 1, 0)]
    total = provinces["total"]
    assert (total["dealers"], total["calls_ok"], total["call_share"]) == (5, 2,
                                                                          Decimal("0.4000"))
    # The Hebei rep sees his own dealers only.
    mine = compliance.compliance(user=north_rep, by="region")
    assert [(r["label"], r["dealers"]) for r in mine["rows"]] == [("North China", 3)]


def _ordering_dealers(rep, territory, count: int, start: int = 100) -> list:
    """`count` dealers of the rep that ordered twice (a first order and a repeat)."""
    dealers = []
    for n in range(count):
        dealer = DealerFactory(code=f"R{start + n:04d}", territory=territory,
                               assigned_rep=rep)
        order(dealer, ago=200)
        order(dealer, ago=150)
        dealers.append(dealer)
    return dealers


@pytest.mark.django_db
def test_the_first_order_only_share_is_exact(world, hebei, north_rep, hq_admin):
    repeat = _ordering_dealers(north_rep, world.shijiazhuang, 24)
    once = DealerFactory(code="S0001", territory=world.shijiazhuang, assigned_rep=north_rep)
    order(once, ago=90)  # its only order, exactly 90 days old: counts
    order(DealerFactory(code="S0002", territory=world.shijiazhuang, assigned_rep=north_rep),
          ago=89)  # too recent to judge: ordering, not "first order only"
    order(world.dealer_a, ago=300)  # cancelled: not a sales order
    order(world.dealer_a, ago=300, status="cancelled")
    order(world.dealer_a, ago=10, status="cancelled")

    row = compliance.compliance(user=hq_admin, by="rep")["rows"][0]

    assert row["label"] == "河北业务员"
    assert (row["ordering"], row["single"]) == (27, 2)  # 24 + S0001 + S0002 + A0001
    assert row["single_share"] == Decimal("0.0741")
    assert row["single_ok"] is False

    # One dealer re-orders: 1 of 27 is 3.7%, within the 4% limit.
    order(world.dealer_a, ago=5)
    row = compliance.compliance(user=hq_admin, by="rep")["rows"][0]
    assert (row["ordering"], row["single"], row["single_share"]) == (27, 1,
                                                                     Decimal("0.0370"))
    assert row["single_ok"] is True
    assert len(repeat) == 24


@pytest.mark.django_db
def test_exactly_the_limit_passes_and_ended_dealers_still_count(world, hebei, north_rep,
                                                                hq_admin):
    _ordering_dealers(north_rep, world.shijiazhuang, 24)
    once = DealerFactory(code="S0001", territory=world.shijiazhuang, assigned_rep=north_rep,
                         status="terminated")
    order(once, ago=400)

    rows = compliance.compliance(user=hq_admin, by="province")["rows"]
    row = next(r for r in rows if r["label"] == "Hebei")

    # Terminated, so not held to calls and visits, but its single order still counts.
    assert row["dealers"] == 3 + 24
    assert (row["ordering"], row["single"], row["single_share"]) == (25, 1,
                                                                     Decimal("0.0400"))
    assert row["single_ok"] is True


@pytest.mark.django_db
def test_limits_can_be_changed_in_the_settings(world, hebei, north_rep, settings):
    log(world.dealer_a, north_rep, ago=29)
    assert "A0001" not in _overdue(north_rep, kind="call")
    settings.VISITS_COMPLIANCE = {"call_days": 29, "first_order_limit": "0.05"}
    assert _overdue(north_rep, kind="call")["A0001"]["call_overdue"] == 1
    report = compliance.compliance(user=north_rep)
    assert report["limits"].first_order_limit == Decimal("0.05")


@pytest.mark.django_db
def test_bad_settings_fail_loudly(settings):
    from django.core.exceptions import ImproperlyConfigured

    from qudao.visits.rules import limits

    settings.VISITS_COMPLIANCE = {"call_day": 30}
    with pytest.raises(ImproperlyConfigured):
        limits()
    settings.VISITS_COMPLIANCE = {"visit_days": 0}
    with pytest.raises(ImproperlyConfigured):
        limits()


@pytest.mark.django_db
def test_figures_take_one_query_whatever_the_dealers(world, hebei, north_rep, hq_admin):
    _ordering_dealers(north_rep, world.shijiazhuang, 30)
    seasoned(*Dealer.objects.all())
    for dealer in Dealer.objects.order_by("code")[:10]:
        log(dealer, north_rep, ago=5)
        log(dealer, north_rep, kind="visit", ago=5)
    with CaptureQueriesContext(connection) as queries:
        report = compliance.compliance(user=hq_admin, by="rep")
    assert report["total"]["dealers"] == 35
    assert len(queries) == 2  # the grouped figures, then the reps' names
    with CaptureQueriesContext(connection) as queries:
        assert compliance.overdue_list(user=hq_admin).count() == 25
    assert len(queries) == 1


@pytest.mark.django_db
def test_dealer_users_get_no_figures(world, hebei, dealer_a_admin):
    assert compliance.overdue_list(user=dealer_a_admin).count() == 0
    assert compliance.compliance(user=dealer_a_admin)["rows"] == []
