"""The access matrix: every API route, for every role, leaks nothing outside the user's scope.

Routes come from the OpenAPI document; a route that is not classified below fails the
test, so a route added later cannot escape the matrix.
"""

import importlib
import re

import pytest
from django.test import Client

from qudao.api import api
from qudao.core.models import AuditEvent
from qudao.dealers.models import Contact, Dealer
from qudao.territories.models import Territory
from tests.conftest import EXPECTED_DEALERS, PERSONAS
from tests.factories import ContactFactory

# Kind of each route: how its scope is checked.
MATRIX = {
    ("get", "/api/me"): "self",
    ("get", "/api/tokens"): "self",
    ("post", "/api/tokens"): "self",
    ("delete", "/api/tokens/{token_id}"): "self",
    ("get", "/api/dashboard"): "dashboard",
    ("get", "/api/territories"): "territory_list",
    ("post", "/api/territories"): "create",
    ("get", "/api/territories/{territory_id}"): "territory_read",
    ("patch", "/api/territories/{territory_id}"): "territory_write",
    ("get", "/api/territories/{territory_id}/assignments"): "territory_read",
    ("post", "/api/territories/{territory_id}/assignments"): "territory_write",
    ("get", "/api/dealers"): "dealer_list",
    ("post", "/api/dealers"): "create",
    ("post", "/api/dealers/import"): "create",
    ("get", "/api/dealers/{dealer_id}"): "dealer_read",
    ("patch", "/api/dealers/{dealer_id}"): "dealer_write",
    ("get", "/api/dealers/{dealer_id}/children"): "dealer_read",
    ("post", "/api/dealers/{dealer_id}/status"): "dealer_write",
    ("get", "/api/dealers/{dealer_id}/status-changes"): "dealer_read",
    ("get", "/api/dealers/{dealer_id}/history"): "dealer_read",
    ("get", "/api/dealers/{dealer_id}/contacts"): "dealer_read",
    ("post", "/api/dealers/{dealer_id}/contacts"): "dealer_write",
    ("get", "/api/contacts/{contact_id}"): "contact_read",
    ("patch", "/api/contacts/{contact_id}"): "contact_write",
    ("delete", "/api/contacts/{contact_id}"): "contact_write",
    ("get", "/api/products"): "company_wide",
    ("post", "/api/products"): "create",
    ("post", "/api/products/import"): "create",
    ("get", "/api/products/{product_id}"): "company_wide",
    ("patch", "/api/products/{product_id}"): "company_wide",
    ("get", "/api/products/{product_id}/prices"): "company_wide",
    ("post", "/api/products/{product_id}/prices"): "company_wide",
    ("get", "/api/categories"): "company_wide",
    ("get", "/api/brands"): "company_wide",
}

# Each app that adds routes classifies them in tests/<app>/matrix.py:
#   ROUTES = {(method, path): kind}, with kind one of the kinds above, or
#     "scoped_list"  a list whose items carry "dealer_id": only visible dealers' rows appear;
#     "<name>_read" / "<name>_write"  a record route checked through RECORDS[name];
#   RECORDS = {name: (path parameter, builder)}, builder(world) -> {dealer code: record id}
#     making one record per dealer of the world, to read (200 or 404) and write (403/404).
RECORDS: dict = {}
for _app in ("agreements", "orders", "finance", "stock", "imports", "alerts", "service",
             "visits", "events", "recruitment", "evaluation", "tiers",
             "performance", "retail"):
    _module = importlib.import_module(f"tests.{_app}.matrix")
    MATRIX.update(_module.ROUTES)
    RECORDS.update(_module.RECORDS)


def _record_kind(kind: str) -> tuple[str, str] | None:
    """("read" or "write", record name) for a record kind, else None."""
    name, _sep, action = kind.rpartition("_")
    return (action, name) if name in RECORDS and action in ("read", "write") else None

# Territory codes each persona may see (and so read through the API).
ALL_TERRITORIES = {"HB", "130000", "130100", "130200", "110000", "110101", "HD", "330000",
                   "330100"}
EXPECTED_TERRITORIES = {
    "hq_admin": ALL_TERRITORIES, "director": ALL_TERRITORIES, "finance": ALL_TERRITORIES,
    "service": ALL_TERRITORIES,
    "north_manager": {"HB", "130000", "130100", "130200", "110000", "110101"},
    "north_rep": {"130000", "130100", "130200"},
    "east_rep": {"330000", "330100"},
    "dealer_a_admin": set(), "dealer_a_staff": set(), "dealer_b_admin": set(),
}
WRITE_BODIES = {
    "/api/dealers/{dealer_id}": {"name": "改名"},
    "/api/dealers/{dealer_id}/status": {"to_status": "probation", "reason": "x"},
    "/api/dealers/{dealer_id}/contacts": {"name": "新联系人"},
    "/api/contacts/{contact_id}": {"name": "改名"},
    "/api/territories/{territory_id}": {"name": "改名"},
    "/api/territories/{territory_id}/assignments": {"user_id": 1, "role": "rep"},
}


def _routes() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [(method, path) for path, item in schema["paths"].items() for method in item]


def _call(client: Client, method: str, path: str, body: dict | None = None):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data=body or {}, content_type="application/json")


def _fill(path: str, **ids) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)


def test_every_route_is_in_the_matrix():
    missing = [route for route in _routes() if route not in MATRIX]
    assert not missing, f"classify these routes in the access matrix: {missing}"


