"""Pages: what each role sees, the rep's anonymity, the dealer's rating form, and query
counts that do not grow with the rows."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qudao.performance.models import ChannelExpense, RepRating
from tests.factories import DealerFactory
from tests.performance.conftest import PERIOD
from tests.performance.factories import expense_make, fact

pytestmark = pytest.mark.django_db


def test_company_report_page(quarter, hq_admin, login):
    response = login(hq_admin).get(f"/performance/?period={PERIOD}",
                                   HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="ops-sell-in">3,750<' in page
    assert 'data-testid="econ-market-share">5.0%<' in page
    assert 'data-testid="ops-conflicts">n/a<' in page
    assert "perf-trend" in page


def test_report_export(quarter, hq_admin, login):
    response = login(hq_admin).get(f"/performance/export/?period={PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_manager_is_limited_to_his_regions(quarter, north_manager, login):
    client = login(north_manager)
    response = client.get(f"/performance/?period={PERIOD}")
    assert response.status_code == 200
    assert response.context["region"] == quarter.hb
    assert {t.code for t in response.context["regions"]} == {
        "HB", "130000", "130100", "130200", "110000", "110101"}
    assert not response.context["company"]
    assert client.get(f"/performance/?region={quarter.zhejiang.pk}").status_code == 404
    assert client.get(f"/performance/kpi/?region={quarter.hd.pk}").status_code == 404


@pytest.mark.parametrize("path", ["/performance/", "/performance/kpi/",
                                  "/performance/expenses/", "/performance/market-sizes/",
                                  "/performance/kpi/weights/"])
def test_dealer_users_are_refused(quarter, dealer_a_admin, login, path):
    assert login(dealer_a_admin).get(path).status_code == 403


def test_rep_sees_his_averages_never_who_said_what(quarter, north_rep, east_rep, login):
    client = login(north_rep)
    assert client.get("/performance/").status_code == 403
    response = client.get(f"/performance/kpi/{north_rep.pk}/?period={PERIOD}",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="avg-responsiveness">3.5<' in page
    for secret in ("石家庄恒顺商贸有限公司", "唐山丰源食品商行", "很专业", "响应慢"):
        assert secret not in page
    assert 'data-testid="rating-details"' not in page
    assert client.get(f"/performance/kpi/{east_rep.pk}/").status_code == 403


def test_rep_with_one_rating_sees_no_average(quarter, north_rep, login):
    RepRating.objects.filter(dealer=quarter.dealer_a_sub).delete()
    response = login(north_rep).get(f"/performance/kpi/{north_rep.pk}/?period={PERIOD}")
    page = response.content.decode()
    assert 'data-testid="rating-hidden"' in page
    assert 'data-testid="avg-responsiveness"' not in page


def test_manager_sees_each_dealers_rating(quarter, north_manager, east_rep, north_rep, login):
    client = login(north_manager)
    response = client.get(f"/performance/kpi/{north_rep.pk}/?period={PERIOD}")
    page = response.content.decode()
    assert "石家庄恒顺商贸有限公司" in page and "很专业" in page
    assert page.count('data-testid="rating-row"') == 2
    # east_rep works outside 华北.
    assert client.get(f"/performance/kpi/{east_rep.pk}/").status_code == 404


def test_kpi_ranking_page(quarter, hq_admin, login):
    response = login(hq_admin).get(f"/performance/kpi/?period={PERIOD}")
    page = response.content.decode()
    assert page.count('data-testid="kpi-row"') == 2
    assert 'data-testid="kpi-flagged"' in page
    assert login(hq_admin).get(f"/performance/kpi/export/?period={PERIOD}").status_code == 200


def test_weights_page(quarter, hq_admin, north_manager, login):
    assert login(north_manager).get("/performance/kpi/weights/").status_code == 403
    client = login(hq_admin)
    data = {"new_dealers": "0.15", "first_orders": "0.10", "retention": "0.15",
            "repeat_orders": "0.10", "growth": "0.10", "contact": "0.10",
            "first_order_only": "0.05", "sell_through": "0.10", "rating": "0.10",
            "new_dealers_per_month": "1", "first_orders_per_month": "1"}
    response = client.post("/performance/kpi/weights/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "they must add up to exactly 1.00" in response.content.decode()
    response = client.post("/performance/kpi/weights/", {**data, "rating": "0.15"})
    assert response.status_code == 302


def test_dealer_rates_its_rep_in_the_portal(quarter, dealer_a_admin, north_rep, login):
    RepRating.objects.all().delete()
    client = login(dealer_a_admin)
    page = client.get("/performance/rate/")
    assert page.status_code == 200 and "河北业务员" in page.content.decode()
    data = {"responsiveness": "4", "professionalism": "5", "sales_help": "3", "comment": "好"}
    assert client.post("/performance/rate/", data).status_code == 302
    assert client.post("/performance/rate/", {**data, "sales_help": "5"}).status_code == 302
    rating = RepRating.objects.get()
    assert (rating.rep, rating.sales_help, rating.dealer) == (north_rep, 5, quarter.dealer_a)


def test_expense_pages(quarter, hq_admin, north_manager, login):
    client = login(north_manager)
    page = client.get("/performance/expenses/?category=promotion")
    assert page.content.decode().count('data-testid="expense-row"') == 1
    # 华东's staff expense is not his.
    assert client.get("/performance/expenses/").content.decode().count(
        'data-testid="expense-row"') == 3
    expense = ChannelExpense.objects.get(category="staff")
    assert client.post(f"/performance/expenses/{expense.pk}/delete/").status_code == 403
    admin = login(hq_admin)
    assert admin.get(f"/performance/expenses/{expense.pk}/delete/").status_code == 405
    assert admin.post(f"/performance/expenses/{expense.pk}/delete/").status_code == 302
    assert not ChannelExpense.objects.filter(pk=expense.pk).exists()
    response = admin.post("/performance/expenses/new/", {
        "territory": quarter.hebei.pk, "month": "2025-03", "category": "rebates",
        "amount": "450.00", "note": "季度返利"})
    assert response.status_code == 302
    assert ChannelExpense.objects.get(category="rebates").month == datetime.date(2025, 3, 1)
    assert admin.get("/performance/expenses/export/?category=rebates").status_code == 200


def _more(world, n: int) -> None:
    """n more dealers in Hebei with a quarter of facts, expenses and ratings."""
    for index in range(n):
        dealer = DealerFactory(territory=world.shijiazhuang, assigned_rep=None)
        for when in ("2025-01", "2025-02", "2024-12"):
            fact(dealer, when, order_amount="100", order_count=1, order_quantity=10)
        expense_make(world.hebei, "2025-01", "other", str(index + 1))


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [f"/performance/?period={PERIOD}",
                                 f"/performance/kpi/?period={PERIOD}",
                                 "/performance/expenses/", "/performance/market-sizes/",
                                 f"/api/performance/report?period={PERIOD}",
                                 f"/api/performance/kpi?period={PERIOD}",
                                 "/api/channel-expenses"])
def test_queries_do_not_grow_with_rows(quarter, hq_admin, login, url,
                                       django_assert_max_num_queries):
    client = login(hq_admin)
    before = _count(client, url)
    _more(quarter, 12)
    with django_assert_max_num_queries(before):
        assert client.get(url).status_code == 200
    assert before < 45
    assert D(1)
