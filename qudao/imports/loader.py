# ruff: noqa: S608 - table and column names in this module's SQL are its own constants;
# values always go as query parameters.
"""Set-based loading of checked rows: a TEMP staging table, SQL checks, INSERT ... SELECT.

Rows arrive in chunks and go to a temporary table (COPY on PostgreSQL, executemany on
SQLite). Once the whole file is staged, dealer codes and SKUs are resolved and the order
headers compared with joins and GROUP BY over the staging table, never a query per row.
Writing is a few INSERT ... SELECT statements inside the caller's transaction.
"""

import csv
import io
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from qudao.core.excel import RowError
from qudao.finance.models import Payment
from qudao.imports.choices import MAX_ERRORS, JobKind
from qudao.imports.formats import SHIPPED_STATUSES
from qudao.orders.choices import OrderChannel
from qudao.orders.models import Order, OrderLine

# Staging columns, in the order of formats.CHECKS with the row number first.
ORDER_STAGE = ("row_no", "order_ref", "dealer_code", "ordered_on", "sku", "quantity",
               "unit_price", "status")
PAYMENT_STAGE = ("row_no", "payment_ref", "dealer_code", "received_on", "amount", "method",
                 "reference")


class Value:
    """A parameter (not SQL) among the expressions of _insert_sql."""

    def __init__(self, value: Any):
        self.value = value


def _insert_sql(model: Any, expressions: dict[str, Any], source: str) -> tuple[str, list]:
    """INSERT INTO the model's table SELECT `expressions` FROM `source`; every other column
    gets its field default (nullable ones stay NULL), so fields added later need no change.
    """
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.column in expressions:
            expression = expressions[field.column]
        elif not field.null and not field.primary_key:
            expression = Value(field.get_db_prep_save(field.get_default(), connection))
        else:
            continue
        columns.append(field.column)
        if isinstance(expression, Value):
            values.append("%s")
            params.append(expression.value)
        else:
            values.append(expression)
    unknown = set(expressions) - set(columns)
    if unknown:
        raise ValueError(f"no such columns: {unknown}")
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
           f"SELECT {', '.join(values)} FROM {source}")
    return sql, params

TEXT_COLUMNS = {"order_ref", "dealer_code", "sku", "status", "payment_ref", "method",
                "reference"}


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _money(cents_sql: str) -> str:
    """SQL turning whole cents into the MoneyField value (exact numeric on PostgreSQL)."""
    return f"(({cents_sql})::numeric / 100)" if _pg() else f"(({cents_sql}) / 100.0)"


def _cents(money_sql: str) -> str:
    """SQL of a staged amount in whole cents: exact sums on SQLite too, where decimals are
    stored as floating point."""
    if _pg():
        return f"(({money_sql}) * 100)::bigint"
    return f"CAST(round(({money_sql}) * 100) AS INTEGER)"


