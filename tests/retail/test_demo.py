"""The demo's retail data shows what the pages are for: audited stores, applications in
every state, certificates (one about to expire) and negotiations."""

import random

import pytest
from django.db.models import Count

from qudao.retail import demo
from qudao.retail.models import Application, Certificate, Negotiation, StoreAudit
from tests.factories import DealerFactory


@pytest.mark.django_db
def test_demo_retail(world, hq_admin, north_rep, north_manager):
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    for n in range(35):
        DealerFactory(code=f"S{n:04d}", channel_level="terminal", parent=world.dealer_a,
                      territory=world.shijiazhuang, retailer_type="authorized", grade="B",
                      assigned_rep=north_rep)

    demo.run(scale="small", rng=random.Random("2026:retail"), ctx={"admin": hq_admin})

    audited = StoreAudit.objects.values("retailer").distinct().count()
    assert audited == 30
    # A store's rep audits it; head office the one without a rep (A0003).
    assert set(StoreAudit.objects.exclude(auditor=north_rep)
               .values_list("retailer__code", "auditor__username")) <= {("A0003", "hq_admin")}
    states = dict(Application.objects.values_list("status").annotate(n=Count("id")))
    assert set(states) == {"submitted", "reviewed", "approved", "rejected"}
    assert Certificate.objects.count() == states["approved"] >= 3
    assert [c.state for c in Certificate.objects.all()].count("expiring") == 1
    approved = Application.objects.filter(status="approved", retailer__isnull=False)
    assert all(a.decided_by == north_manager for a in approved)
    assert Negotiation.objects.values("retailer").distinct().count() == 3
