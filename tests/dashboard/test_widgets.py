"""Dashboard trade widgets: sales vs target with pace, collections, aging, laggards; scoped."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from qudao.stock.periods import add_months, month_start
from tests.factories import DealerFactory, ProductFactory
from tests.helpers import page_queries
from tests.stock.factories import InvoiceFactory, PaymentFactory, monthly_targets, sale
from tests.trade import trading_dealer

# The dashboard's own queries (session, user, scope, counts, trade widgets) and the unread
# alert and service-notification counts every page's navigation shows stay under this.
MAX_DASHBOARD_QUERIES = 15


@pytest.fixture
def trade(world):
    today = timezone.localdate()
    tea = ProductFactory()
    agreement = trading_dealer(world.dealer_a, start_date=datetime.date(today.year, 1, 1),
                               end_date=datetime.date(today.year, 12, 31))
    monthly_targets(agreement, {m: "2000" for m in range(1, 13)}, year=today.year)
    sale(world.dealer_a, tea, today, "1000")
    sale(world.dealer_a, tea, today, "77", status="cancelled")
    sale(world.dealer_b, tea, today, "5000")

    def past(days):
        return today - datetime.timedelta(days=days)

    for due, amount, paid in ((today + datetime.timedelta(days=5), "100", "0"),
                              (past(days=10), "500", "200"), (past(days=45), "400", "0"),
                              (past(days=100), "700", "0")):
        InvoiceFactory(dealer=world.dealer_a, due_on=due, amount=Decimal(amount),
                       paid_amount=Decimal(paid))
    InvoiceFactory(dealer=world.dealer_a, due_on=past(days=50), amount=Decimal("300"),
                   paid_amount=Decimal("300"), status="paid")
    InvoiceFactory(dealer=world.dealer_b, due_on=past(days=50), amount=Decimal("9999"))
    PaymentFactory(dealer=world.dealer_a, received_on=today, amount=Decimal("800"))
    PaymentFactory(dealer=world.dealer_a, received_on=add_months(month_start(today), -2),
                   amount=Decimal("300"))
    PaymentFactory(dealer=world.dealer_b, received_on=today, amount=Decimal("999"))
    return today


@pytest.mark.django_db
def test_a_north_rep_sees_his_dealers_figures_only(world, north_rep, login, trade):
    response = login(north_rep).get("/")
    figures = response.context["trade"]
    month = figures["progress"]["month"]
    assert (month["actual"], month["target"]) == (Decimal("1000.00"), Decimal("2000.00"))
    assert figures["progress"]["year"]["target"] == Decimal("24000.00")
    assert figures["sales_series"]["sales"][-1] == 1000.0
    assert figures["collected_this_month"] == Decimal("800")
    assert figures["collections_series"]["amounts"][-3:] == [300.0, 0.0, 800.0]
    assert [(b["key"], b["amount"]) for b in figures["aging"]["buckets"]] == [
        ("current", Decimal("100.00")), ("d0_30", Decimal("300.00")),
        ("d31_60", Decimal("400.00")), ("d61_90", Decimal("0.00")),
        ("d90_plus", Decimal("700.00"))]
    assert figures["aging"]["overdue"] == Decimal("1400.00")
    body = response.content.decode()
    assert 'data-testid="overdue-total">¥1,400.00<' in body
    assert "5,000" not in body and "9,999" not in body


@pytest.mark.django_db
def test_an_east_rep_sees_only_east_sales(world, east_rep, login, trade):
    figures = login(east_rep).get("/").context["trade"]
    assert figures["progress"]["month"]["actual"] == Decimal("5000.00")
    assert figures["progress"]["month"]["target"] == Decimal("0.00")
    assert figures["aging"]["overdue"] == Decimal("9999.00")
    assert figures["lagging"] == []


@pytest.mark.django_db
def test_laggards_link_to_their_dealer_pages(world, hq_admin, login, trade):
    if trade.month == 1 and trade.day < 16:
        pytest.skip("early January: 1,000 sold may be ahead of the year's pace")
    response = login(hq_admin).get("/")
    lagging = response.context["trade"]["lagging"]
    assert [dealer.code for dealer, _progress in lagging] == ["A0001"]
    assert f'href="/dealers/{world.dealer_a.pk}/"' in response.content.decode()


@pytest.mark.django_db
def test_dealer_users_see_their_own_figures_and_money_only_with_finance_rights(
        world, dealer_a_admin, dealer_a_staff, login, client, trade):
    admin = login(dealer_a_admin).get("/").context["trade"]
    assert admin["progress"]["month"]["actual"] == Decimal("1000.00")
    assert admin["aging"]["overdue"] == Decimal("1400.00")
    assert "lagging" not in admin
    client.logout()
    staff = login(dealer_a_staff).get("/")
    assert "aging" not in staff.context["trade"]
    assert 'data-testid="money-widget"' not in staff.content.decode()


@pytest.mark.django_db
def test_dashboard_queries_are_fixed_whatever_the_rows(world, hq_admin, login, trade):
    client = login(hq_admin)
    few = page_queries(client, "/")
    assert few <= MAX_DASHBOARD_QUERIES
    tea = ProductFactory()
    for i in range(15):
        dealer = DealerFactory(territory=world.hangzhou, name=f"杭州{i}")
        agreement = trading_dealer(dealer)
        monthly_targets(agreement, {trade.month: "500"}, year=trade.year)
        sale(dealer, tea, trade, "10")
        PaymentFactory(dealer=dealer, received_on=trade, amount=Decimal("5"))
        InvoiceFactory(dealer=dealer, due_on=trade - datetime.timedelta(days=40))
    cache.clear()  # the trade figures are kept a few minutes; count their queries again
    assert page_queries(client, "/") == few


@pytest.mark.django_db
def test_trade_figures_are_kept_a_few_minutes_per_scope(world, hq_admin, north_rep, login):
    client = login(hq_admin)
    first = page_queries(client, "/")
    again = page_queries(client, "/")
    assert again < first  # the sums are read once, then kept
    assert "data-testid=\"trade-as-of\"" in client.get("/").content.decode()
    # Another scope does not get HQ's figures: the rep's page computes its own.
    rep = login(north_rep)
    assert page_queries(rep, "/") > again
