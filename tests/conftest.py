"""Personas, one per role, in a small world of territories and dealers.

World: 华北 (HB) -> 河北 (130000) -> 石家庄 (130100), 唐山 (130200); HB -> 北京 (110000)
-> 东城 (110101); 华东 (HD) -> 浙江 (330000) -> 杭州 (330100).
Dealers: A (tier-1, 石家庄) with A-sub (tier-2, 唐山) and A-shop (terminal, 石家庄);
Beijing (tier-1, 东城); B (tier-1, 杭州).
north_manager covers HB, north_rep covers 河北, east_rep covers 浙江.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import translation

from qudao.territories.models import Territory, TerritoryAssignment
from tests.factories import PASSWORD, DealerFactory, UserFactory


@dataclass
class World:
    hb: Territory
    hebei: Territory
    shijiazhuang: Territory
    tangshan: Territory
    beijing: Territory
    dongcheng: Territory
    hd: Territory
    zhejiang: Territory
    hangzhou: Territory
    dealer_a: object
    dealer_a_sub: object
    dealer_a_shop: object
    dealer_beijing: object
    dealer_b: object


def _node(parent, code, name, level, name_en=""):
    values = {"code": code, "name": name, "level": level, "name_en": name_en}
    return (Territory.objects.add_child(parent, values) if parent
            else Territory.objects.add_root(values))


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` (row locks under real concurrency) run on PostgreSQL only."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _seeds_back(request):
    """A transactional test starts with the seeded rows an earlier one may have flushed."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from tests.seeds import ensure_seeded

        ensure_seeded()
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_in_the_test_thread():
    """Service messages and sheet headers in English where a test calls code directly.

    Requests still pick their language as a user's browser would (zh-hans by default).
    """
    with translation.override("en"):
        yield


@pytest.fixture
def world(db) -> World:
    hb = _node(None, "HB", "华北大区", "region", "North China")
    hebei = _node(hb, "130000", "河北省", "province", "Hebei")
    shijiazhuang = _node(Territory.objects.get(pk=hebei.pk), "130100", "石家庄市", "city",
                         "Shijiazhuang")
    tangshan = _node(Territory.objects.get(pk=hebei.pk), "130200", "唐山市", "city", "Tangshan")
    beijing = _node(Territory.objects.get(pk=hb.pk), "110000", "北京市", "province", "Beijing")
    dongcheng = _node(beijing, "110101", "东城区", "city", "Dongcheng")
    hd = _node(None, "HD", "华东大区", "region", "East China")
    zhejiang = _node(hd, "330000", "浙江省", "province", "Zhejiang")
    hangzhou = _node(zhejiang, "330100", "杭州市", "city", "Hangzhou")
    dealer_a = DealerFactory(code="A0001", name="石家庄恒顺商贸有限公司", territory=shijiazhuang)
    dealer_a_sub = DealerFactory(code="A0002", name="唐山丰源食品商行", channel_level="tier2",
                                 parent=dealer_a, territory=tangshan)
    dealer_a_shop = DealerFactory(code="A0003", name="石家庄便民超市", channel_level="terminal",
                                  parent=dealer_a, territory=shijiazhuang,
                                  retailer_type="authorized")
    dealer_beijing = DealerFactory(code="BJ001", name="北京京诚贸易有限公司", territory=dongcheng)
    dealer_b = DealerFactory(code="B0001", name="杭州西湖商贸有限公司", territory=hangzhou)
    return World(hb, hebei, shijiazhuang, tangshan, beijing, dongcheng, hd, zhejiang, hangzhou,
                 dealer_a, dealer_a_sub, dealer_a_shop, dealer_beijing, dealer_b)


def _assign(user, territory, role):
    TerritoryAssignment.objects.create(user=user, territory=territory, role=role)
    return user


@pytest.fixture
def hq_admin(world):
    return UserFactory(username="hq_admin", role="hq_admin", is_staff=True, full_name="总部管理员")


@pytest.fixture
def director(world):
    return UserFactory(username="director", role="sales_director", full_name="销售总监")


@pytest.fixture
def north_manager(world):
    return _assign(UserFactory(username="north_manager", role="regional_manager",
                               full_name="华北经理"), world.hb, "manager")


@pytest.fixture
def north_rep(world):
    user = _assign(UserFactory(username="north_rep", role="sales_rep", full_name="河北业务员"),
                   world.hebei, "rep")
    return user


@pytest.fixture
def east_rep(world):
    return _assign(UserFactory(username="east_rep", role="sales_rep", full_name="浙江业务员"),
                   world.zhejiang, "rep")


@pytest.fixture
def finance(world):
    return UserFactory(username="finance", role="finance", full_name="财务")


@pytest.fixture
def service(world):
    return UserFactory(username="service", role="customer_service", full_name="客服")


@pytest.fixture
def dealer_a_admin(world):
    return UserFactory(username="dealer_a_admin", role="dealer_admin", dealer=world.dealer_a,
                       full_name="恒顺老板")


@pytest.fixture
def dealer_a_staff(world):
    return UserFactory(username="dealer_a_staff", role="dealer_staff", dealer=world.dealer_a,
                       full_name="恒顺业务员")


@pytest.fixture
def dealer_b_admin(world):
    return UserFactory(username="dealer_b_admin", role="dealer_admin", dealer=world.dealer_b,
                       full_name="西湖老板")


PERSONAS = ["hq_admin", "director", "north_manager", "north_rep", "east_rep", "finance",
            "service", "dealer_a_admin", "dealer_a_staff", "dealer_b_admin"]


@pytest.fixture
def personas(request, world) -> dict:
    """Every persona by name."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def login(client):
    """Log the test client in as a user and return it."""
    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client
    return _login


# Which of the world's dealers each persona may see (by code).
EXPECTED_DEALERS = {
    "hq_admin": {"A0001", "A0002", "A0003", "BJ001", "B0001"},
    "director": {"A0001", "A0002", "A0003", "BJ001", "B0001"},
    "finance": {"A0001", "A0002", "A0003", "BJ001", "B0001"},
    "service": {"A0001", "A0002", "A0003", "BJ001", "B0001"},
    "north_manager": {"A0001", "A0002", "A0003", "BJ001"},
    "north_rep": {"A0001", "A0002", "A0003"},
    "east_rep": {"B0001"},
    "dealer_a_admin": {"A0001"},
    "dealer_a_staff": {"A0001"},
    "dealer_b_admin": {"B0001"},
}
