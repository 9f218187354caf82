"""Writes of the dealer-month facts: a full rebuild, and a refresh of what changed.

Each source (order lines, orders, invoices, payments, monthly targets) is one ORM query
that yields (dealer, month, measures ...); the facts are their UNION ALL grouped by dealer
and month, written with one INSERT ... SELECT. Aggregation stays in the database: no row
of a transaction travels to Python.
"""

import datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from qudao.agreements.models import AgreementTarget
from qudao.agreements.targets import in_force
from qudao.analytics.models import OVERDUE_DAYS, DealerMonth, FactsRun
from qudao.finance.choices import InvoiceKind
from qudao.finance.models import Invoice, Payment, PaymentAllocation
from qudao.orders.choices import SALES_STATUSES
from qudao.orders.models import Order, OrderLine
from qudao.service.models import ServiceRequest
from qudao.stock.models import FlowLine, StockLine, StockReport
from qudao.visits.choices import ContactKind
from qudao.visits.models import Contact

COMPLAINT_CODES, QUALITY_CODES = ("complaint",), ("quality",)

MEASURES = ["order_amount", "list_amount", "order_quantity", "order_lines", "order_count",
            "invoiced_amount", "payment_amount", "target_amount", "first_order_day",
            "last_order_day", "overdue_added", "overdue_paid", "overdue30_added",
            "overdue30_paid", "allocated_amount", "stock_reports", "stock_quantity",
            "sold_quantity", "active_customers", "requests", "complaints", "quality_issues",
            "calls_in", "calls_out", "visits",
            "late_amount_days"]
# How a measure's partial values from the sources combine (SUM unless named here).
COMBINE = {"first_order_day": "MIN", "last_order_day": "MAX"}
MONEY = models.DecimalField(max_digits=16, decimal_places=2)
NO_DAY = Cast(Value(None), models.DateField())


class MonthStart(models.Func):
    """The first day of the date's month, as a date (TruncMonth is a Python function per
    row on SQLite; this is the engine's own)."""

    output_field = models.DateField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="date_trunc('month', %(expressions)s)::date", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="date(%(expressions)s, 'start of month')", **extra)


class DaysBetween(models.Func):
    """Whole days from the second date to the first (negative when the first is earlier)."""

    output_field = models.IntegerField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)",
                           arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="CAST(julianday(%(expressions)s) AS INTEGER)",
                           arg_joiner=") - julianday(", **extra)


class AddDays(models.Func):
    """The date `days` later."""

    output_field = models.DateField()

    def __init__(self, expression: Any, days: int, **extra: Any) -> None:
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template=f"(%(expressions)s + {self.days})", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template=f"date(%(expressions)s, '+{self.days} days')", **extra)


def _row(queryset: models.QuerySet, dealer: str, day: Any, **measures: Any) -> models.QuerySet:
    """`queryset` reduced by dealer and month to the measures (zero, or no day, where not
    given): each source is reduced to dealer-months before the union, so the union and
    its final sums handle thousands of rows instead of millions."""
    values = {name: measures.get(name, NO_DAY if name in COMBINE else Value(0))
              for name in MEASURES}
    return (queryset.order_by()
            .annotate(f_dealer=F(dealer), f_month=MonthStart(day))
            .values("f_dealer", "f_month")
            .annotate(**{f"f_{k}": v for k, v in values.items()})
            .values_list("f_dealer", "f_month", *[f"f_{k}" for k in MEASURES]))


def _line_sums(sign: int) -> dict[str, Any]:
    list_amount = models.ExpressionWrapper(F("list_price") * F("quantity"), output_field=MONEY)
    return {"order_amount": Sum("amount") * sign, "list_amount": Sum(list_amount) * sign,
            "order_quantity": Sum("quantity") * sign, "order_lines": Count("id") * sign}


Window = tuple[datetime.date, datetime.date]


