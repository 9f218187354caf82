"""Activations under real concurrency (PostgreSQL row locks): overlapping agreements
activated at the same moment, exactly one wins."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from qudao.agreements import services
from qudao.agreements.exceptions import AgreementOverlap, TerritoryProtected
from qudao.agreements.models import Agreement
from tests.agreements.conftest import draft, to_signed

THREADS = 6


def _in_parallel(work, items: list) -> list:
    """Run work(item) for every item in threads released at the same moment."""
    barrier = threading.Barrier(len(items))

    def run(item):
        try:
            barrier.wait()
            return work(item)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_activations_of_one_dealer_leave_one_active(world, hq_admin, director):
    signed = [to_signed(draft(hq_admin, world.dealer_a), approver=director)
              for _ in range(THREADS)]

    results = _in_parallel(lambda a: services.agreement_activate(actor=director, agreement=a),
                           signed)

    assert sum(isinstance(r, Agreement) for r in results) == 1
    assert sum(isinstance(r, AgreementOverlap) for r in results) == THREADS - 1
    assert Agreement.objects.filter(dealer=world.dealer_a, status="active").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_protected_territories_leave_one_holder(world, hq_admin, director):
    province = to_signed(draft(hq_admin, world.dealer_a, territories=[world.hebei]),
                         approver=director)
    city = to_signed(draft(hq_admin, world.dealer_beijing, territories=[world.tangshan]),
                     approver=director)

    results = _in_parallel(lambda a: services.agreement_activate(actor=director, agreement=a),
                           [province, city])

    assert sum(isinstance(r, Agreement) for r in results) == 1
    assert sum(isinstance(r, TerritoryProtected) for r in results) == 1
    assert Agreement.objects.filter(status="active").count() == 1
