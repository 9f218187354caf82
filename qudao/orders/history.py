"""Shared machinery of the demo trade history (agreements, orders, money, stock).

The history bypasses the services (they write one document at a time; 10 million order
lines need bulk writes), so every derived value the services would keep is computed here
and written with the rows: totals, shipped quantities, invoice balances, credit balances.

- `Window`: the months the history covers, relative to a fixed "today".
- Seasonality (`SEASON`) and the planted patterns (`PATTERNS`, recorded as dealer tags).
- `Ids`: explicit primary keys, so documents get their number (SO2401050000123, the
  pattern of qudao/core/numbering.py) before they are written and children can point at
  their parents without reading keys back.
- `RowSink`: buffers rows per table and writes them with COPY on PostgreSQL, with
  executemany elsewhere (SQLite), in dependency order; `finish()` resets the sequences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=8))

# Month weights (Jan..Dec) of the whole range: stocking before the Spring Festival
# (Jan/Feb), a dip over the October Golden Week, a smaller peak before New Year.
SEASON = [1.40, 1.30, 0.85, 0.90, 0.95, 1.00, 1.00, 0.95, 1.00, 0.78, 0.90, 1.05]
# Drinks sell more in summer: their lines carry this factor from June to August.
SUMMER_DRINKS = {6: 1.35, 7: 1.45, 8: 1.35}
DRINKS_ROOT = "C01"

# Planted patterns: tag, share of the trading dealers (at least 2 each). The rest are steady.
DECLINING, PRICE_DROP, LATE_PAYER, STOPPED, ONE_ORDER, STEADY = (
    "declining", "price_drop", "late_payer", "stopped", "one_order", "steady")
PATTERNS: dict[str, float] = {DECLINING: 0.08, PRICE_DROP: 0.06, LATE_PAYER: 0.08,
                              STOPPED: 0.05, ONE_ORDER: 0.03}
TAG_PREFIX = "demo:"
# A declining dealer's orders fall by a third in the month DECLINE_MONTHS before the
# current one (the month the decline shows) and by 5% more every month after.
DECLINE_MONTHS, DECLINE_STEP, DECLINE_RATE = 6, 0.65, 0.95


def pattern_tag(pattern: str) -> str:
    """The dealer tag that records a planted pattern, e.g. "demo:declining"."""
    return TAG_PREFIX + pattern


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_days(month: dt.date) -> int:
    return (add_months(month, 1) - month).days


@dataclass(frozen=True)
class Window:
    """The history: the 36 months before `today`'s month (not before the first prices of
    the catalog demo), then the current month up to yesterday."""

    today: dt.date
    start: dt.date  # first day of the first month
    current: dt.date  # first day of today's month

    @classmethod
    def ending(cls, today: dt.date, *, not_before: dt.date) -> Window:
        current = today.replace(day=1)
        start = max(add_months(current, -36), add_months(not_before, 0))
        return cls(today=today, start=start, current=current)

    @property
    def months(self) -> list[dt.date]:
        """Every month of the window, the current (partial) one last."""
        count = (self.current.year - self.start.year) * 12 + self.current.month \
            - self.start.month + 1
        return [add_months(self.start, n) for n in range(count)]

    def months_before_current(self, month: dt.date) -> int:
        return (self.current.year - month.year) * 12 + self.current.month - month.month


def unit_price(price: Decimal, discount: Decimal) -> Decimal:
    """The agreement's unit price: the level price less its discount, half up to the cent
    (as agreements.queries.agreement_prices computes it)."""
    return (price * (Decimal("100") - discount) / Decimal("100")).quantize(CENT, ROUND_HALF_UP)


@dataclass
class ProductInfo:
    """What the generators need of an active SKU: its pack multiple and its prices."""

    pk: int
    root: str  # code of the top category (C01 = drinks)
    multiple: int
    units_per_case: int
    # Per price level: [(first day ordinal, last day ordinal, price)] in date order.
    prices: dict[str, list[tuple[int, int, Decimal]]] = field(default_factory=dict)

    def price_on(self, level: str, ordinal: int) -> Decimal | None:
        for first, last, price in self.prices.get(level, ()):
            if first <= ordinal <= last:
                return price
        return None


def load_products(levels: Sequence[str]) -> dict[int, ProductInfo]:
    """Active SKUs with their price periods at `levels` (two queries)."""
    from qudao.catalog.models import Product, ProductPrice, ProductStatus

    far = dt.date(9999, 12, 31).toordinal()
    products: dict[int, ProductInfo] = {}
    rows = (Product.objects.filter(status=ProductStatus.ACTIVE)
            .values_list("pk", "category__path", "order_multiple", "units_per_case")
            .order_by("pk"))
    roots = _root_codes()
    for pk, path, multiple, per_case in rows:
        products[pk] = ProductInfo(pk=pk, root=roots.get(path[:4], ""), multiple=multiple,
                                   units_per_case=per_case)
    prices = (ProductPrice.objects.filter(level__in=levels, product__in=list(products))
              .values_list("product_id", "level", "valid_from", "valid_to", "unit_price")
              .order_by("product_id", "level", "valid_from"))
    for product_id, level, valid_from, valid_to, price in prices:
        products[product_id].prices.setdefault(level, []).append(
            (valid_from.toordinal(), valid_to.toordinal() if valid_to else far, price))
    return products


def _root_codes() -> dict[str, str]:
    from qudao.catalog.models import Category

    return {path: code for path, code in Category.objects.filter(depth=1)
            .values_list("path", "code")}


@dataclass
class VersionPlan:
    """One agreement version of a trading dealer."""

    pk: int
    number: str
    version: int
    start: dt.date
    end: dt.date
    status: str
    discount: Decimal
    terms: int
    credit_limit: Decimal
    deposit: Decimal


@dataclass
class DealerPlan:
    """A trading dealer (tier-1 or tier-2) and how it behaves over the history."""

    pk: int
    code: str
    level: str  # tier1 / tier2 (also its price level)
    grade: str
    territory_id: int
    parent_id: int | None
    rep_id: int | None
    address: str
    pattern: str
    joined: dt.date  # first month it trades
    base: float  # expected monthly purchases in CNY before seasonality and trend
    growth: float  # yearly trend factor
    orders_per_month: float
    lines: tuple[int, int]  # lines per order, low..high
    assortment: list[int]  # product pks it buys
    late_days: tuple[int, int]  # how many days after the due date it usually pays
    stop: dt.date | None = None  # stopped dealers: no orders from this month on
    drop: dt.date | None = None  # price-drop dealers: special discount from this day
    versions: list[VersionPlan] = field(default_factory=list)

    def version_on(self, day: dt.date) -> VersionPlan | None:
        for version in self.versions:
            if version.start <= day <= version.end:
                return version
        return None


class Ids:
    """Explicit primary keys per model, continuing after the highest existing one."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        pk = self.next[model]
        self.next[model] = pk + 1
        return pk