def _month_after(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _sources(dealer_ids: list[int] | None, months: Window | None = None
             ) -> list[models.QuerySet]:
    """One query per source; only the given dealers' rows when `dealer_ids` is given, and
    only rows that fall in the months `months` (first, last month start) when given, so a
    refresh reads the changed months, not the dealers' whole history.

    Sales lines are all lines less those of the few orders that are not sales (draft,
    waiting, cancelled, rejected): reading every line once is cheaper than checking each
    line's order.
    """
    lines = OrderLine.objects.all()
    not_sales = OrderLine.objects.exclude(order__status__in=SALES_STATUSES)
    orders = Order.objects.filter(status__in=SALES_STATUSES)
    invoices = Invoice.objects.all()
    payments = Payment.objects.filter(voided_on__isnull=True)
    goals = AgreementTarget.objects.filter(in_force())
    falling_due = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    allocations = PaymentAllocation.objects.filter(payment__voided_on__isnull=True,
                                                   invoice__kind=InvoiceKind.INVOICE)
    late = Q(payment__received_on__gt=F("invoice__due_on"))
    very_late = Q(payment__received_on__gt=AddDays("invoice__due_on", OVERDUE_DAYS))
    days_late = DaysBetween("payment__received_on", "invoice__due_on")
    # (rows, dealer field, day field, days added to the day, measures): each source counts
    # in the month of its day (plus the days).
    specs: list[tuple[models.QuerySet, str, str, int, dict[str, Any]]] = [
        (lines, "dealer_id", "ordered_on", 0, _line_sums(1)),
        (not_sales, "dealer_id", "ordered_on", 0, _line_sums(-1)),
        (orders, "dealer_id", "ordered_on", 0, {
            "order_count": Count("id"), "first_order_day": Min("ordered_on"),
            "last_order_day": Max("ordered_on")}),
        (invoices, "dealer_id", "issued_on", 0, {"invoiced_amount": Sum("amount")}),
        (payments, "dealer_id", "received_on", 0, {"payment_amount": Sum("amount")}),
        (goals, "agreement__dealer_id", "month", 0, {"target_amount": Sum("amount")}),
        # What falls due in a month unpaid: the invoices due in it less what was paid on
        # them by their due date; the same OVERDUE_DAYS later for what passes that age.
        (falling_due, "dealer_id", "due_on", 0, {"overdue_added": Sum("amount")}),
        (allocations.exclude(late), "invoice__dealer_id", "invoice__due_on", 0,
         {"overdue_added": -Sum("amount")}),
        (falling_due, "dealer_id", "due_on", OVERDUE_DAYS, {"overdue30_added": Sum("amount")}),
        (allocations.exclude(very_late), "invoice__dealer_id", "invoice__due_on",
         OVERDUE_DAYS, {"overdue30_added": -Sum("amount")}),
        (allocations, "invoice__dealer_id", "payment__received_on", 0, {
            "allocated_amount": Sum("amount"),
            "overdue30_paid": Sum(Case(When(very_late, then=F("amount")), default=Value(0),
                                       output_field=MONEY)),
            "overdue_paid": Sum(Case(When(late, then=F("amount")), default=Value(0),
                                     output_field=MONEY)),
            "late_amount_days": Sum(Case(When(late, then=F("amount") * days_late),
                                         default=Value(0), output_field=MONEY))}),
        (StockReport.objects.all(), "dealer_id", "period", 0, {"stock_reports": Count("id")}),
        (StockLine.objects.all(), "report__dealer_id", "report__period", 0,
         {"stock_quantity": Sum("quantity")}),
        (FlowLine.objects.all(), "report__dealer_id", "report__period", 0, {
            "sold_quantity": Sum("quantity"),
            "active_customers": Count("customer_id", distinct=True)}),
    ]
    kind = {k: Count("id", filter=Q(kind=k)) for k in ContactKind}
    specs.append((Contact.objects.all(), "dealer_id", "month", 0, {
        "calls_in": kind[ContactKind.CALL_IN], "calls_out": kind[ContactKind.CALL_OUT],
        "visits": kind[ContactKind.VISIT]}))
    queries = []
    requests = ServiceRequest.objects.all()
    if dealer_ids is not None:
        requests = requests.filter(dealer_id__in=dealer_ids)
    if months is not None:
        # Raised at a moment: the month is the local (TIME_ZONE) one.
        requests = requests.filter(created_at__gte=_local_midnight(months[0]),
                                   created_at__lt=_local_midnight(_month_after(months[1])))
    queries.append(_row(requests, "dealer_id",
                        TruncMonth("created_at", output_field=models.DateField()),
                        requests=Count("id"),
                        complaints=Count("id", filter=Q(function__code__in=COMPLAINT_CODES)),
                        quality_issues=Count("id",
                                             filter=Q(function__code__in=QUALITY_CODES))))
    for rows, dealer, day, shift, measures in specs:
        if dealer_ids is not None:
            rows = rows.filter(**{f"{dealer}__in": dealer_ids})
        if months is not None:
            lag = datetime.timedelta(days=shift)
            rows = rows.filter(**{f"{day}__gte": months[0] - lag,
                                  f"{day}__lt": _month_after(months[1]) - lag})
        queries.append(_row(rows, dealer, AddDays(day, shift) if shift else day, **measures))
    return queries


def _typed(sql: str) -> str:
    """A source's SELECT with each column cast to the facts table's type. With the same
    types in every source PostgreSQL flattens their UNION ALL into one parallel append;
    with types that differ (a count is a bigint, a zero an integer, a sum a numeric of any
    scale) it nests one append per source and reads them one after the other: on the large
    demo a rebuild took 25 s instead of 30 s. Exact: every measure is whole or in cents."""
    fields = {"f_dealer": DealerMonth._meta.get_field("dealer"),
              "f_month": DealerMonth._meta.get_field("month"),
              **{f"f_{name}": DealerMonth._meta.get_field(name) for name in MEASURES}}
    casts = ", ".join(f"CAST({name} AS {field.db_type(connection)}) AS {name}"
                      for name, field in fields.items())
    return f"SELECT {casts} FROM ({sql}) AS typed"  # noqa: S608


def _insert_facts(dealer_ids: list[int] | None, keys_table: str | None,
                  months: Window | None = None, *, typed: bool = False) -> int:
    """INSERT the grouped facts of all sources; with `keys_table`, only its dealer-months;
    `typed`: each source cast to the facts table's types first (see `_typed`).

    The SQL is assembled from table and column names of the models and from the sources'
    ORM-compiled SQL; every value travels as a parameter.
    """
    parts, params = [], []
    for source in _sources(dealer_ids, months):
        sql, source_params = source.query.sql_with_params()
        parts.append(_typed(sql) if typed else sql)
        params.extend(source_params)
    # The union's columns take the first source's names: f_dealer, f_month, f_<measure>.
    sums = ", ".join(f"{COMBINE.get(name, 'SUM')}(s.f_{name})" for name in MEASURES)
    where = ""
    if keys_table:
        where = (f" WHERE EXISTS (SELECT 1 FROM {keys_table} k "  # noqa: S608
                 "WHERE k.dealer_id = s.f_dealer AND k.month = s.f_month)")
    table = DealerMonth._meta.db_table
    union = " UNION ALL ".join(f"SELECT * FROM ({part}) AS src{i}"  # noqa: S608
                               for i, part in enumerate(parts))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Sums over millions of lines: hash them in memory rather than spill to disk,
            # and skip JIT compiling, which costs more than it saves on these plans.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
        # The sources are summed into a new table first: PostgreSQL reads them with
        # parallel workers there, which it never does for an INSERT ... SELECT.
        cursor.execute(f"CREATE TEMPORARY TABLE facts_stage AS {union}", params)
        try:
            cursor.execute(
                f"INSERT INTO {table} (dealer_id, month, {', '.join(MEASURES)}) "  # noqa: S608
                f"SELECT s.f_dealer, s.f_month, {sums} FROM facts_stage AS s{where} "
                # Written in dealer order: a dealer's months share a page or two, so reading
                # a few hundred dealers (an incremental scan) touches as many pages, not
                # thousands.
                "GROUP BY s.f_dealer, s.f_month ORDER BY s.f_dealer, s.f_month")
            return cursor.rowcount
        finally:
            cursor.execute("DROP TABLE facts_stage")


@transaction.atomic
def facts_rebuild() -> FactsRun:
    """Write every dealer-month from scratch, in one transaction (on PostgreSQL readers of
    the facts wait for it to commit; use facts_refresh for day-to-day updates)."""
    started = timezone.now()
    if connection.vendor == "postgresql":
        # Emptying the table wholesale beats deleting its rows one by one.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {DealerMonth._meta.db_table}")
    else:
        DealerMonth.objects.all().delete()
    written = _insert_facts(None, None, typed=connection.vendor == "postgresql")
    return FactsRun.objects.create(kind=FactsRun.Kind.REBUILD, started_at=started,
                                   finished_at=timezone.now(), dealer_months=written)


def changed_dealer_months(since: datetime.datetime) -> set[tuple[int, datetime.date]]:
    """(dealer, month) pairs whose orders, invoices, payments or targets changed since.

    An invoice counts in the month it was issued and the month it falls due; a payment in
    the month it was received and, through its allocations, in its invoices' due months.
    """
    keys: set[tuple[int, datetime.date]] = set()
    invoices = Invoice.objects.filter(updated_at__gte=since)
    for queryset, dealer, day in (
        (Order.objects.filter(updated_at__gte=since), "dealer_id", "ordered_on"),
        (invoices, "dealer_id", "issued_on"),
        (invoices, "dealer_id", "due_on"),
        (Payment.objects.filter(updated_at__gte=since), "dealer_id", "received_on"),
        (PaymentAllocation.objects.filter(payment__updated_at__gte=since),
         "invoice__dealer_id", "invoice__due_on"),
        (invoices, "dealer_id", AddDays("due_on", OVERDUE_DAYS)),
        (PaymentAllocation.objects.filter(payment__updated_at__gte=since),
         "invoice__dealer_id", AddDays("invoice__due_on", OVERDUE_DAYS)),
        (AgreementTarget.objects.filter(agreement__updated_at__gte=since),
         "agreement__dealer_id", "month"),
        (StockReport.objects.filter(updated_at__gte=since), "dealer_id", "period"),
        (Contact.objects.filter(updated_at__gte=since), "dealer_id", "month"),
        (ServiceRequest.objects.filter(updated_at__gte=since), "dealer_id",
         TruncMonth("created_at", output_field=models.DateField())),
    ):
        keys.update(queryset.order_by().annotate(m=MonthStart(day))
                    .values_list(dealer, "m").distinct())
    return keys


def _ordering(cursor: Any, table: str) -> set[tuple[int, Any]]:
    """The dealer-months of the refresh's keys (temporary table facts_keys) with orders."""
    cursor.execute(f"SELECT t.dealer_id, t.month FROM {table} t "  # noqa: S608
                   "JOIN facts_keys k ON k.dealer_id = t.dealer_id AND k.month = t.month "
                   "WHERE t.order_count > 0")
    return set(cursor.fetchall())


@transaction.atomic
def facts_refresh(*, since: datetime.datetime | None = None) -> FactsRun:
    """Rewrite only the dealer-months whose transactions changed since the last run (or
    `since`); the first run ever rebuilds everything."""
    last = FactsRun.objects.order_by("-started_at").first()
    if since is None and last is None:
        return facts_rebuild()
    since = since or last.started_at
    started = timezone.now()
    keys = changed_dealer_months(since)
    written = 0
    flipped: list[int] = []
    if keys:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE facts_keys (dealer_id bigint, month date)")
            try:
                cursor.executemany("INSERT INTO facts_keys VALUES (%s, %s)", sorted(keys))
                table = DealerMonth._meta.db_table
                ordering_before = _ordering(cursor, table)
                cursor.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 "  # noqa: S608
                               f"FROM facts_keys k WHERE k.dealer_id = {table}.dealer_id "
                               f"AND k.month = {table}.month)")
                dealers = sorted({dealer for dealer, _month in keys})
                months = (min(m for _d, m in keys), max(m for _d, m in keys))
                written = _insert_facts(dealers, "facts_keys", months)
                flipped = sorted({dealer for dealer, _month in
                                  ordering_before ^ _ordering(cursor, table)})
            finally:
                cursor.execute("DROP TABLE facts_keys")
    return FactsRun.objects.create(kind=FactsRun.Kind.REFRESH, started_at=started,
                                   finished_at=timezone.now(), dealer_months=written,
                                   changed=[[dealer, month.isoformat()]
                                            for dealer, month in sorted(keys)],
                                   ordering_flipped=flipped)
