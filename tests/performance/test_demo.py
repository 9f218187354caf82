"""The demo step runs on a small world after the facts and leaves data the pages show."""

import random

import pytest

from qudao.performance import demo
from qudao.performance.models import ChannelExpense, MarketSize, RegionIndicator, RepRating

pytestmark = pytest.mark.django_db


def test_demo_runs_on_the_test_world(quarter, hq_admin, login):
    demo.run(scale="small", rng=random.Random(1), ctx={})
    provinces = 3  # 河北, 北京, 浙江
    assert ChannelExpense.objects.values("territory").distinct().count() >= provinces
    assert MarketSize.objects.count() == provinces * 2
    assert RegionIndicator.objects.filter(territory__isnull=True).count() == 1
    assert RepRating.objects.count() > 4
    assert login(hq_admin).get("/performance/").status_code == 200
