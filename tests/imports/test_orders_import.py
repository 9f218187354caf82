"""Importing historical orders: what is created, idempotence, all-or-nothing, headers."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from qudao.finance.models import CreditAccount
from qudao.orders.models import Order, OrderLine
from tests.helpers import xlsx
from tests.imports.conftest import csv_upload, run_import

ROWS = [
    ["ERP-001", "A0001", "2024-03-05", "TEA-1", "10", "12.50", ""],
    ["ERP-001", "A0001", "2024-03-05", "TEA-2", "4", "30", ""],
    ["ERP-002", "B0001", "2024-04-01", "TEA-1", "3", "11.99", "cancelled"],
]


def _assert_created(world):
    first = Order.objects.get(external_ref="ERP-001")
    assert first.dealer == world.dealer_a
    assert first.ordered_on == date(2024, 3, 5)
    assert first.status == "closed"
    assert first.channel == "import"
    assert first.number == f"IM{first.pk}"
    assert first.total_amount == Decimal("245.00")
    assert first.total_quantity == 14
    lines = {line.product.sku: line for line in first.lines.select_related("product")}
    assert lines["TEA-1"].amount == Decimal("125.00")
    assert lines["TEA-1"].unit_price == lines["TEA-1"].list_price == Decimal("12.50")
    assert lines["TEA-1"].shipped_quantity == 10
    assert lines["TEA-2"].dealer_id == world.dealer_a.pk
    assert lines["TEA-2"].ordered_on == date(2024, 3, 5)
    second = Order.objects.get(external_ref="ERP-002")
    assert (second.dealer, second.status, second.total_amount) == (
        world.dealer_b, "cancelled", Decimal("35.97"))
    assert second.lines.get().shipped_quantity == 0


@pytest.mark.django_db
def test_csv_import_creates_orders_with_lines_and_totals(
        world, skus, hq_admin, django_capture_on_commit_callbacks):
    job = run_import(hq_admin, "orders", csv_upload(ROWS), django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    assert (job.created_count, job.rows_created, job.skipped_count) == (2, 3, 0)
    assert job.rows_total == job.rows_done == 3
    assert Order.objects.count() == 2 and OrderLine.objects.count() == 3
    _assert_created(world)


@pytest.mark.django_db
def test_xlsx_import_with_chinese_headers_and_excel_cell_types(
        world, skus, service, django_capture_on_commit_callbacks):
    header = ["订单号", "经销商编码", "订单日期", "SKU", "数量", "单价", "状态"]
    rows = [[r[0], r[1], date.fromisoformat(r[2]), r[3], int(r[4]), float(r[5]), r[6] or None]
            for r in ROWS]
    rows[2][6] = "已取消"  # the Chinese label of a status works too

    job = run_import(service, "orders", xlsx(rows, header, name="历史订单.xlsx"),
                     django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    _assert_created(world)


@pytest.mark.django_db
def test_importing_the_same_file_twice_adds_nothing(
        world, skus, hq_admin, django_capture_on_commit_callbacks):
    run_import(hq_admin, "orders", csv_upload(ROWS), django_capture_on_commit_callbacks)
    before = list(Order.objects.values_list("id", "total_amount"))
    more = [*ROWS, ["ERP-003", "A0002", "2024-05-01", "TEA-2", "1", "9.90", "delivered"]]

    again = run_import(hq_admin, "orders", csv_upload(more), django_capture_on_commit_callbacks)

    assert again.status == "done"
    assert (again.created_count, again.skipped_count) == (1, 2)
    assert (again.rows_created, again.rows_skipped) == (1, 3)
    assert OrderLine.objects.count() == 4
    assert set(before) <= set(Order.objects.values_list("id", "total_amount"))
    third = run_import(hq_admin, "orders", csv_upload(more), django_capture_on_commit_callbacks)
    assert (third.created_count, third.skipped_count) == (0, 3)
    assert Order.objects.count() == 3


@pytest.mark.django_db
def test_a_file_with_errors_writes_nothing_and_names_row_column_and_reason(
        world, skus, hq_admin, django_capture_on_commit_callbacks):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    rows = [
        ["OK-1", "A0001", "2024-01-02", "TEA-1", "1", "10", ""],       # row 2: fine
        ["BAD-1", "ZZ999", "2024-01-02", "TEA-1", "1", "10", ""],      # 3: unknown dealer
        ["BAD-2", "A0001", "2024-01-02", "NOPE", "1", "10", ""],       # 4: unknown SKU
        ["BAD-3", "A0001", "2024-02-30", "TEA-1", "1", "10", ""],      # 5: bad date
        ["BAD-4", "A0001", "2024-01-02", "TEA-1", "-3", "10", ""],     # 6: negative quantity
        ["OK-1", "B0001", "2024-01-02", "TEA-2", "1", "10", ""],       # 7: other dealer
        ["BAD-5", "A0001", tomorrow, "TEA-1", "1", "10.123", "open"],  # 8: three faults
    ]

    job = run_import(hq_admin, "orders", csv_upload(rows), django_capture_on_commit_callbacks)

    assert job.status == "failed"
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(3, "dealer_code"), (4, "sku"), (5, "order_date"), (6, "quantity"),
                     (7, "dealer_code"), (8, "order_date"), (8, "unit_price"), (8, "status")}
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "ZZ999" in messages[(3, "dealer_code")]
    assert "NOPE" in messages[(4, "sku")]
    assert "2024-02-30" in messages[(5, "order_date")]
    assert "above zero" in messages[(6, "quantity")]
    assert "row 2" in messages[(7, "dealer_code")]
    assert "future" in messages[(8, "order_date")]
    assert job.error_count == 8
    assert not Order.objects.exists() and not OrderLine.objects.exists()


@pytest.mark.django_db
def test_an_order_with_two_dates_is_refused(world, skus, hq_admin,
                                            django_capture_on_commit_callbacks):
    rows = [["X-1", "A0001", "2024-01-02", "TEA-1", "1", "10", ""],
            ["X-1", "A0001", "2024-01-03", "TEA-2", "1", "10", ""]]

    job = run_import(hq_admin, "orders", csv_upload(rows), django_capture_on_commit_callbacks)

    assert job.status == "failed"
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "order_date")]
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_missing_columns_and_other_file_types_are_reported(
        world, skus, hq_admin, django_capture_on_commit_callbacks):
    job = run_import(hq_admin, "orders", csv_upload([["A0001"]], header=["dealer_code"]),
                     django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "Order number" in job.errors[0]["message"]
    assert "订单号" in job.errors[0]["message"]


@pytest.mark.django_db
def test_gbk_csv_from_excel_is_read(world, skus, hq_admin, django_capture_on_commit_callbacks):
    header = ["订单号", "经销商编码", "订单日期", "SKU", "数量", "单价", "状态"]
    rows = [["订单-1", "A0001", "2024-01-02", "TEA-1", "2", "5", "已关闭"]]

    job = run_import(hq_admin, "orders", csv_upload(rows, header=header, encoding="gbk"),
                     django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    assert Order.objects.get().external_ref == "订单-1"


@pytest.mark.django_db
def test_imported_history_leaves_credit_accounts_alone(
        world, skus, hq_admin, django_capture_on_commit_callbacks):
    account = CreditAccount.objects.create(dealer=world.dealer_a, limit=Decimal("1000.00"))

    run_import(hq_admin, "orders", csv_upload(ROWS), django_capture_on_commit_callbacks)

    account.refresh_from_db()
    assert (account.receivable, account.reserved) == (Decimal("0.00"), Decimal("0.00"))


@pytest.mark.django_db
def test_ids_continue_after_existing_orders(world, skus, hq_admin,
                                            django_capture_on_commit_callbacks):
    """Imported orders take ids from the table's own sequence, so later orders still fit."""
    run_import(hq_admin, "orders", csv_upload(ROWS), django_capture_on_commit_callbacks)
    later = Order.objects.create(number="SO-LATER", dealer=world.dealer_a,
                                 ordered_on=date(2024, 6, 1))
    assert later.pk > max(Order.objects.exclude(pk=later.pk).values_list("pk", flat=True))
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
@pytest.mark.postgres
def test_postgres_bulk_path_keeps_references_checked_and_settings_reset(
        world, skus, hq_admin, django_capture_on_commit_callbacks):
    """COPY staging and set-based inserts: the rows still satisfy every foreign key, and the
    transaction-local settings of the bulk path do not leak into the connection."""
    rows = [[f"PG-{i // 3}", "A0001" if i // 3 % 2 else "B0001", "2024-01-02",
             ("TEA-1", "TEA-2")[i % 2], str(i + 1), "1.10", ""] for i in range(300)]

    job = run_import(hq_admin, "orders", csv_upload(rows), django_capture_on_commit_callbacks)

    assert job.status == "done", job.errors
    assert (job.created_count, job.rows_created) == (100, 300)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks run now
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        cursor.execute("SELECT count(*) FROM orders_orderline l LEFT JOIN catalog_product p "
                       "ON p.id = l.product_id WHERE p.id IS NULL")
        assert cursor.fetchone()[0] == 0
    assert Order.objects.get(external_ref="PG-1").total_amount == sum(
        Decimal("1.10") * q for q in (4, 5, 6))
