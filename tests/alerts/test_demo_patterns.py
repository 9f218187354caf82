"""The scan over the whole small demo history finds each planted pattern in the month it
first shows, that month worked out here from the raw orders, invoices and payments (not
from the facts or the engine); steady dealers raise almost no order or price alarm."""

import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from qudao.alerts import services
from qudao.alerts.models import Alert, Rule
from qudao.catalog import demo as catalog_demo
from qudao.dealers.models import Dealer
from qudao.finance.choices import InvoiceKind
from qudao.finance.models import Invoice, PaymentAllocation
from qudao.orders import history as h
from qudao.orders.choices import SALES_STATUSES
from qudao.orders.models import Order, OrderLine
from qudao.stock.models import StockReport

ZERO = Decimal("0.00")
# Rules on what a dealer orders and pays per unit, as opposed to its money owed.
ORDER_SIGNALS = {"order_drop", "price_drop", "stopped_ordering", "first_order_only"}


def _month_end(month: datetime.date) -> datetime.date:
    return h.add_months(month, 1) - datetime.timedelta(days=1)


def _tagged(pattern: str) -> list[int]:
    return sorted(Dealer.objects.filter(tags__name=h.pattern_tag(pattern))
                  .values_list("pk", flat=True))


def _alerts() -> dict[tuple[int, str], list[datetime.date]]:
    """Months of the alerts raised, by dealer and rule code, in order."""
    found = defaultdict(list)
    for dealer, code, period in Alert.objects.filter(dealer__isnull=False).order_by(
            "period").values_list("dealer_id", "rule__code", "period"):
        found[(dealer, code)].append(period)
    return found


def _sales(dealers: list[int]):
    return Order.objects.filter(dealer_id__in=dealers, status__in=SALES_STATUSES)


def _declining_show_six_months_back(found, current):
    shows = h.add_months(current, -h.DECLINE_MONTHS)
    for dealer in _tagged(h.DECLINING):
        months = set(found[(dealer, "order-drop-trailing")] + found[(dealer, "order-drop-yoy")])
        assert shows in months, (dealer, shows, sorted(months))
    return shows


def _price_drop_shows_when_the_discount_starts(found):
    """The month from which the dealer pays much less against list price: the first month
    whose paid/list ratio is more than 10 points below the month before's (a new year's
    terms move the usual discount by 5 points at most, the special discount by 15-25)."""
    expected = {}
    for dealer in _tagged(h.PRICE_DROP):
        paid, listed = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
        for day, quantity, unit, price in OrderLine.objects.filter(dealer_id=dealer).values_list(
                "ordered_on", "quantity", "unit_price", "list_price"):
            paid[day.replace(day=1)] += unit * quantity
            listed[day.replace(day=1)] += price * quantity
        ratios = [(m, paid[m] / listed[m]) for m in sorted(listed)]
        [(shows, low)] = [(m, ratio) for (_m, before), (m, ratio) in zip(
            ratios, ratios[1:], strict=False) if ratio < before - Decimal("0.10")]
        assert all(ratio < low + Decimal("0.01") for m, ratio in ratios if m > shows)  # stays
        months = found[(dealer, "price-drop")]
        assert months and months[0] == shows, (dealer, shows, months)
        expected[dealer] = shows
    return expected


def _stopped_shows_the_month_after_the_last_order(found, last_month):
    expected = {}
    for dealer in _tagged(h.STOPPED):
        last_order = max(_sales([dealer]).values_list("ordered_on", flat=True))
        shows = h.add_months(last_order, 1)
        assert shows <= last_month
        assert found[(dealer, "stopped-ordering")] == [shows], dealer
        expected[dealer] = shows
    return expected


def _one_order_shows_sixty_days_after_it(found, days: int):
    expected = {}
    for dealer in _tagged(h.ONE_ORDER):
        [ordered_on] = Order.objects.filter(dealer_id=dealer).values_list("ordered_on",
                                                                          flat=True)
        shows = ordered_on.replace(day=1)
        while (_month_end(shows) - ordered_on).days < days:
            shows = h.add_months(shows, 1)
        assert found[(dealer, "first-order-only")] == [shows], (dealer, ordered_on)
        expected[dealer] = shows
    return expected


def _overdue_30_by_month_end(months: list[datetime.date]) -> dict[int, list[Decimal]]:
    """Per dealer, at each month end: what of its invoices is unpaid 30 days or more after
    the due date, by the payments received by then (a payment is counted on the day it is
    received; one still outstanding at the end of the 30th day will be paid more than 30
    days late)."""
    paid = defaultdict(list)
    for invoice, received, amount in PaymentAllocation.objects.filter(
            payment__voided_on__isnull=True).values_list("invoice_id", "payment__received_on",
                                                         "amount"):
        paid[invoice].append((received, amount))
    balances: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * len(months))
    ends = [_month_end(m) for m in months]
    for pk, dealer, due, amount in Invoice.objects.filter(kind=InvoiceKind.INVOICE).values_list(
            "pk", "dealer_id", "due_on", "amount"):
        for index, end in enumerate(ends):
            if (end - due).days < 30:
                continue
            unpaid = amount - sum((a for day, a in paid[pk] if day <= end), ZERO)
            balances[dealer][index] += unpaid
    return balances


