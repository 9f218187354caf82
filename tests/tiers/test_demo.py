"""The demo step on the small test world: the review run and decided, three actions."""

import random
from decimal import Decimal

import pytest

from qudao.dealers.models import Tag
from qudao.tiers import demo
from qudao.tiers.models import GradeChange, LifecycleAction, TierReview
from tests.tiers.factories import year_make

pytestmark = pytest.mark.django_db


def test_demo_reviews_decides_and_acts(rules, world, director, north_manager, north_rep):
    world.dealer_a.grade = "B"
    world.dealer_a.assigned_rep = north_rep
    world.dealer_a.save()
    year_make(world.dealer_a, sales_per_month=Decimal("300000"))
    year_make(world.dealer_beijing, sales_per_month=Decimal("100000"))
    world.dealer_a_sub.tags.add(Tag.objects.create(name="demo:declining"))
    world.dealer_beijing.tags.add(Tag.objects.create(name="demo:stopped"))

    demo.run(scale="small", rng=random.Random(1), ctx={})

    review = TierReview.objects.get()
    assert review.status == "done" and not review.suggestions.filter(status="pending").exists()
    world.dealer_a.refresh_from_db()
    assert world.dealer_a.grade == "A"
    assert GradeChange.objects.filter(dealer=world.dealer_a, to_grade="A").exists()
    kinds = dict(LifecycleAction.objects.values_list("kind", "status"))
    assert kinds == {"grow_credit": "approved", "probation": "running",
                     "terminate": "approved"}
    world.dealer_beijing.refresh_from_db()
    assert (world.dealer_beijing.status, world.dealer_beijing.exit_reason) == (
        "terminated", "performance")
