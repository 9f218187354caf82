"""The demo's calls and visits show what the pages and the early warning are for: most
dealers looked after, some overdue, and a few whose calls to us jump in the last month."""

import random
from decimal import Decimal

import pytest
from django.db.models import Count

from qudao.dealers.models import Dealer
from qudao.stock.periods import add_months
from qudao.visits import compliance, demo
from qudao.visits.models import Contact, MonthPlan, PlanComment
from tests.factories import DealerFactory
from tests.visits.factories import seasoned, today


@pytest.mark.django_db
def test_demo_calls_and_visits(world, north_rep, north_manager, east_rep, hq_admin):
    for n in range(36):
        DealerFactory(code=f"D{n:04d}", territory=world.shijiazhuang, assigned_rep=north_rep)
    Dealer.objects.filter(pk=world.dealer_b.pk).update(assigned_rep=east_rep)
    seasoned(*Dealer.objects.all())
    Dealer.objects.update(latitude=Decimal("38.042000"), longitude=Decimal("114.514000"))

    demo.run(scale="small", rng=random.Random("2026:visits"), ctx={})

    active = Dealer.objects.filter(status="active").count()
    assert set(Contact.objects.values_list("dealer_id", flat=True).distinct()) == set(
        Dealer.objects.filter(status="active").values_list("pk", flat=True))
    # Dealers without a rep are looked after by the manager of their 大区.
    assert set(Contact.objects.filter(dealer=world.dealer_beijing)
               .values_list("staff_id", flat=True)) == {north_manager.pk}
    report = compliance.compliance(user=hq_admin)
    overdue = report["total"]["call_overdue"]
    assert 1 <= overdue <= active * 0.25
    assert report["total"]["visit_overdue"] >= 1

    last = add_months(today().replace(day=1), -1)
    jumpers = list(Dealer.objects.filter(tags__name="demo:calls_jump"))
    assert len(jumpers) == 4
    for dealer in jumpers:
        inbound = dict(Contact.objects.filter(dealer=dealer, kind="call_in").order_by()
                       .values_list("month").annotate(n=Count("id")))
        before = [inbound.get(add_months(last, -k), 0) for k in range(1, 6)]
        assert inbound[last] >= 7 and max(before) <= 2, (dealer.code, inbound)
    visits = Contact.objects.filter(kind="visit")
    checked_in = visits.filter(latitude__isnull=False, distance_basis="dealer")
    assert checked_in.count() >= visits.count() * 0.8
    assert sorted(checked_in.values_list("distance_m", flat=True))[checked_in.count() // 2] \
        < 100  # the median check-in is at the dealer's door

    plans = MonthPlan.objects.filter(rep=north_rep).order_by("month")
    assert [p.month for p in plans][:1] == [last]
    assert PlanComment.objects.filter(plan=plans[0], author=north_manager).exists()
    assert plans[0].items.count() >= 10
