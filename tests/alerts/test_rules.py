"""Each built-in rule over hand-built dealer-month facts raises exactly the alerts it should,
with the figures that explain them; a steady dealer with a normal year raises none."""

import random

import pytest

from qudao.alerts import services
from qudao.alerts.models import Alert, Rule
from qudao.orders.history import SEASON
from qudao.territories.models import TerritoryAssignment
from tests.alerts import D, dealer, fact, figures, flat, found, month, months, rule, save, series
from tests.factories import UserFactory

JAN24, DEC25 = month(2024, 1), month(2025, 12)
YEAR_2025 = (month(2025, 1), month(2025, 12))


def _scan(*codes: str, periods=YEAR_2025):
    return services.scan(periods=periods, rules=[rule(code) for code in codes])


def _alert(code: str, dealer_code: str) -> Alert:
    return Alert.objects.get(rule__code=code, dealer__code=dealer_code)


@pytest.fixture
def peers(world, north_rep, north_manager):
    """Five tier-1 dealers in 河北 ordering 50,000 every month of 2024 and 2025, at 95% of
    list price, on a monthly target of 50,000: a peer group that changes nothing."""
    group = [dealer(f"HB-P{n}", world.shijiazhuang, rep=north_rep) for n in range(1, 6)]
    for each in group:
        flat(each, JAN24, DEC25, 50000, list_amount="52631.58", target_amount=50000)
    return group


def _subject(world, north_rep, code="HB-X", **fields):
    return dealer(code, world.shijiazhuang, rep=north_rep, **fields)


# -- orders drop -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_orders_drop_against_the_trailing_months(world, peers, north_rep, north_manager):
    x = _subject(world, north_rep)
    series(x, {m: 100000 if m < month(2025, 6) else 65000 for m in months(JAN24, DEC25)})

    run = _scan("order-drop-trailing")

    # June: 65,000 against the mean of March-May (100,000), peers unchanged. July and later
    # compare with a baseline that already holds the low months (-26%, -15%, 0%): no news.
    assert found() == {("order-drop-trailing", "HB-X", month(2025, 6))}
    alert = _alert("order-drop-trailing", "HB-X")
    assert figures(alert) == (D("65000"), D("100000"), D("-0.35"), D("0"), "warning")
    assert alert.subject_key == f"dealer:{x.pk}" and alert.territory == world.shijiazhuang
    assert alert.assigned_to == north_rep and alert.manager == north_manager
    assert alert.details["strength"] == "1.17"
    assert alert.details["series"]["months"][-3:] == ["2025-04", "2025-05", "2025-06"]
    assert alert.details["series"]["values"][-3:] == ["100000.00", "100000.00", "65000.00"]
    assert run.raised == 1 and run.dealers == 6


@pytest.mark.django_db
def test_orders_drop_against_the_same_month_last_year(world, peers, north_rep):
    x = _subject(world, north_rep)
    series(x, {m: 74000 if m == month(2025, 4) else 100000 for m in months(JAN24, DEC25)})

    _scan("order-drop-yoy")

    assert found() == {("order-drop-yoy", "HB-X", month(2025, 4))}
    assert figures(_alert("order-drop-yoy", "HB-X")) == (
        D("74000"), D("100000"), D("-0.26"), D("0"), "warning")


@pytest.mark.django_db
def test_orders_drop_against_last_month(world, peers, north_rep):
    x = _subject(world, north_rep)
    series(x, {m: 55000 if m == month(2025, 3) else 100000 for m in months(JAN24, DEC25)})

    _scan("order-drop-mom")

    # March -45%; April's +82% is no drop.
    assert found() == {("order-drop-mom", "HB-X", month(2025, 3))}
    assert figures(_alert("order-drop-mom", "HB-X")) == (
        D("55000"), D("100000"), D("-0.45"), D("0"), "warning")


@pytest.mark.django_db
def test_quantity_drop_is_off_until_switched_on(world, peers, north_rep):
    x = _subject(world, north_rep)
    save([fact(x, m, 100000, quantity=550 if m == month(2025, 6) else 1000)
          for m in months(JAN24, DEC25)])

    services.scan(periods=YEAR_2025)
    assert found() == set()  # the amount never moved; quantities are not judged

    Rule.objects.filter(code="quantity-drop-trailing").update(enabled=True)
    services.scan(periods=YEAR_2025)

    assert found() == {("quantity-drop-trailing", "HB-X", month(2025, 6))}
    assert figures(_alert("quantity-drop-trailing", "HB-X")) == (
        D("550"), D("1000"), D("-0.45"), D("0"), "warning")


