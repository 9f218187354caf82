"""Large demo loads add the trade tables' foreign keys after the rows: still enforced."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from qudao.orders.history import foreign_keys_added_after
from qudao.orders.models import Order
from tests.factories import DealerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _insert_order(dealer_id: int, number: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_order (number, dealer_id, status, channel, ordered_on, "
            "total_amount, total_quantity, hold_reason, decision_reason, delivery_address, "
            "note, created_at, updated_at) VALUES (%s, %s, 'closed', 'import', %s, 0, 0, '', "
            "'', '', '', now(), now())", [number, dealer_id, datetime.date(2025, 1, 2)])


def test_rows_load_and_the_keys_come_back(world):
    with transaction.atomic():
        # Checks of this dealer are still queued when the load starts: ALTER must cope.
        dealer = DealerFactory(territory=world.hangzhou)
        with foreign_keys_added_after([Order]):
            _insert_order(dealer.pk, "SO-OK")
    assert Order.objects.filter(number="SO-OK", dealer=dealer).exists()
    # The key is back: an unknown dealer is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_order(10**9, "SO-LOOSE")


def test_a_row_without_its_dealer_fails_the_whole_load(world):
    loading = foreign_keys_added_after([Order])
    with pytest.raises(IntegrityError), transaction.atomic(), loading:
        _insert_order(10**9, "SO-ORPHAN")
    assert not Order.objects.filter(number="SO-ORPHAN").exists()
