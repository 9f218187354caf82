"""Quality issues by SKU (R-EW-04): the service requests of the quality function naming a
product, counted per product and month across dealers — exact alerts on hand-built
requests, a product with its usual trickle raising none, and the rule's scope deciding
whose reports count."""

import datetime

import pytest
from django.utils import timezone

from qudao.alerts import services
from qudao.alerts.models import Alert
from qudao.service.models import ServiceFunction
from tests.alerts import D, dealer, figures, flat, found, month, rule
from tests.factories import ProductFactory
from tests.service.factories import request_make

JAN, DEC = month(2025, 1), month(2025, 12)
YEAR = (JAN, DEC)


def _raised(dealer, product, day: datetime.date, count: int = 1, code: str = "quality"):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    for _n in range(count):
        request_make(dealer, code=code, product=product, created_at=moment)


def _scan():
    return services.scan(periods=YEAR, rules=[rule("product-quality")])


@pytest.mark.django_db
def test_a_product_with_quality_issues_from_three_dealers_in_one_month(world, north_rep,
                                                                      east_rep, hq_admin):
    ServiceFunction.objects.filter(code="quality").update(responsible=hq_admin)
    cup, bowl = ProductFactory(sku="CUP-1"), ProductFactory(sku="BOWL-1")
    a = dealer("HB-A", world.shijiazhuang, rep=north_rep)
    b = dealer("HB-B", world.shijiazhuang, rep=north_rep)
    c = dealer("HD-C", world.hangzhou, rep=east_rep)
    for x in (a, b, c):
        flat(x, JAN, DEC, 50000)
    # The cup: one issue a month from dealer A all year (its usual trickle), and in
    # September 2 more from A, 2 from B and 1 from C: 6 against 1 a month before (+500%).
    for m in (month(2025, n) for n in range(1, 13)):
        _raised(a, cup, m.replace(day=12))
    _raised(a, cup, datetime.date(2025, 9, 3), 2)
    _raised(b, cup, datetime.date(2025, 9, 20), 2)
    _raised(c, cup, datetime.date(2025, 9, 30))
    # The bowl: two issues every month (steady), and a complaint (not quality) surge.
    for m in (month(2025, n) for n in range(1, 13)):
        _raised(b, bowl, m.replace(day=8), 2)
    _raised(c, bowl, datetime.date(2025, 6, 8), 6, code="complaint")

    _scan()

    assert found() == {("product-quality", f"product:{cup.pk}", month(2025, 9))}
    alert = Alert.objects.get()
    assert alert.product == cup and alert.dealer is None
    assert figures(alert) == (D("6"), D("1"), D("5"), None, "critical")
    assert alert.details["dealers"] == 3
    assert alert.assigned_to == hq_admin
    # Its chart: the cup's issues in the 13 months up to September, the jump at the end.
    series = dict(zip(alert.details["series"]["months"], alert.details["series"]["values"],
                      strict=True))
    assert list(series)[0] == "2024-09" and list(series)[-1] == "2025-09"
    assert D(series["2024-12"]) == 0 and D(series["2025-01"]) == 1
    assert D(series["2025-08"]) == 1 and D(series["2025-09"]) == 6


@pytest.mark.django_db
def test_a_scoped_rule_counts_only_its_regions_dealers(world, north_rep, east_rep):
    cup = ProductFactory(sku="CUP-2")
    a = dealer("HB-A", world.shijiazhuang, rep=north_rep)
    c = dealer("HD-C", world.hangzhou, rep=east_rep)
    flat(a, JAN, DEC, 50000)
    flat(c, JAN, DEC, 50000)
    _raised(c, cup, datetime.date(2025, 4, 10), 5)  # five issues, all in the east
    north = rule("product-quality")
    north.territories.set([world.hebei])

    services.scan(periods=YEAR, rules=[rule("product-quality")])
    assert found() == set()

    north.territories.set([world.zhejiang])
    services.scan(periods=YEAR, rules=[rule("product-quality")])
    assert found() == {("product-quality", f"product:{cup.pk}", month(2025, 4))}
    assert figures(Alert.objects.get()) == (D("5"), D("0"), D("4"), None, "critical")


@pytest.mark.django_db
def test_the_product_alert_page_names_the_product(client, world, director):
    cup = ProductFactory(sku="CUP-3", name="骨瓷杯")
    a = dealer("HB-A", world.shijiazhuang)
    flat(a, JAN, DEC, 50000)
    _raised(a, cup, datetime.date(2025, 11, 5), 4)
    _scan()
    alert = Alert.objects.get()
    client.force_login(director)

    page = client.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    listing = client.get("/alerts/list/?state=all", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "CUP-3" in page and "骨瓷杯" in page
    assert "CUP-3" in listing