@pytest.mark.django_db
def test_unit_price_drop_against_the_trailing_months(world, peers, north_rep):
    x = _subject(world, north_rep)
    save([fact(x, m, 85000 if m >= month(2025, 5) else 95000, list_amount=100000)
          for m in months(JAN24, DEC25)])

    _scan("price-drop", "order-drop-trailing")

    # May: paid 85% of list against 95% over February-April: -10.5%, past the 8%
    # threshold; June compares with 91.7% (-7.3%) and no longer counts. Orders fell only
    # 10.5% in money: no order drop.
    assert found() == {("price-drop", "HB-X", month(2025, 5))}
    assert figures(_alert("price-drop", "HB-X")) == (
        D("0.85"), D("0.95"), D("-0.1053"), D("0"), "critical")


# -- stopped, first order only ---------------------------------------------------------------

@pytest.mark.django_db
def test_stopped_ordering_by_the_dealers_own_rhythm(world, peers, north_rep):
    monthly = _subject(world, north_rep, "HB-M")
    flat(monthly, JAN24, month(2025, 4), 100000)  # twice a month, the last on 2025-04-20
    sparse = _subject(world, north_rep, "HB-S")
    save([fact(sparse, m, 60000, orders=1, last_day=15)
          for m in months(JAN24, month(2025, 1))[::2]])  # every other month to 2025-01-15

    _scan("stopped-ordering")

    assert found() == {("stopped-ordering", "HB-M", month(2025, 5)),
                       ("stopped-ordering", "HB-S", month(2025, 5))}
    # A dealer ordering every month ordered nothing in May (41 days silent at its end);
    # its usual interval is 365 / 24 orders a year.
    assert figures(_alert("stopped-ordering", "HB-M")) == (
        D("41"), D("15.2083"), None, None, "critical")
    # One order every other month: 365 / 6 = 60.8 days usual, twice that allowed; silent
    # from 2025-01-15 it passes 121.7 days in May (136 at its end) and stays silent: one
    # alert, not one each time an old order leaves the year.
    assert figures(_alert("stopped-ordering", "HB-S")) == (
        D("136"), D("60.8333"), None, None, "critical")


@pytest.mark.django_db
def test_first_order_only_after_sixty_days(world, peers, north_rep):
    once = _subject(world, north_rep, "HB-ONCE")
    save([fact(once, month(2025, 3), 20000, orders=1, first_day=5, last_day=5)])
    twice = _subject(world, north_rep, "HB-TWICE")
    save([fact(twice, month(2025, 3), 20000, orders=1, first_day=5, last_day=5),
          fact(twice, month(2025, 4), 20000, orders=1, first_day=10, last_day=10)])

    _scan("first-order-only")

    # Ordered on 2025-03-05: 56 days at the end of April, 87 at the end of May.
    assert found() == {("first-order-only", "HB-ONCE", month(2025, 5))}
    assert figures(_alert("first-order-only", "HB-ONCE")) == (
        D("87"), D("60"), None, None, "warning")


@pytest.mark.django_db
def test_a_single_order_is_no_rhythm_to_stop(world, north_rep):
    once = _subject(world, north_rep, "HB-ONCE")
    save([fact(once, month(2023, 3), 20000, orders=1, first_day=5, last_day=5)])

    _scan("stopped-ordering", "first-order-only", periods=(month(2023, 4), DEC25))

    # Silent for 2 years and 9 months: first order only, not stopped ordering (one order
    # in a year is no usual interval of 365 days).
    assert found() == {("first-order-only", "HB-ONCE", month(2023, 5))}