@pytest.mark.django_db
def test_anonymous_callers_get_401_everywhere(world):
    client = Client()
    contact = ContactFactory(dealer=world.dealer_a)
    for method, path in _routes():
        url = _fill(path, dealer_id=world.dealer_a.pk, contact_id=contact.pk,
                    territory_id=world.hebei.pk, product_id=1, token_id=1)
        assert _call(client, method, url).status_code == 401, (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_reads_show_exactly_the_users_scope(persona, personas, world):
    user = personas[persona]
    client = Client()
    client.force_login(user)
    expected = EXPECTED_DEALERS[persona]
    contacts = {d.code: ContactFactory(dealer=d) for d in Dealer.objects.all()}
    territories = {t.code: t for t in Territory.objects.all()}
    for method, path in _routes():
        kind = MATRIX[(method, path)]
        if kind == "dealer_list":
            body = client.get(path + "?page_size=500").json()
            assert {item["code"] for item in body["items"]} == expected
            assert body["count"] == len(expected)
        elif kind == "dashboard":
            assert client.get(path).json()["total"] == len(expected)
        elif kind == "territory_list":
            response = client.get(path + "?page_size=500")
            if EXPECTED_TERRITORIES[persona]:
                codes = {item["code"] for item in response.json()["items"]}
                assert codes == EXPECTED_TERRITORIES[persona]
            else:
                assert response.status_code == 403
        elif kind == "dealer_read" and method == "get":
            for dealer in Dealer.objects.all():
                response = client.get(_fill(path, dealer_id=dealer.pk))
                want = 200 if dealer.code in expected else 404
                assert response.status_code == want, (persona, path, dealer.code)
                if want == 200 and "items" in response.json():
                    ids = {item.get("dealer_id", item.get("id")) for item in
                           response.json()["items"]}
                    if path.endswith("/children"):
                        visible_ids = set(Dealer.objects.filter(code__in=expected)
                                          .values_list("pk", flat=True))
                        assert ids <= visible_ids
        elif kind == "scoped_list":
            response = client.get(path + "?page_size=500")
            if response.status_code == 403:
                continue
            visible_ids = set(Dealer.objects.filter(code__in=expected)
                              .values_list("pk", flat=True))
            ids = {item["dealer_id"] for item in response.json()["items"]}
            assert ids <= visible_ids, (persona, path)
        elif (record := _record_kind(kind)) and record[0] == "read":
            param, builder = RECORDS[record[1]]
            for code, pk in builder(world).items():
                response = client.get(_fill(path, **{param: pk}))
                if response.status_code == 403:
                    continue
                assert response.status_code == (200 if code in expected else 404), (
                    persona, path, code)
        elif kind == "contact_read":
            for code, contact in contacts.items():
                response = client.get(_fill(path, contact_id=contact.pk))
                assert response.status_code == (200 if code in expected else 404), (persona, code)
        elif kind == "territory_read":
            for code, node in territories.items():
                response = client.get(_fill(path, territory_id=node.pk))
                if code in EXPECTED_TERRITORIES[persona]:
                    assert response.status_code == 200, (persona, path, code)
                else:
                    assert response.status_code in (403, 404), (persona, path, code)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_outside_scope_are_refused_and_change_nothing(persona, personas, world):
    user = personas[persona]
    client = Client()
    client.force_login(user)
    expected = EXPECTED_DEALERS[persona]
    outside = list(Dealer.objects.exclude(code__in=expected))
    contacts = [ContactFactory(dealer=d) for d in outside]
    nodes = list(Territory.objects.exclude(code__in=EXPECTED_TERRITORIES[persona]))
    before = (AuditEvent.objects.count(), Contact.objects.count(),
              sorted(Dealer.objects.values_list("name", "status")),
              sorted(Territory.objects.values_list("name", flat=True)))
    for method, path in _routes():
        kind = MATRIX[(method, path)]
        targets = {"dealer_write": [{"dealer_id": d.pk} for d in outside],
                   "contact_write": [{"contact_id": c.pk} for c in contacts],
                   "territory_write": [{"territory_id": n.pk} for n in nodes]}.get(kind, [])
        if (record := _record_kind(kind)) and record[0] == "write":
            param, builder = RECORDS[record[1]]
            targets = [{param: pk} for code, pk in builder(world).items()
                       if code not in expected]
        for ids in targets:
            response = _call(client, method, _fill(path, **ids), WRITE_BODIES.get(path))
            assert response.status_code in (403, 404), (persona, method, path, ids)
    after = (AuditEvent.objects.count(), Contact.objects.count(),
             sorted(Dealer.objects.values_list("name", "status")),
             sorted(Territory.objects.values_list("name", flat=True)))
    assert after == before


@pytest.mark.django_db
def test_creating_a_dealer_outside_ones_territory_is_refused(world, north_rep):
    client = Client()
    client.force_login(north_rep)
    response = client.post("/api/dealers", data={
        "name": "越界商贸", "channel_level": "tier1", "territory_id": world.hangzhou.pk,
    }, content_type="application/json")
    assert response.status_code == 409
    assert "territory" in response.json()["errors"]
    assert not Dealer.objects.filter(name="越界商贸").exists()


@pytest.mark.django_db
def test_dealer_user_cannot_create_dealers_or_products(world, dealer_a_admin):
    client = Client()
    client.force_login(dealer_a_admin)
    response = client.post("/api/dealers", data={
        "name": "x", "channel_level": "tier1", "territory_id": world.shijiazhuang.pk,
    }, content_type="application/json")
    assert response.status_code == 403
    assert client.post("/api/products", data={}, content_type="application/json"
                       ).status_code in (403, 422)
