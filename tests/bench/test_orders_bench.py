"""The order benchmark's server side (bench/_orders_app.py): its fixture lets the API place
orders, its minimal view orders under the credit lock, and its check sees what was written."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from qudao.finance.models import CreditAccount
from qudao.orders.models import Order

BENCH_DIR = Path(django_settings.BASE_DIR) / "bench"


@pytest.fixture
def app(db, settings, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    settings.ROOT_URLCONF = "_orders_app"
    import _orders_app

    return _orders_app


def _post(client, url, key, lines):
    return client.post(url, json.dumps({"lines": lines}), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {key}")


def test_fixture_dealers_order_through_the_api_and_the_minimal_view(app, client):
    fixture = app.fixture_create(dealers=2, products=4)
    lines = [{"product_id": pk, "quantity": 2} for pk in fixture["products"][:3]]

    api = _post(client, "/api/orders", fixture["tokens"][0], lines)
    minimal = _post(client, "/bench/minimal-order", fixture["tokens"][1], lines)

    assert api.status_code == 201, api.content
    assert api.json()["status"] == "approved"
    assert minimal.status_code == 201, minimal.content
    assert minimal.json()["total_amount"] == "360.00"  # 6 units at the minimal view's 60.00
    check = app.run_check()
    assert check["api_orders"] == 1
    assert check["minimal_orders"] == 1
    assert check["api_not_approved"] == 0
    assert check["api_orders_with_bad_lines"] == 0
    assert check["accounts_with_wrong_reserve"] == []


def test_minimal_view_refuses_beyond_credit_and_without_a_token(app, client):
    fixture = app.fixture_create(dealers=1, products=3)
    CreditAccount.objects.update(limit=Decimal("100.00"))
    lines = [{"product_id": fixture["products"][0], "quantity": 2}]  # 120.00

    beyond = _post(client, "/bench/minimal-order", fixture["tokens"][0], lines)
    anonymous = _post(client, "/bench/minimal-order", "qd_not-a-token", lines)

    assert beyond.status_code == 409
    assert anonymous.status_code == 401
    assert not Order.objects.exists()
    assert CreditAccount.objects.get().reserved == Decimal("0.00")