@pytest.fixture
def zhejiang_network(world, east_rep):
    """The east rep covers 浙江: 19 dealers ordering every month and one that ordered once on
    2025-02-10; a rep of 9 dealers in 河北 with one single-order dealer is too small to
    judge."""
    east_manager = UserFactory(username="east_manager", role="regional_manager")
    TerritoryAssignment.objects.create(user=east_manager, territory=world.hd, role="manager")
    for n in range(19):
        flat(dealer(f"ZJ-{n:02d}", world.hangzhou, rep=east_rep), JAN24, DEC25, 30000)
    once = dealer("ZJ-ONCE", world.hangzhou, rep=east_rep)
    save([fact(once, month(2025, 2), 20000, orders=1, first_day=10, last_day=10)])
    small_rep = UserFactory(username="small_rep")
    for n in range(8):
        flat(dealer(f"HB-{n:02d}", world.tangshan, rep=small_rep), JAN24, DEC25, 30000)
    save([fact(dealer("HB-ONCE", world.tangshan, rep=small_rep), month(2025, 2), 20000,
               orders=1, first_day=10, last_day=10)])
    return east_manager


@pytest.mark.django_db
def test_share_of_single_order_dealers_per_rep(world, east_rep, zhejiang_network):
    _scan("first-order-share-rep")

    # From April (79 days after 2025-02-10) one of the rep's 20 dealers is single-order:
    # 5% > 4%. The 河北 rep's 1 of 9 (11%) is not judged: fewer than 10 dealers.
    assert found(rule__code="first-order-share-rep") == {
        ("first-order-share-rep", f"rep:{east_rep.pk}", month(2025, 4))}
    alert = Alert.objects.get(rule__code="first-order-share-rep")
    assert figures(alert) == (D("0.05"), D("0.04"), None, None, "warning")
    assert alert.rep == alert.assigned_to == east_rep and alert.dealer is None
    assert alert.manager == zhejiang_network
    assert (alert.details["dealers"], alert.details["single"]) == (20, 1)


@pytest.mark.django_db
def test_share_of_single_order_dealers_per_region(world, zhejiang_network):
    _scan("first-order-share-region")

    assert found() == {("first-order-share-region", f"territory:{world.zhejiang.pk}",
                        month(2025, 4))}
    alert = Alert.objects.get()
    assert figures(alert) == (D("0.05"), D("0.04"), None, None, "warning")
    assert alert.territory == world.zhejiang
    assert alert.assigned_to == alert.manager == zhejiang_network


# -- money -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_overdue_beyond_30_days_rising(world, peers, north_rep):
    x = _subject(world, north_rep)
    flows = {month(2025, 3): {"overdue30_added": 5000}, month(2025, 5): {
        "overdue30_added": 3000}, month(2025, 6): {"overdue30_paid": 8000}}
    save([fact(x, m, 100000, **flows.get(m, {})) for m in months(JAN24, DEC25)])
    creeping = _subject(world, north_rep, "HB-C")
    tiny = _subject(world, north_rep, "HB-T")
    save([fact(creeping, month(2025, 2), 40000, overdue30_added=900),
          fact(creeping, month(2025, 3), 40000, overdue30_added=300),
          fact(tiny, month(2025, 2), 40000, overdue30_added=999)])

    _scan("overdue-30")

    # X: 5,000 from nothing in March; April holds (no rise); May 8,000 is more than half
    # again; June paid. Creeping: 900 was below the minimum base, 1,200 reaches it (though
    # not half again). 999 never reaches 1,000.
    assert found() == {("overdue-30", "HB-X", month(2025, 3)),
                       ("overdue-30", "HB-X", month(2025, 5)),
                       ("overdue-30", "HB-C", month(2025, 3))}
    by_month = {a.period: figures(a) for a in Alert.objects.filter(dealer=x)}
    assert by_month == {month(2025, 3): (D("5000"), D("0"), None, None, "warning"),
                        month(2025, 5): (D("8000"), D("5000"), None, None, "warning")}
    assert figures(_alert("overdue-30", "HB-C")) == (
        D("1200"), D("900"), None, None, "warning")


@pytest.mark.django_db
def test_paying_later_and_later(world, peers, north_rep):
    x = _subject(world, north_rep)
    # Collections of 10,000 a month, 2 days late on average, except March 2025: 80 days.
    save([fact(x, m, 100000, allocated_amount=10000,
               late_amount_days=800000 if m == month(2025, 3) else 20000)
          for m in months(JAN24, DEC25)])
    tiny = _subject(world, north_rep, "HB-T")
    save([fact(tiny, m, 100000, allocated_amount=300, late_amount_days=300 * 80)
          for m in months(JAN24, DEC25)])

    _scan("payment-delay")

    # January-March 2025: (20,000 + 20,000 + 800,000) / 30,000 = 28 days against 2 in
    # 2024; April and May still hold March: one alert. The small dealer's 900 collected in
    # three months is below the 1,000 minimum.
    assert found() == {("payment-delay", "HB-X", month(2025, 3))}
    assert figures(_alert("payment-delay", "HB-X")) == (
        D("28"), D("2"), None, None, "warning")


