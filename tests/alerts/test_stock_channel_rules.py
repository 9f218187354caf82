"""The stock, network, growth and channel rules over hand-built dealer-month facts raise
exactly the alerts they should, with the figures that explain them; steady dealers raise
none."""

import calendar
import datetime

import pytest

from qudao.alerts import services
from qudao.alerts.models import Alert, Notification
from qudao.alerts.panel import add_months
from qudao.analytics import services as analytics_services
from qudao.dealers.models import Dealer
from qudao.orders.history import SEASON
from qudao.orders.models import OrderLine
from tests.alerts import D, dealer, fact, figures, flat, found, month, months, rule, save
from tests.factories import DealerFactory, ProductFactory
from tests.finance.factories import OrderFactory
from tests.trade import AgreementFactory

JAN23, JAN24, DEC25 = month(2023, 1), month(2024, 1), month(2025, 12)
YEAR_2025 = (month(2025, 1), DEC25)


def _scan(*codes: str, periods=YEAR_2025, **kwargs):
    return services.scan(periods=periods, rules=[rule(code) for code in codes], **kwargs)


def _alert(code: str, dealer_code: str, period: datetime.date | None = None) -> Alert:
    alerts = Alert.objects.filter(rule__code=code, dealer__code=dealer_code)
    return alerts.get(period=period) if period else alerts.get()


def _agreement(each, *, safety: int | None = 15, maximum: int | None = 60, **fields):
    """The dealer's agreement in force through 2025 with its stock terms (days of sales)."""
    values = {"start_date": month(2025, 1), "end_date": datetime.date(2025, 12, 31),
              "safety_stock_days": safety, "max_stock_days": maximum, **fields}
    return AgreementFactory(dealer=each, **values)


def _child(code: str, parent, territory) -> Dealer:
    """A tier-2 sub-dealer of `parent`."""
    return DealerFactory(code=code, territory=territory, channel_level="tier2", parent=parent)


def _sold(day: datetime.date, per_day: int = 30) -> int:
    """Units sold in the month at `per_day` a day: 30 a day is 930 in January, 840 in a
    February of 28 days."""
    return per_day * calendar.monthrange(day.year, day.month)[1]


def _report(each, day: datetime.date, amount=100000, *, stock: int, sold: int | None = None,
            customers: int = 0, **fields):
    """A month with orders and the dealer's stock and flow report: `stock` units on hand,
    `sold` units sold (30 a day unless given), `customers` distinct customers sold to."""
    return fact(each, day, amount, stock_reports=1, stock_quantity=stock,
                sold_quantity=_sold(day) if sold is None else sold,
                active_customers=customers, **fields)


# -- stock against the agreement -------------------------------------------------------------

