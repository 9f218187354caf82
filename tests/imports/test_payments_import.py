"""Importing historical payments: settled history, idempotent, all-or-nothing."""

from datetime import date
from decimal import Decimal

import pytest

from qudao.finance.models import CreditAccount, Payment
from tests.finance.factories import invoiced
from tests.imports.conftest import PAYMENT_HEADER, csv_upload, run_import

ROWS = [
    ["HK-1", "A0001", "2024-02-01", "12800.00", "", "BOC-1"],
    ["HK-2", "A0001", "2024-03-01", "500", "cash", ""],
    ["HK-1", "B0001", "2024-02-03", "99.90", "承兑汇票", ""],
]


@pytest.mark.django_db
def test_payments_are_recorded_as_settled_history_and_twice_adds_nothing(
        world, finance, django_capture_on_commit_callbacks):
    account = CreditAccount.objects.create(dealer=world.dealer_a, limit=Decimal("1000.00"))
    upload = csv_upload(ROWS, header=PAYMENT_HEADER, name="payments.csv")

    job = run_import(finance, "payments", upload, django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    assert (job.created_count, job.skipped_count) == (2 + 1, 0)
    first = Payment.objects.get(dealer=world.dealer_a, external_ref="HK-1")
    assert (first.amount, first.allocated_amount, first.method, first.reference) == (
        Decimal("12800.00"), Decimal("12800.00"), "bank_transfer", "BOC-1")
    assert first.received_on == date(2024, 2, 1) and first.number == f"IP{first.pk}"
    assert first.recorded_by == finance
    assert Payment.objects.get(dealer=world.dealer_b).method == "acceptance_bill"
    assert not first.allocations.exists()
    account.refresh_from_db()
    assert account.receivable == Decimal("0.00")
    # Today's invoice stays open: history's money settled history.
    invoice = invoiced(world.dealer_a, "500.00", shipped_on=date(2026, 3, 2))
    assert (invoice.status, invoice.paid_amount) == ("open", Decimal("0.00"))

    again = run_import(finance, "payments", csv_upload(ROWS, header=PAYMENT_HEADER),
                       django_capture_on_commit_callbacks)
    assert (again.status, again.created_count, again.skipped_count) == ("done", 0, 3)
    assert Payment.objects.count() == 3


@pytest.mark.django_db
def test_bad_payments_write_nothing(world, finance, django_capture_on_commit_callbacks):
    rows = [
        ["HK-1", "A0001", "2024-02-01", "100", "", ""],
        ["HK-1", "A0001", "2024-02-02", "100", "", ""],   # 3: same payment twice
        ["HK-3", "NOPE", "2024-02-01", "100", "", ""],    # 4: unknown dealer
        ["HK-4", "A0001", "2024-02-01", "0", "", ""],     # 5: zero
        ["HK-5", "A0001", "2024-02-01", "10", "cheque", ""],  # 6: unknown method
    ]
    job = run_import(finance, "payments", csv_upload(rows, header=PAYMENT_HEADER),
                     django_capture_on_commit_callbacks)

    assert job.status == "failed"
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "payment_ref"), (4, "dealer_code"), (5, "amount"), (6, "method")]
    assert not Payment.objects.exists()