@pytest.mark.django_db
def test_behind_the_years_target_pace(world, peers, north_rep):
    x = _subject(world, north_rep)
    behind = {month(2025, 1): 100000, month(2025, 2): 80000, month(2025, 3): 30000}
    save([fact(x, m, behind.get(m, 100000), target_amount=100000 if m.year == 2025 else 0)
          for m in months(JAN24, DEC25)])
    far = _subject(world, north_rep, "HB-FAR")
    save([fact(far, m, 40000, target_amount=100000) for m in months(month(2025, 1), DEC25)])

    _scan("target-lag")

    # X: 210,000 of 300,000 by March, exactly 30% behind; April (310/400) is within.
    # FAR: 60% behind from January: twice the threshold, but a notice stays a notice.
    assert found() == {("target-lag", "HB-X", month(2025, 3)),
                       ("target-lag", "HB-FAR", month(2025, 1))}
    assert figures(_alert("target-lag", "HB-X")) == (
        D("210000"), D("300000"), D("-0.3"), D("0"), "info")
    assert figures(_alert("target-lag", "HB-FAR")) == (
        D("40000"), D("100000"), D("-0.6"), D("0"), "info")


# -- a normal year raises nothing ------------------------------------------------------------

@pytest.mark.django_db
def test_steady_dealers_with_seasonality_raise_nothing(world, north_rep):
    """Six 河北 tier-1 dealers over three years: the Spring Festival peak and the Golden
    Week dip (qudao.orders.history.SEASON), ±3% noise, 2-8% growth a year, 95% of list
    price, orders twice a month, collections on time, on a target of their own plan.
    March falls about a third against the trailing three months for all of them alike."""
    Rule.objects.filter(code="quantity-drop-trailing").update(enabled=True)
    rng = random.Random(7)
    rows = []
    for n in range(6):
        steady = dealer(f"HB-S{n}", world.shijiazhuang, rep=north_rep)
        base, growth = rng.uniform(60000, 200000), rng.uniform(1.02, 1.08)
        for index, day in enumerate(months(month(2023, 1), DEC25)):
            plan = base * SEASON[day.month - 1] * growth ** (index / 12)
            amount = D(plan * rng.uniform(0.97, 1.03)).quantize(D("0.01"))
            paid = D(plan * 0.98).quantize(D("0.01"))
            rows.append(fact(steady, day, amount, list_amount=(amount / D("0.95")).quantize(
                D("0.01")), quantity=int(amount / 50), target_amount=D(plan).quantize(
                D("1")), invoiced_amount=amount, payment_amount=paid, allocated_amount=paid))
    save(rows)

    run = services.scan(periods=(month(2023, 2), DEC25))

    assert run.raised == 0 and not Alert.objects.exists()


@pytest.mark.django_db
def test_season_alone_is_news_without_peers_to_share_it(world, north_rep):
    """The steady dealer's March against its winter months (-32%) without peers: judged on
    its own change, it is a drop."""
    steady = dealer("HB-S", world.shijiazhuang, rep=north_rep)
    series(steady, {m: int(100000 * SEASON[m.month - 1]) for m in months(JAN24, DEC25)})

    _scan("order-drop-trailing")

    # mean(Dec 105,000, Jan 140,000, Feb 130,000) = 125,000; March 85,000: -32%.
    assert found() == {("order-drop-trailing", "HB-S", month(2025, 3))}
    assert figures(_alert("order-drop-trailing", "HB-S")) == (
        D("85000"), D("125000"), D("-0.32"), None, "warning")