@pytest.mark.django_db
def test_stock_below_the_safety_stock_and_above_the_maximum(world, north_rep, north_manager):
    """Dealers selling 30 units a day (the average of their last three reports is 30 a day
    whatever the months' lengths), under agreements asking 15 to 60 days of stock."""
    low = dealer("HB-LOW", world.shijiazhuang, rep=north_rep)
    high = dealer("HB-HIGH", world.shijiazhuang, rep=north_rep)
    steady = dealer("HB-OK", world.shijiazhuang, rep=north_rep)
    no_terms = dealer("HB-NOTERMS", world.shijiazhuang, rep=north_rep)
    expired = dealer("HB-EXPIRED", world.shijiazhuang, rep=north_rep)
    no_agreement = dealer("HB-NOAG", world.shijiazhuang, rep=north_rep)
    tiny = dealer("HB-TINY", world.shijiazhuang, rep=north_rep)
    for each in (low, high, steady, tiny):
        _agreement(each)
    _agreement(no_terms, safety=None, maximum=None)
    _agreement(expired, status="expired")
    # Units on hand at each month end (30 a day: 900 is 30 days); None: no report.
    low_stock = {month(2025, 5): 300, month(2025, 6): 450, month(2025, 8): 240,
                 month(2025, 9): None, month(2025, 10): 300, month(2025, 12): 0}
    high_stock = {month(2025, 4): 2400, month(2025, 5): 3900, month(2025, 7): 3600}
    rows = []
    for m in months(month(2025, 1), DEC25):
        stock = low_stock.get(m, 900)
        rows.append(fact(low, m, 100000) if stock is None else _report(low, m, stock=stock))
        rows.append(_report(high, m, stock=high_stock.get(m, 900)))
        rows.append(_report(steady, m, stock=900))
        for bare in (no_terms, expired, no_agreement):
            rows.append(_report(bare, m, stock=0 if m.month % 2 else 9000))
        rows.append(_report(tiny, m, stock=0, sold=9))  # 27 sold in three months
    save(rows)

    _scan("stock-low", "stock-high")

    # Low: May 10 days (300 / 30 a day) below 15; June 15 days is not below. August 8
    # days; no report in September and 10 days in October: still the same shortage (the
    # window is August, July and October, 30 a day). December: nothing left, critical.
    # High: April 80 days above 60; May 130 days still the same overstock; July 120 days
    # (twice the maximum): critical.
    assert found() == {("stock-low", "HB-LOW", month(2025, 5)),
                       ("stock-low", "HB-LOW", month(2025, 8)),
                       ("stock-low", "HB-LOW", month(2025, 12)),
                       ("stock-high", "HB-HIGH", month(2025, 4)),
                       ("stock-high", "HB-HIGH", month(2025, 7))}
    by_month = {a.period: figures(a) for a in Alert.objects.filter(rule__code="stock-low")}
    assert by_month == {month(2025, 5): (D("10"), D("15"), None, None, "warning"),
                        month(2025, 8): (D("8"), D("15"), None, None, "warning"),
                        month(2025, 12): (D("0"), D("15"), None, None, "critical")}
    by_month = {a.period: figures(a) for a in Alert.objects.filter(rule__code="stock-high")}
    assert by_month == {month(2025, 4): (D("80"), D("60"), None, None, "warning"),
                        month(2025, 7): (D("120"), D("60"), None, None, "critical")}
    may = _alert("stock-low", "HB-LOW", month(2025, 5))
    assert may.assigned_to == north_rep and may.manager == north_manager
    assert (may.details["unit"], may.details["stock_quantity"], may.details["daily_sold"],
            may.details["strength"]) == ("days", "300.00", "30.00", "1.50")
    # The chart draws days of stock: none until three reports make a window.
    assert may.details["series"]["values"][-5:] == [None, None, "30.00", "30.00", "10.00"]


# -- the monthly report ----------------------------------------------------------------------

@pytest.mark.django_db
def test_a_regular_reporter_missing_a_report(world, north_rep):
    regular = dealer("HB-REG", world.shijiazhuang, rep=north_rep)
    sparse = dealer("HB-SPARSE", world.shijiazhuang, rep=north_rep)
    silent = dealer("HB-SILENT", world.shijiazhuang, rep=north_rep)
    missing = {month(2025, 4), month(2025, 5), month(2025, 9), DEC25}
    rows = []
    for m in months(JAN24, DEC25):
        rows.append(fact(regular, m, 100000) if m in missing
                    else _report(regular, m, stock=900))
        rows.append(_report(sparse, m, stock=900) if m.month % 2 else fact(sparse, m, 100000))
        rows.append(fact(silent, m, 100000))
    save(rows)

    _scan("stock-report-missing")

    # A month's report is due in the next month (the scan of a month runs before that
    # month's reports are due), so each month judges the report of the month before:
    # April's is missing after January-March: raised in May. May's missing too is the same
    # lapse; September's, after June-August, is raised in October. December's is judged
    # in January 2026, not yet. Every other month or never is no regular reporter.
    assert found() == {("stock-report-missing", "HB-REG", month(2025, 5)),
                       ("stock-report-missing", "HB-REG", month(2025, 10))}
    may = _alert("stock-report-missing", "HB-REG", month(2025, 5))
    assert figures(may) == (D("0"), D("3"), None, None, "info")
    assert may.details["report_month"] == "2025-04"
    assert may.details["series"]["values"][-3:] == ["1.00", "0.00", "0.00"]


# -- the sub-dealer network ------------------------------------------------------------------

@pytest.fixture
def network(world, north_rep):
    """A tier-1 distributor whose five tier-2 sub-dealers order every month of 2024 and 2025
    except: in June 2025 three of them order nothing, and two stop for good from October.
    A small one with two sub-dealers that both stop in June."""
    parent = dealer("HB-NET", world.shijiazhuang, rep=north_rep)
    small = dealer("HB-SMALLNET", world.shijiazhuang, rep=north_rep)
    flat(parent, JAN24, DEC25, 100000)
    flat(small, JAN24, DEC25, 100000)
    rows = []
    for n in range(5):
        child = _child(f"HB-NET-{n}", parent, world.tangshan)
        for m in months(JAN24, DEC25):
            idle = (m == month(2025, 6) and n < 3) or (m >= month(2025, 10) and n >= 3)
            rows.append(fact(child, m, 0 if idle else 20000))
    for n in range(2):
        child = _child(f"HB-SMALLNET-{n}", small, world.tangshan)
        rows += [fact(child, m, 20000 if m < month(2025, 6) else 0)
                 for m in months(JAN24, DEC25)]
    save(rows)
    return parent