class Loader:
    """Staging and set-based checks and writes for one import job on one connection."""

    def __init__(self, kind: str, job_id: int):
        self.kind = kind
        self.job_id = job_id
        self.columns = ORDER_STAGE if kind == JobKind.ORDERS else PAYMENT_STAGE
        self.stage = "imp_line" if kind == JobKind.ORDERS else "imp_pay"

    # staging ---------------------------------------------------------------------------------
    def create(self) -> None:
        self.drop()
        if self.kind == JobKind.ORDERS:
            ddl = ("row_no integer, order_ref varchar(40), dealer_code varchar(64), "
                   "ordered_on date, sku varchar(64), quantity bigint, "
                   "unit_price numeric(16, 2), status varchar(20)")
        else:
            ddl = ("row_no integer, payment_ref varchar(40), dealer_code varchar(64), "
                   "received_on date, amount numeric(16, 2), method varchar(20), "
                   "reference varchar(60)")
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {self.stage} ({ddl})")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in ("imp_line", "imp_pay", "imp_order", "imp_new"):
                cursor.execute(f"DROP TABLE IF EXISTS {'' if _pg() else 'temp.'}{table}")

    def add(self, rows: list[tuple]) -> None:
        """Stage one chunk of checked rows."""
        if not rows:
            return
        columns = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if _pg():
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                # Empty text is '' not NULL (CSV writes both the same way).
                texts = ", ".join(c for c in self.columns if c in TEXT_COLUMNS)
                with cursor.cursor.copy(f"COPY {self.stage} ({columns}) FROM STDIN "
                                        f"(FORMAT csv, FORCE_NOT_NULL ({texts}))") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.stage} ({columns}) VALUES ({marks})",
                                   rows)

    # checks ---------------------------------------------------------------------------------
    def problems(self, shown: dict[str, str]) -> tuple[list[RowError], int]:
        """Row errors found set-based (first MAX_ERRORS) and how many there are in all."""
        with connection.cursor() as cursor:
            self._analyze(cursor, self.stage)
        if self.kind == JobKind.ORDERS:
            return self._order_problems(shown)
        return self._payment_problems(shown)

    def _fetch(self, sql: str, params: tuple = ()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _unknown(self, column: str, table: str, key: str, label: str, message: str):
        base = (f"FROM {self.stage} s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {table} t WHERE t.{key} = s.{column})")
        count = self._fetch(f"SELECT count(*) {base}")[0][0]
        if not count:
            return [], 0
        rows = self._fetch(f"SELECT s.row_no, s.{column} {base} ORDER BY s.row_no LIMIT %s",
                           (MAX_ERRORS,))
        return [RowError(row, label, message % {"value": value}) for row, value in rows], count

    def _order_problems(self, shown):
        errors, total = [], 0
        for column, table, key, label, message in (
            ("dealer_code", "dealers_dealer", "code", shown["dealer_code"],
             _("Unknown dealer code “%(value)s”.")),
            ("sku", "catalog_product", "sku", shown["sku"], _("Unknown SKU “%(value)s”.")),
        ):
            found, count = self._unknown(column, table, key, label, message)
            errors += found
            total += count
        # One row per order with what the whole order must agree on; the first row sets it.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE imp_order AS SELECT order_ref, min(row_no) AS first_row, "
                "min(dealer_code) AS dealer_code, max(dealer_code) AS dealer_last, "
                "min(ordered_on) AS ordered_on, max(ordered_on) AS ordered_last, "
                "min(status) AS status, max(status) AS status_last, "
                "sum(quantity) AS quantity, "
                f"sum(quantity * {_cents('unit_price')}) AS cents, "
                "count(*) AS line_count "
                f"FROM {self.stage} GROUP BY order_ref")
            self._analyze(cursor, "imp_order")
        mixed = self._fetch(
            "SELECT count(*) FROM imp_order WHERE dealer_code <> dealer_last "
            "OR ordered_on <> ordered_last OR status <> status_last")[0][0]
        if mixed:
            rows = self._fetch(
                "SELECT s.row_no, s.order_ref, f.row_no, s.dealer_code, f.dealer_code, "
                "s.ordered_on, f.ordered_on, s.status, f.status "
                f"FROM imp_order o JOIN {self.stage} s ON s.order_ref = o.order_ref "
                f"JOIN {self.stage} f ON f.row_no = o.first_row "
                "WHERE (o.dealer_code <> o.dealer_last OR o.ordered_on <> o.ordered_last "
                "OR o.status <> o.status_last) AND (s.dealer_code <> f.dealer_code "
                "OR s.ordered_on <> f.ordered_on OR s.status <> f.status) "
                "ORDER BY s.row_no LIMIT %s", (MAX_ERRORS,))
            for row, ref, first, *pairs in rows:
                for (mine, theirs), key in zip(zip(pairs[::2], pairs[1::2], strict=True),
                                               ("dealer_code", "order_date", "status"),
                                               strict=True):
                    if mine != theirs:
                        total += 1
                        errors.append(RowError(row, shown[key], _(
                            "Order “%(order)s” has “%(here)s” here but “%(first)s” in row "
                            "%(first_row)d: all lines of an order share its dealer, date "
                            "and status.") % {"order": ref, "here": mine, "first": theirs,
                                              "first_row": first}))
        return errors, total

    def _payment_problems(self, shown):
        errors, total = self._unknown("dealer_code", "dealers_dealer", "code",
                                      shown["dealer_code"], _("Unknown dealer code “%(value)s”."))
        twice = ("FROM imp_pay s WHERE EXISTS (SELECT 1 FROM imp_pay f WHERE "
                 "f.dealer_code = s.dealer_code AND f.payment_ref = s.payment_ref "
                 "AND f.row_no < s.row_no)")
        count = self._fetch(f"SELECT count(*) {twice}")[0][0]
        if count:
            total += count
            for row, ref in self._fetch(f"SELECT s.row_no, s.payment_ref {twice} "
                                        "ORDER BY s.row_no LIMIT %s", (MAX_ERRORS,)):
                errors.append(RowError(row, shown["payment_ref"], _(
                    "Payment “%(ref)s” of this dealer appears more than once in the file.")
                    % {"ref": ref}))
        return errors, total

    def staged(self) -> int:
        return self._fetch(f"SELECT count(*) FROM {self.stage}")[0][0]

    # writing ---------------------------------------------------------------------------------
    def write(self, *, user_id: int | None, now: datetime) -> dict[str, int]:
        """Insert what is not imported yet; call inside transaction.atomic. Returns counts."""
        if self.kind == JobKind.ORDERS:
            return self._write_orders(now)
        return self._write_payments(user_id, now)

    def _new_ids(self, table: str, select: str, order_by: str) -> str:
        """A SELECT of `select` rows with an `id` taken from `table`'s id sequence, in order."""
        if _pg():
            return (f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id, x.* "
                    f"FROM ({select} ORDER BY {order_by}) x")
        base = self._fetch(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), "
            f"coalesce((SELECT max(id) FROM {table}), 0))")[0][0]
        return f"SELECT {int(base)} + row_number() OVER (ORDER BY {order_by}) AS id, x.* " \
               f"FROM ({select}) x"

    def _fast_references(self, cursor) -> bool:
        """On PostgreSQL, check the references once for the whole file instead of per row.

        The foreign keys of order lines would otherwise queue three trigger checks per
        line, run one by one at commit (more than half the time of a large import). The
        rows' dealers and products were matched by join above; locking them FOR KEY SHARE
        gives the same guarantee as those triggers (no one deletes them before commit),
        and the orders referenced are the ones inserted here. Needs the right to set
        session_replication_role (the database owner in a default install); without it
        the triggers run as usual. Returns whether the triggers are off: the caller turns
        them back on right after its inserts (_settings_restore).
        """
        if not _pg():
            return False
        try:
            with transaction.atomic():
                cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
        except DatabaseError:  # no privilege: keep the per-row checks
            return False
        cursor.execute("SELECT 1 FROM dealers_dealer WHERE id IN "
                       "(SELECT dealer_id FROM imp_new) FOR KEY SHARE")
        cursor.execute(f"SELECT 1 FROM catalog_product WHERE sku IN "
                       f"(SELECT DISTINCT sku FROM {self.stage}) FOR KEY SHARE")
        return True

    def _settings_save(self, cursor) -> dict[str, str]:
        """Raise sort memory and skip JIT for the big statements; returns what to restore."""
        if not _pg():
            return {}
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit'), "
                       "current_setting('session_replication_role')")
        saved = dict(zip(("work_mem", "jit", "session_replication_role"), cursor.fetchone(),
                         strict=True))
        cursor.execute("SELECT set_config('work_mem', '256MB', true), "
                       "set_config('jit', 'off', true)")
        return saved

    def _settings_restore(self, cursor, saved: dict[str, str]) -> None:
        """Put the settings back at once: the caller's transaction may go on after ours
        (a nested atomic block), and must not run without its trigger checks."""
        for name, value in saved.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])

    def _write_orders(self, now):
        select = (
            "SELECT o.order_ref, d.id AS dealer_id, o.ordered_on, o.status, o.quantity, "
            "o.cents, o.line_count, o.first_row FROM imp_order o "
            "JOIN dealers_dealer d ON d.code = o.dealer_code WHERE NOT EXISTS (SELECT 1 "
            "FROM orders_order x WHERE x.dealer_id = d.id AND x.external_ref = o.order_ref)")
        with connection.cursor() as cursor:
            saved = self._settings_save(cursor)
            try:
                counts = self._insert_orders(cursor, select, now)
            finally:
                self._settings_restore(cursor, saved)
        return counts

    def _insert_orders(self, cursor, select: str, now: datetime) -> dict[str, int]:
        shipped = ", ".join(f"'{s}'" for s in SHIPPED_STATUSES)
        cursor.execute("CREATE TEMP TABLE imp_new AS "
                       + self._new_ids("orders_order", select, "first_row"))
        self._analyze(cursor, "imp_new")
        self._fast_references(cursor)
        cursor.execute(*_insert_sql(Order, {
            "id": "id", "number": "'IM' || id", "dealer_id": "dealer_id",
            "status": "status", "channel": Value(OrderChannel.IMPORT.value),
            "ordered_on": "ordered_on", "total_amount": _money("cents"),
            "total_quantity": "quantity", "note": Value(f"import #{self.job_id}"),
            "external_ref": "order_ref", "created_at": Value(now), "updated_at": Value(now),
        }, "imp_new ORDER BY id"))
        created = cursor.rowcount
        cursor.execute(*_insert_sql(OrderLine, {
            "order_id": "o.id", "dealer_id": "o.dealer_id", "ordered_on": "o.ordered_on",
            "product_id": "p.id", "quantity": "s.quantity",
            "list_price": "s.unit_price", "unit_price": "s.unit_price",
            "amount": ("s.quantity * s.unit_price" if _pg()
                       else _money(f"s.quantity * {_cents('s.unit_price')}")),
            "shipped_quantity": f"CASE WHEN o.status IN ({shipped}) THEN s.quantity "
                                "ELSE 0 END",
            "returned_quantity": "0",
        }, "imp_line s JOIN imp_new o ON o.order_ref = s.order_ref "
           "JOIN catalog_product p ON p.sku = s.sku"))
        lines = cursor.rowcount
        cursor.execute("SELECT count(*), coalesce(sum(line_count), 0) FROM imp_order")
        orders, rows = cursor.fetchone()
        return {"created_count": created, "skipped_count": orders - created,
                "rows_created": lines, "rows_skipped": rows - lines}

    def _write_payments(self, user_id, now):
        select = (
            "SELECT s.payment_ref, d.id AS dealer_id, s.received_on, s.amount, s.method, "
            "s.reference, s.row_no FROM imp_pay s JOIN dealers_dealer d "
            "ON d.code = s.dealer_code WHERE NOT EXISTS (SELECT 1 FROM finance_payment x "
            "WHERE x.dealer_id = d.id AND x.external_ref = s.payment_ref)")
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE imp_new AS "
                           + self._new_ids("finance_payment", select, "row_no"))
            cursor.execute(*_insert_sql(Payment, {
                "id": "id", "number": "'IP' || id", "dealer_id": "dealer_id",
                "received_on": "received_on", "amount": "amount",
                # History settled history: nothing of an imported payment is left over to
                # settle the invoices of today's shipments.
                "allocated_amount": "amount", "method": "method", "reference": "reference",
                "external_ref": "payment_ref",
                "note": Value(f"import #{self.job_id}"), "recorded_by_id": Value(user_id),
                "created_at": Value(now), "updated_at": Value(now),
            }, "imp_new ORDER BY id"))
            created = cursor.rowcount
            total = self.staged()
        return {"created_count": created, "skipped_count": total - created,
                "rows_created": created, "rows_skipped": total - created}

    def _analyze(self, cursor, table: str) -> None:
        """Temporary tables get no statistics by themselves; the planner needs them."""
        if _pg():
            cursor.execute(f"ANALYZE {table}")