# -- how rules judge -------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_drop_every_peer_shares_raises_nothing_under_both(world, north_rep, east_rep):
    """河北: all six tier-1 dealers fall 35% in June. 浙江: only one of six does."""
    for n in range(6):
        series(dealer(f"HB-{n}", world.shijiazhuang, rep=north_rep),
               {m: 100000 if m < month(2025, 6) else 65000 for m in months(JAN24, DEC25)})
        drops = n == 0
        series(dealer(f"ZJ-{n}", world.hangzhou, rep=east_rep),
               {m: 65000 if drops and m >= month(2025, 6) else 100000
                for m in months(JAN24, DEC25)})
    trailing = rule("order-drop-trailing")
    assert trailing.comparison == "both"

    services.scan(periods=YEAR_2025, rules=[trailing])

    assert found() == {("order-drop-trailing", "ZJ-0", month(2025, 6))}
    assert figures(_alert("order-drop-trailing", "ZJ-0")) == (
        D("65000"), D("100000"), D("-0.35"), D("0"), "warning")

    Alert.objects.all().delete()
    trailing.comparison = "horizontal"
    services.scan(periods=YEAR_2025, rules=[trailing])
    assert found() == {("order-drop-trailing", "ZJ-0", month(2025, 6))}

    Alert.objects.all().delete()
    trailing.comparison = "vertical"
    services.scan(periods=YEAR_2025, rules=[trailing])
    assert found() == {("order-drop-trailing", f"HB-{n}", month(2025, 6)) for n in range(6)} \
        | {("order-drop-trailing", "ZJ-0", month(2025, 6))}
    # Under "vertical" the peers' median is still shown: all of 河北 fell 35%.
    assert _alert("order-drop-trailing", "HB-3").peer_median == D("-0.35")


@pytest.mark.django_db
def test_small_groups_compare_with_their_channel_level_and_a_lone_level_with_itself(
        world, peers, north_rep):
    """北京 has two tier-1 dealers (fewer than five): their peers are all tier-1 dealers.
    The only tier-2 dealer has no peers at all: it is judged on its own change (its own
    median would cancel every drop it has)."""
    bj_drop = dealer("BJ-X", world.dongcheng)
    bj_flat = dealer("BJ-Y", world.dongcheng)
    tier2 = dealer("HB-T2", world.tangshan, level="tier2")
    for each in (bj_drop, tier2):
        series(each, {m: 100000 if m < month(2025, 6) else 65000 for m in months(JAN24, DEC25)})
    flat(bj_flat, JAN24, DEC25, 80000)

    _scan("order-drop-trailing")

    assert found() == {("order-drop-trailing", "BJ-X", month(2025, 6)),
                       ("order-drop-trailing", "HB-T2", month(2025, 6))}
    # Seven tier-1 dealers, one of them down 35%: median 0.
    assert _alert("order-drop-trailing", "BJ-X").peer_median == D("0")
    assert _alert("order-drop-trailing", "HB-T2").peer_median is None


@pytest.mark.django_db
def test_months_before_a_dealers_first_order_are_no_history(world, north_rep):
    """Five 河北 dealers open in April 2025 and order 100,000 a month, as X always has.
    Their first months have no trailing average to judge: counted as zeros, they would
    "grow" 200% in May and 50% in June, and X, unchanged, would look 67% and 33% behind
    its peers."""
    for n in range(5):
        flat(dealer(f"HB-N{n}", world.shijiazhuang, rep=north_rep), month(2025, 4), DEC25,
             100000)
    flat(_subject(world, north_rep), JAN24, DEC25, 100000)
    against_peers = rule("order-drop-trailing")
    against_peers.comparison = "horizontal"

    services.scan(periods=YEAR_2025, rules=[against_peers])

    assert found() == set()


@pytest.mark.django_db
def test_tiny_numbers_raise_nothing(world, north_rep):
    small = dealer("HB-SMALL", world.shijiazhuang, rep=north_rep)
    # Orders of 5,000 falling to 1,000 (-80%), 2,100 at 70% of list after 95%, 900 long
    # overdue, 300 a month collected 80 days late, a target of 800 a month (9,600 a year)
    # missed by far.
    save([fact(small, m, 1000 if m >= month(2025, 6) else 5000, target_amount=800,
               allocated_amount=300, late_amount_days=300 * 80) for m in months(JAN24, DEC25)])
    cheap = dealer("HB-CHEAP", world.shijiazhuang, rep=north_rep)
    save([fact(cheap, m, 2100 if m >= month(2025, 6) else 2850, list_amount=3000,
               overdue30_added=900 if m == month(2025, 6) else 0)
          for m in months(JAN24, DEC25)])

    services.scan(periods=YEAR_2025)

    assert found() == set()