@pytest.mark.django_db
def test_a_distributors_network_weakening(world, network):
    _scan("network-reach")

    # June: 2 of the 5 ordered against 5 (-60%). October: 3 against 5 (-40%, just at the
    # threshold); November and December compare with months already down (-31%, -18%).
    # The small network's fall from 2 is below the minimum base of 3 sub-dealers.
    assert found() == {("network-reach", "HB-NET", month(2025, 6)),
                       ("network-reach", "HB-NET", month(2025, 10))}
    by_month = {a.period: figures(a) for a in Alert.objects.all()}
    # No other tier-1 has sub-dealers ordering: judged on its own change.
    assert by_month == {month(2025, 6): (D("2"), D("5"), D("-0.6"), None, "warning"),
                        month(2025, 10): (D("3"), D("5"), D("-0.4"), None, "warning")}
    june = _alert("network-reach", "HB-NET", month(2025, 6))
    assert june.details["sub_dealers"] == "5.00"
    assert june.details["series"]["values"][-3:] == ["5.00", "5.00", "2.00"]

    # Judging the distributor alone reads its sub-dealers all the same.
    Alert.objects.all().delete()
    _scan("network-reach", dealer_ids=[network.pk], kind="dealer")
    assert {a.period: figures(a) for a in Alert.objects.all()} == by_month


@pytest.mark.django_db
def test_a_sub_dealers_change_judges_its_distributor_again(world, north_rep):
    """Four sub-dealers of a distributor order once a month over the last five complete
    months; then two of them cancel the last month's order."""
    last = services.last_complete_month()
    product = ProductFactory()
    parent = dealer("HB-NET", world.shijiazhuang, rep=north_rep)
    children = [_child(f"HB-NET-{n}", parent, world.tangshan) for n in range(4)]
    latest = {}
    for m in months(add_months(last, -4), last):
        _order(parent, m.replace(day=3), 100000, product)
        for child in children:
            latest[child.code] = _order(child, m.replace(day=10), 20000, product)
    analytics_services.facts_rebuild()
    assert services.scan_changed().raised == 0  # the month's full scan: all four ordered

    for code in ("HB-NET-0", "HB-NET-1"):
        latest[code].status = "cancelled"
        latest[code].save()
    analytics_services.facts_refresh()
    run = services.scan_changed()

    # The two sub-dealers changed; their distributor is judged again with them.
    assert (run.kind, run.dealers) == ("incremental", 3)
    assert {f for f in found() if f[0] == "network-reach"} == {
        ("network-reach", "HB-NET", last)}
    assert figures(Alert.objects.get(rule__code="network-reach")) == (
        D("2"), D("4"), D("-0.5"), None, "warning")


