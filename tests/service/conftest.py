"""Fixtures of the dealer-service tests: a frozen clock, the service desk staffed, and
Shanghai moments written the way people say them."""

import datetime

import pytest
from django.utils import timezone

from qudao.service.models import ServiceFunction
from qudao.service.workhours import SHANGHAI
from tests.factories import UserFactory


def at(text: str) -> datetime.datetime:
    """A Shanghai moment from "2026-03-02 10:00"."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Clock:
    """timezone.now() frozen at a moment the test moves by hand."""

    def __init__(self, monkeypatch, moment: datetime.datetime) -> None:
        self.now = moment
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, moment: datetime.datetime | str) -> datetime.datetime:
        self.now = at(moment) if isinstance(moment, str) else moment
        return self.now


@pytest.fixture(autouse=True)
def _seeded(request):
    """Database tests start from the seeded directory and calendar."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from tests.service.seeds import ensure_seeded

    ensure_seeded()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Frozen at Monday 2 March 2026, 10:00 in Shanghai (a plain working Monday)."""
    return Clock(monkeypatch, at("2026-03-02 10:00"))


def function(code: str) -> ServiceFunction:
    return ServiceFunction.objects.get(code=code)


@pytest.fixture
def desk(world, service):
    """Logistics answered by the customer-service persona; product quality routed by
    region: 石家庄 to one engineer, the rest of 华北 to another, elsewhere to the head of
    quality (the function's responsible person)."""
    logistics = function("logistics")
    logistics.responsible = service
    logistics.phone = "0311-86001234"
    logistics.email = "wuliu@qudao.example.com"
    logistics.save()
    quality = function("quality")
    head = UserFactory(username="quality_head", role="customer_service", full_name="质量部长")
    quality.responsible = head
    quality.save()
    sjz = UserFactory(username="qe_sjz", role="customer_service", full_name="石家庄质检")
    north = UserFactory(username="qe_north", role="customer_service", full_name="华北质检")
    quality.routes.create(territory=world.shijiazhuang, user=sjz)
    quality.routes.create(territory=world.hb, user=north)
    return {"logistics": logistics, "quality": quality, "quality_head": head,
            "qe_sjz": sjz, "qe_north": north}
