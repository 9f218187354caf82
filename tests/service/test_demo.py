"""The service demo on the test world: requests through the services in time order, some
overdue now, some rated, escalations recorded once, and a complaint surge tagged."""

import datetime
import random

import pytest
from django.db.models import Count
from django.utils import timezone

from qudao.core.models import AuditEvent
from qudao.dealers.models import Dealer
from qudao.service import demo, services
from qudao.service.filters import overdue_q
from qudao.service.models import ServiceEscalation, ServiceFunction, ServiceRequest
from qudao.stock.periods import add_months
from tests.factories import ProductFactory


@pytest.mark.django_db
def test_demo_plays_a_believable_history(clock, world, hq_admin, service, finance,
                                         north_rep, north_manager, east_rep, dealer_a_admin):
    clock.set("2026-11-23 15:00")
    for _n in range(5):
        ProductFactory()
    ctx = {"admin": hq_admin}
    demo.run(scale="small", rng=random.Random("2026:service"), ctx=ctx)

    requests = ServiceRequest.objects.all()
    assert requests.count() == ctx["service_requests"] > 30
    statuses = dict(requests.values_list("status").annotate(n=Count("id")))
    assert statuses["closed"] > 30 and statuses["new"] >= 3
    assert requests.filter(overdue_q()).count() >= 3
    assert requests.filter(rating__isnull=False).count() >= 3
    assert requests.filter(channel="portal").exists() and requests.filter(
        channel="phone").exists()
    # Escalated once per deadline and level, and nothing more to do now.
    assert ServiceEscalation.objects.exists()
    assert not ServiceEscalation.objects.values("request", "deadline", "level", "due_at"
                                                ).annotate(n=Count("id")).filter(n__gt=1)
    assert services.escalate_due() == 0
    # The directory is filled in, through the audited service.
    logistics = ServiceFunction.objects.get(code="logistics")
    assert (logistics.responsible.username, logistics.phone) == ("svc_logistics",
                                                                 "0311-86000002")
    assert AuditEvent.objects.filter(event="service_function.changed").count() == 10

    # The surge: complaints and quality problems of the tagged dealer last month.
    surge = list(Dealer.objects.filter(tags__name="demo:complaints"))
    assert [d.pk for d in surge] == ctx["service_surge_dealers"] and len(surge) == 1
    last = add_months(timezone.localdate().replace(day=1), -1)
    start = datetime.datetime.combine(last, datetime.time(), tzinfo=timezone.get_current_timezone())
    end = datetime.datetime.combine(add_months(last, 1), datetime.time(),
                                    tzinfo=timezone.get_current_timezone())
    surge_requests = requests.filter(dealer=surge[0], function__code__in=["complaint",
                                                                        "quality"])
    in_surge = surge_requests.filter(created_at__gte=start, created_at__lt=end).count()
    before = surge_requests.filter(created_at__lt=start).count()  # April to September
    assert in_surge >= 5 and in_surge >= 5 * before / 6