@pytest.mark.django_db
def test_rule_scope_by_region_channel_level_and_grade(world, peers, north_rep, east_rep,
                                                      hq_admin):
    hb = _subject(world, north_rep, "HB-X", grade="A")
    hb_tier2 = dealer("HB-T2", world.tangshan, level="tier2", rep=north_rep)
    zj = dealer("ZJ-X", world.hangzhou, rep=east_rep, grade="B")
    for n in range(5):
        flat(dealer(f"ZJ-P{n}", world.hangzhou, rep=east_rep), JAN24, DEC25, 50000)
    for each in (hb, hb_tier2, zj):
        series(each, {m: 100000 if m < month(2025, 6) else 65000 for m in months(JAN24, DEC25)})
    trailing = rule("order-drop-trailing")
    june = month(2025, 6)

    def scoped(territories=(), levels=(), grades=()):
        Alert.objects.all().delete()
        services.rule_update(rule=trailing, actor=hq_admin, territories=list(territories),
                             values={"channel_levels": list(levels), "grades": list(grades)})
        services.scan(periods=YEAR_2025, rules=[rule("order-drop-trailing")])
        return {subject for _code, subject, day in found() if day == june}

    assert scoped() == {"HB-X", "HB-T2", "ZJ-X"}
    assert scoped(territories=[world.zhejiang]) == {"ZJ-X"}
    assert scoped(territories=[world.hebei]) == {"HB-X", "HB-T2"}
    assert scoped(levels=["tier2"]) == {"HB-T2"}
    assert scoped(grades=["A"]) == {"HB-X"}
    assert scoped(territories=[world.hb], levels=["tier1"]) == {"HB-X"}


@pytest.mark.django_db
def test_a_rule_for_grade_a_compares_them_with_every_peer(world, north_rep, hq_admin):
    """The trailing-drop rule limited to grade A: 河北's six tier-1 dealers, two of them
    grade A, all fall 35% in June (the season); in October only one grade-A dealer does.
    """
    for n in range(6):
        series(dealer(f"HB-{n}", world.shijiazhuang, grade="A" if n < 2 else "B",
                      rep=north_rep),
               {m: 65000 if m == month(2025, 6) or (n == 0 and m == month(2025, 10))
                else 100000 for m in months(JAN24, DEC25)})
    services.rule_update(rule=rule("order-drop-trailing"), actor=hq_admin,
                         values={"grades": ["A"]})

    services.scan(periods=YEAR_2025, rules=[rule("order-drop-trailing")])

    # June: the grade-B dealers share the fall, so it is no news for the grade-A ones
    # (judged among grade A alone, two dealers, it would be). October: HB-0 alone.
    assert found() == {("order-drop-trailing", "HB-0", month(2025, 10))}
    assert _alert("order-drop-trailing", "HB-0").peer_median == D("0")


@pytest.mark.django_db
def test_a_condition_lasting_three_months_raises_one_alert(world, peers, north_rep):
    x = _subject(world, north_rep)
    low = {month(2025, 3), month(2025, 4), month(2025, 5), month(2025, 9)}
    series(x, {m: 70000 if m in low else 100000 for m in months(JAN24, DEC25)})

    _scan("order-drop-yoy")

    # -30% on last year in March, April and May: one alert, in March; back to normal in
    # June, down again in September: a second one.
    assert found() == {("order-drop-yoy", "HB-X", month(2025, 3)),
                       ("order-drop-yoy", "HB-X", month(2025, 9))}


@pytest.mark.django_db
def test_critical_from_twice_the_threshold(world, peers, north_rep, north_manager):
    for code, low in (("HB-60", 40000), ("HB-59", 41000), ("HB-30", 70000), ("HB-29", 71000)):
        series(_subject(world, north_rep, code),
               {m: low if m == month(2025, 6) else 100000 for m in months(JAN24, DEC25)})

    _scan("order-drop-trailing")

    # Threshold 30%: -29% is nothing, -30% a warning, -59% still a warning, -60% critical.
    severities = {a.dealer.code: (a.change, a.severity) for a in Alert.objects.all()}
    assert severities == {"HB-30": (D("-0.3"), "warning"), "HB-59": (D("-0.59"), "warning"),
                          "HB-60": (D("-0.6"), "critical")}