def _late_payers_show_when_first_30_days_overdue(found, months, min_base, rise):
    """Late payers first show in the month at whose end their 30-days-overdue balance
    first reaches the minimum base. And for every dealer, the overdue-30 alerts are the
    months that start a run of months in which that balance reaches the base from below
    it or grows by more than half (`months` starts with the month before the first one
    judged)."""
    balances = _overdue_30_by_month_end(months)
    late = {}
    for dealer in _tagged(h.LATE_PAYER):
        first = next(m for m, value in zip(months, balances[dealer], strict=True)
                     if value >= min_base)
        assert found[(dealer, "overdue-30")][0] == first, dealer
        late[dealer] = first
    expected = set()
    for dealer, values in balances.items():
        rising = [value >= min_base and (before < min_base or value > before * rise)
                  for before, value in zip([ZERO, *values], values, strict=False)]
        expected |= {(dealer, months[i]) for i in range(1, len(months))
                     if rising[i] and not rising[i - 1]}
    raised = {(dealer, month) for (dealer, code), periods in found.items()
              if code == "overdue-30" for month in periods}
    assert raised == expected
    return late


def _missing_reports_show_the_month_they_were_due(found, first_period, last_month,
                                                  regular: int):
    """The demo skips some stock reports: a dealer that sent the `regular` reports before a
    missing one is flagged in the month after it (when that report was due)."""
    sent = defaultdict(set)
    for dealer, period in StockReport.objects.values_list("dealer_id", "period"):
        sent[dealer].add(period)
    expected = set()
    for dealer, periods in sent.items():
        month = first_period
        while month <= last_month:
            due = h.add_months(month, -1)
            if due not in periods and all(h.add_months(due, -n) in periods
                                          for n in range(1, regular + 1)):
                expected.add((dealer, month))
            month = h.add_months(month, 1)
    raised = {(dealer, month) for (dealer, code), periods in found.items()
              if code == "stock-report-missing" for month in periods}
    assert expected and raised == expected
    return expected


def _declining_dealers_stop_growing_and_steady_ones_do_not(found):
    """Declining dealers' last twelve months fall below the twelve before while their
    peers grow; steady dealers (-3% to +15% a year) are never flagged."""
    for dealer in _tagged(h.DECLINING):
        assert found[(dealer, "stagnant")], dealer
    assert not [dealer for dealer in _tagged(h.STEADY) if found[(dealer, "stagnant")]]


def _steady_dealers_are_quiet(found, first_period, last_month):
    """Share of steady dealer-months (from each dealer's first order) with an order or
    price alarm."""
    steady = _tagged(h.STEADY)
    first_orders = {}
    for dealer, day in _sales(steady).values_list("dealer_id", "ordered_on"):
        first_orders[dealer] = min(day, first_orders.get(dealer, day))
    dealer_months = 0
    for day in first_orders.values():
        start = max(first_period, day.replace(day=1))
        dealer_months += (last_month.year - start.year) * 12 + last_month.month - start.month + 1
    order_rules = set(Rule.objects.filter(signal__in=ORDER_SIGNALS).values_list("code",
                                                                               flat=True))
    alarms = [(dealer, code, month) for (dealer, code), periods in found.items()
              for month in periods if dealer in first_orders and code in order_rules]
    return alarms, dealer_months


@pytest.mark.django_db
def test_the_scan_finds_every_planted_pattern_in_the_month_it_first_shows():
    call_command("demo_data", scale="small", stdout=io.StringIO())
    today = timezone.localdate()
    window = h.Window.ending(today, not_before=catalog_demo.PRICES_FROM)
    current, last_month = window.current, services.last_complete_month()
    first_period = h.add_months(window.start, 1)
    assert h.add_months(last_month, 1) == current
    # The demo scans its last year itself; this test judges all history from scratch.
    assert Alert.objects.exists()
    Alert.objects.all().delete()

    run = services.scan(periods=(first_period, last_month))

    assert run.raised == Alert.objects.count() > 0
    found = _alerts()
    overdue = Rule.objects.get(code="overdue-30").params
    first_order = Rule.objects.get(code="first-order-only").params
    _declining_show_six_months_back(found, current)
    _price_drop_shows_when_the_discount_starts(found)
    _stopped_shows_the_month_after_the_last_order(found, last_month)
    _one_order_shows_sixty_days_after_it(found, int(first_order["days"]))
    months = [h.add_months(window.start, n) for n in range(
        (last_month.year - window.start.year) * 12 + last_month.month - window.start.month + 1)]
    _late_payers_show_when_first_30_days_overdue(
        found, months, Decimal(str(overdue["min_base"])), 1 + Decimal(str(overdue["rise"])))

    _missing_reports_show_the_month_they_were_due(
        found, first_period, last_month,
        int(Rule.objects.get(code="stock-report-missing").params["regular_months"]))
    _declining_dealers_stop_growing_and_steady_ones_do_not(found)

    alarms, dealer_months = _steady_dealers_are_quiet(found, first_period, last_month)
    # Steady dealers vary ±5% a month around a trend of -3% to +15% a year, and their
    # summer lift depends on how many of a month's few lines are drinks (×1.45 in July).
    # Observed: 2 alarms in 1,961 dealer-months (0.1%), both a July 25-31% below the July
    # before. Bound: under 0.5%, i.e. a false order alarm per 200 dealer-months at most (a
    # company of 1,000 dealers would see five a month); the demo's dates move with today,
    # so the bound leaves room for other months' noise.
    assert dealer_months > 1500
    assert len(alarms) / dealer_months < 0.005, alarms
