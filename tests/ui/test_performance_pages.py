"""HQ reads the company's channel performance report with its charts and the reps' KPI
ranking; a dealer rates its sales rep in the portal. On a desktop and on a phone;
screenshots in /tmp/shots/performance/."""

import random
from pathlib import Path

import pytest

from qudao.analytics.services import facts_rebuild
from qudao.performance import demo
from qudao.performance.models import RepRating
from tests.performance.factories import fact
from tests.ui.conftest import login_as

pytestmark = [pytest.mark.ui, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/performance")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _history(world, north_rep, east_rep) -> None:
    """Two years of monthly facts for the world's dealers, then the demo step."""
    from django.utils import timezone

    from qudao.stock.periods import add_months

    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    world.dealer_a_sub.assigned_rep = north_rep
    world.dealer_a_sub.save()
    world.dealer_b.assigned_rep = east_rep
    world.dealer_b.save()
    facts_rebuild()
    this_month = timezone.localdate().replace(day=1)
    rng = random.Random(5)
    for back in range(24):
        month = add_months(this_month, -back)
        for dealer in (world.dealer_a, world.dealer_a_sub, world.dealer_b,
                       world.dealer_beijing):
            amount = rng.randint(20, 80) * 1000
            fact(dealer, f"{month:%Y-%m}", order_amount=amount, list_amount=amount * 1.1,
                 order_count=rng.randint(1, 3), order_quantity=amount // 100,
                 target_amount=60000, invoiced_amount=amount,
                 payment_amount=amount * 0.9, stock_reports=1,
                 sold_quantity=amount // 120, active_customers=rng.randint(5, 20))
    demo.run(scale="small", rng=random.Random(2), ctx={})


def test_report_kpi_and_rating(page, browser, live_server, world, hq_admin, north_rep,
                               east_rep, north_manager, dealer_a_admin):
    _history(world, north_rep, east_rep)

    # HQ: the company's report, charts drawn.
    login_as(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/performance/")
    page.wait_for_selector("[data-testid=chart-sales] canvas")
    page.wait_for_selector("[data-testid=chart-expenses] canvas")
    assert page.get_by_test_id("org-reps").inner_text() == "2"
    assert page.get_by_test_id("econ-sales").inner_text() != "0"
    _shot(page, "report-desktop-zh")

    # Another period from the selector.
    page.get_by_test_id("period-select").select_option(index=8)
    page.wait_for_selector("[data-testid=chart-sales] canvas")
    _shot(page, "report-year-desktop-zh")

    # The KPI ranking.
    page.goto(f"{live_server.url}/performance/kpi/")
    assert page.get_by_test_id("kpi-row").count() == 2
    _shot(page, "kpi-ranking-desktop-zh")
    page.get_by_test_id("kpi-row").first.locator("a").first.click()
    page.wait_for_selector("[data-testid=kpi-items]")
    assert page.get_by_test_id("kpi-item").count() == 9
    _shot(page, "kpi-detail-desktop-zh")

    # The dealer rates its rep in the portal.
    RepRating.objects.filter(dealer=world.dealer_a).delete()
    login_as(page, live_server, "dealer_a_admin")
    page.goto(f"{live_server.url}/performance/rate/")
    form = page.get_by_test_id("rating-form")
    form.locator("[name=responsiveness][value='4']").check()
    form.locator("[name=professionalism][value='5']").check()
    form.locator("[name=sales_help][value='3']").check()
    form.locator("textarea[name=comment]").fill("上门及时，促销支持还可以更多。")
    _shot(page, "rate-desktop-zh")
    page.get_by_test_id("rating-submit").click()
    page.wait_for_selector("[data-testid=already-rated]")
    rating = RepRating.objects.get(dealer=world.dealer_a)
    assert (rating.rep, rating.responsiveness, rating.sales_help) == (north_rep, 4, 3)
    _shot(page, "rate-done-desktop-zh")

    # On a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    login_as(mobile, live_server, "hq_admin")
    mobile.goto(f"{live_server.url}/performance/")
    mobile.wait_for_selector("[data-testid=chart-sales] canvas")
    _shot(mobile, "report-phone-zh")
    mobile.goto(f"{live_server.url}/performance/kpi/")
    _shot(mobile, "kpi-ranking-phone-zh")
    login_as(mobile, live_server, "dealer_a_admin")
    mobile.goto(f"{live_server.url}/performance/rate/")
    _shot(mobile, "rate-phone-zh")
    phone.close()