def doc_number(prefix: str, day: dt.date, pk: int) -> str:
    """A document number as qudao.core.numbering.number_assign makes it."""
    return f"{prefix}{day:%y%m%d}{pk:07d}"


class RowSink:
    """Rows per table, written in the order the tables were declared (parents first).

    Each table takes rows for the listed columns; any other concrete field of the model
    is written with its default, so a field another app adds later (with a default) does
    not break the demo. COPY on PostgreSQL; executemany on other databases.
    """

    def __init__(self, tables: Sequence[tuple[type[models.Model], Sequence[str]]],
                 *, flush_rows: int = 200_000) -> None:
        self.tables = list(tables)
        self.rows: dict[type[models.Model], list[tuple]] = {model: [] for model, _c in tables}
        self.columns: dict[type[models.Model], list[str]] = {}
        self.extra: dict[type[models.Model], tuple] = {}
        self.written: dict[type[models.Model], int] = {model: 0 for model, _c in tables}
        self.flush_rows = flush_rows
        self.pending = 0
        self.postgres = connection.vendor == "postgresql"
        for model, columns in tables:
            given = set(columns)
            # Keys not given come from the database's sequence (many-to-many rows).
            extra_fields = [f for f in model._meta.concrete_fields
                            if f.column not in given and f.attname not in given
                            and not (f.primary_key and isinstance(f, models.AutoField))]
            self.columns[model] = list(columns) + [f.column for f in extra_fields]
            self.extra[model] = tuple(
                f.get_db_prep_save(f.get_default(), connection) for f in extra_fields)

    def add(self, model: type[models.Model], row: tuple) -> None:
        self.rows[model].append(row)
        self.pending += 1

    def extend(self, model: type[models.Model], rows: Iterable[tuple]) -> None:
        bucket = self.rows[model]
        before = len(bucket)
        bucket.extend(rows)
        self.pending += len(bucket) - before

    def maybe_flush(self) -> None:
        if self.pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        for model, _columns in self.tables:
            rows = self.rows[model]
            if rows:
                self._write(model, rows)
                self.written[model] += len(rows)
                self.rows[model] = []
        self.pending = 0

    def _write(self, model: type[models.Model], rows: list[tuple]) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns[model])
        extra = self.extra[model]
        connection.ensure_connection()
        if self.postgres:
            with connection.connection.cursor() as cursor, cursor.copy(
                    f"COPY {table} ({names}) FROM STDIN") as copy:
                write = copy.write_row
                if extra:
                    for row in rows:
                        write(row + extra)
                else:
                    for row in rows:
                        write(row)
            return
        marks = ", ".join(["%s"] * len(self.columns[model]))
        # Table and column names come from the models, never from input.
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                               [tuple(map(_plain, row + extra)) for row in rows])

    def finish(self) -> dict[str, int]:
        """Write what is left and move the id sequences past the explicit keys."""
        self.flush()
        if self.postgres:
            statements = connection.ops.sequence_reset_sql(
                no_style(), [model for model, _c in self.tables])
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        return {model.__name__: count for model, count in self.written.items()}


def _plain(value: Any) -> Any:
    """A value as SQLite stores it: naive UTC datetimes, ISO dates (Django's conventions)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment of a business day in China (Asia/Shanghai has no daylight saving)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)


def progress(total: int, desc: str, unit: str, *, enabled: bool):
    """A tqdm bar on stderr at large scale, nothing at small scale."""
    import sys

    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not enabled)


@contextmanager
def foreign_keys_added_after(tables: Sequence[type[models.Model]]) -> Iterator[None]:
    """Load `tables` without their foreign keys and add them back afterwards (PostgreSQL).

    A deferred foreign key queues one check per inserted row until COMMIT: for ten million
    order lines that is minutes and gigabytes. Adding the constraint after the load checks
    all rows with one join. Run inside the load's transaction: a failure rolls back both.
    """
    if connection.vendor != "postgresql":
        yield
        return
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with checks still queued from earlier steps (dealers,
        # users): run them now. From here on the remaining keys are checked row by row.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [names])
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