def _order(each, day: datetime.date, amount: int, product):
    """A closed order of one line, `amount` at list price."""
    order = OrderFactory(dealer=each, ordered_on=day, status="closed", total_amount=D(amount),
                         total_quantity=amount // 100)
    OrderLine.objects.create(order=order, dealer=each, ordered_on=day, product=product,
                             quantity=amount // 100, list_price=D("100.00"),
                             unit_price=D("100.00"), amount=D(amount))
    return order


# -- customers -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_coverage_shrinking_counts_reported_months_only(world, north_rep):
    shrinking = dealer("HB-COV", world.shijiazhuang, rep=north_rep)
    small = dealer("HB-FEW", world.shijiazhuang, rep=north_rep)
    steady = dealer("HB-OK", world.shijiazhuang, rep=north_rep)
    customers = {month(2025, 4): 6, month(2025, 5): None, month(2025, 8): 5}
    rows = []
    for m in months(JAN24, DEC25):
        count = customers.get(m, 10)
        rows.append(fact(shrinking, m, 100000) if count is None
                    else _report(shrinking, m, stock=900, customers=count))
        rows.append(_report(small, m, stock=900, customers=1 if m >= month(2025, 6) else 4))
        rows.append(_report(steady, m, stock=900, customers=12 if m.month % 2 else 10))
    save(rows)

    _scan("coverage-shrinking")

    # April: 6 customers against 10 (-40%). May sent no report: no data, not no customers.
    # August: 5 against its last three reports (April 6, June 10, July 10): -42%. The small
    # dealer's 4 customers are below the minimum base of 5.
    assert found() == {("coverage-shrinking", "HB-COV", month(2025, 4)),
                       ("coverage-shrinking", "HB-COV", month(2025, 8))}
    by_month = {a.period: figures(a) for a in Alert.objects.all()}
    assert by_month == {month(2025, 4): (D("6"), D("10"), D("-0.4"), None, "warning"),
                        month(2025, 8): (D("5"), D("8.6667"), D("-0.4231"), None, "warning")}
    august = _alert("coverage-shrinking", "HB-COV", month(2025, 8))
    assert august.details["series"]["values"][-5:] == ["6.00", None, "10.00", "10.00", "5.00"]


@pytest.mark.django_db
def test_customers_every_peer_loses_are_no_news(world, north_rep):
    """Six 河北 tier-1 dealers all sell to 10 customers a month, then to 6 in April 2025."""
    rows = []
    for n in range(6):
        each = dealer(f"HB-{n}", world.shijiazhuang, rep=north_rep)
        rows += [_report(each, m, stock=900, customers=6 if m == month(2025, 4) else 10)
                 for m in months(JAN24, DEC25)]
    save(rows)

    _scan("coverage-shrinking")

    assert found() == set()


# -- not growing -----------------------------------------------------------------------------

def _seasonal(each, growth_by_year: dict[int, float], base: int = 100000) -> None:
    """Orders following the season (qudao.orders.history.SEASON), each year's months at
    `growth_by_year[year]` times 2023's."""
    save([fact(each, m, int(base * SEASON[m.month - 1] * growth_by_year[m.year]))
          for m in months(JAN23, DEC25)])


@pytest.mark.django_db
def test_a_distributor_not_growing_while_its_peers_grow(world, north_rep):
    """Six 河北 tier-1 dealers grow 20% a year (2024 at 1.2 times 2023, 2025 at 1.44), with
    the Spring Festival peak and the Golden Week dip. Three others grow 20% in 2024 too,
    then: STILL orders in 2025 what it ordered in 2024, SLOW grows 1%; SMALL, at 5,000 a
    month, orders the same every year."""
    for n in range(6):
        _seasonal(dealer(f"HB-P{n}", world.shijiazhuang, rep=north_rep),
                  {2023: 1.0, 2024: 1.2, 2025: 1.44})
    _seasonal(dealer("HB-STILL", world.shijiazhuang, rep=north_rep),
              {2023: 1.0, 2024: 1.2, 2025: 1.2})
    _seasonal(dealer("HB-SLOW", world.shijiazhuang, rep=north_rep),
              {2023: 1.0, 2024: 1.2, 2025: 1.212})
    _seasonal(dealer("HB-SMALL", world.shijiazhuang, rep=north_rep),
              {2023: 1.0, 2024: 1.0, 2025: 1.0}, base=5000)

    run = _scan("stagnant")

    # STILL: only in December are its last twelve months no more than the twelve before
    # (1,449,600 both); its peers' median is +20%: 1 / 1.2 - 1 = -16.7% against them. SLOW
    # is as far behind (-15.8%) but grew. SMALL's 60,000 a year is below the minimum base.
    # Twelve months against twelve: the season is no news to anyone.
    assert found() == {("stagnant", "HB-STILL", DEC25)}
    alert = _alert("stagnant", "HB-STILL")
    assert figures(alert) == (D("1449600"), D("1449600"), D("0"), D("0.2"), "info")
    assert alert.details["adjusted"] == "-0.1667"
    assert run.peer_stats["stagnant"][DEC25.isoformat()] == {
        f"{world.hebei.pk}:tier1": pytest.approx(0.2)}


# -- channel review --------------------------------------------------------------------------

@pytest.fixture
def provinces(world, north_rep, east_rep):
    """Tier-1 dealers ordering every month from June 2024: 20 in 河北, 4 in 浙江 and 26 in
    北京. In June 2025, 河北: four owe money over 30 days past due, H0 and H4 stop ordering
    (H0 owes too); in July five others owe. 浙江: all four owe in June. 北京: five owe in
    June."""
    start, end = month(2024, 6), DEC25
    rows = []
    stop = month(2025, 6)
    for n in range(20):
        each = dealer(f"H{n}", world.shijiazhuang, rep=north_rep)
        owes = month(2025, 6) if n < 4 else month(2025, 7) if 5 <= n < 10 else None
        stops = n in (0, 4)
        rows += [fact(each, m, 0 if stops and m >= stop else 100000,
                      overdue30_added=5000 if m == owes else 0) for m in months(start, end)]
    for n in range(4):
        each = dealer(f"Z{n}", world.hangzhou, rep=east_rep)
        rows += [fact(each, m, 100000, overdue30_added=5000 if m == month(2025, 6) else 0)
                 for m in months(start, end)]
    for n in range(26):
        each = dealer(f"B{n}", world.dongcheng)
        rows += [fact(each, m, 100000,
                      overdue30_added=5000 if n < 5 and m == month(2025, 6) else 0)
                 for m in months(start, end)]
    save(rows)


@pytest.mark.django_db
def test_channel_review_when_alerts_concentrate_in_a_province(world, provinces,
                                                              north_manager):
    codes = ("overdue-30", "stopped-ordering", "channel-review")

    _scan(*codes)

    # June: 5 of 河北's 20 dealers have an alert (25%, at least 20% and at least 5). July:
    # five more do, but the concentration is already there: no news. 浙江: 4 of 4 are fewer
    # than 5 dealers; 北京: 5 of 26 is 19%.
    territory = f"territory:{world.hebei.pk}"
    assert {f for f in found() if f[0] == "channel-review"} == {
        ("channel-review", territory, month(2025, 6))}
    review = Alert.objects.get(rule__code="channel-review")
    assert figures(review) == (D("0.25"), D("0.2"), None, None, "warning")
    assert review.territory == world.hebei and review.dealer is None
    assert review.assigned_to == review.manager == north_manager
    assert (review.details["judged"], review.details["alerted"]) == (20, 5)
    assert review.details["rules"] == {"overdue-30": 4, "stopped-ordering": 2}
    assert Notification.objects.filter(alert=review, user=north_manager).exists()
    assert rule("channel-review").name == "渠道检讨: 预警集中, 需审视渠道成本与渠道创新"


@pytest.mark.django_db
def test_channel_review_by_month_as_the_nightly_scan_runs_it(world, provinces):
    codes = ("overdue-30", "stopped-ordering", "channel-review")

    _scan(*codes, periods=(month(2025, 6), month(2025, 6)))
    _scan(*codes, periods=(month(2025, 7), month(2025, 7)))
    # Judging July alone, the review still sees June's alerts: no second review.
    assert [a.period for a in Alert.objects.filter(rule__code="channel-review")] == [
        month(2025, 6)]

    # Only full scans review the channel: a scan of some dealers cannot count a province.
    Alert.objects.all().delete()
    hebei = list(Dealer.objects.filter(code__startswith="H").values_list("pk", flat=True))
    _scan(*codes, periods=(month(2025, 6), month(2025, 6)), dealer_ids=hebei, kind="dealer")
    assert {f[0] for f in found()} == {"overdue-30", "stopped-ordering"}


@pytest.mark.django_db
def test_channel_review_preview(world, provinces):
    preview = services.rule_preview(rule=rule("channel-review"),
                                    today=datetime.date(2026, 1, 15))

    assert {row["month"]: row["count"] for row in preview if row["count"]} == {
        month(2025, 6): 1}
    assert not Alert.objects.exists()


# -- a normal year raises nothing ------------------------------------------------------------

@pytest.mark.django_db
def test_steady_distributors_with_reports_and_networks_raise_nothing(world, north_rep):
    """Six 河北 tier-1 dealers over three years, all rules on: the season, 5% growth a
    year, a report every month with about a month of stock (30 days of the agreement's 15
    to 60) and 20-24 customers, four tier-2 sub-dealers each ordering every month."""
    rows = []
    for n in range(6):
        each = dealer(f"HB-S{n}", world.shijiazhuang, rep=north_rep)
        _agreement(each)
        for index, m in enumerate(months(JAN23, DEC25)):
            amount = int((100000 + 10000 * n) * SEASON[m.month - 1] * 1.05 ** (index // 12))
            sold = _sold(m, 30 + n)
            rows.append(_report(each, m, amount, stock=30 * (30 + n), sold=sold,
                                customers=20 + (index + n) % 5))
        for k in range(4):
            child = _child(f"HB-S{n}-{k}", each, world.tangshan)
            rows += [fact(child, m, 20000) for m in months(JAN23, DEC25)]
    save(rows)

    run = services.scan(periods=YEAR_2025)

    assert run.raised == 0 and not Alert.objects.exists()
