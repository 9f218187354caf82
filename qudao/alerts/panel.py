"""The dealer-month panel the detectors read: the facts as arrays, one row per dealer and
month with no gaps, plus each dealer's peer group, rep and region.

Dense and sorted by dealer and month, with `pos`, the row's place among its dealer's
months (0 for the first): "last month" is the row before when `pos` >= 1, and a window of
the last n months lies within the dealer when `pos` >= n - 1. The helpers below turn that
into plain column operations (`lag`, `window_sum`, `forward_fill`, `running_total`): a
shift of the whole column with a mask costs a hundredth of the same shift per dealer
(`.over("dealer")`), and the rules make dozens of them.

Read in a few queries: the facts of the window, the balances before it, the dealers, the
stock terms of the agreements in force and the count of each dealer's sub-dealers (and,
for a scan of some dealers only, how many of their sub-dealers ordered each month; a full
scan counts those in the facts it read). On PostgreSQL the rows travel by COPY in CSV,
which Polars parses in one call; decimals travel as their text (PostgreSQL's float output
is slower, and the text parses to the same nearest double).
"""

import contextlib
import datetime
import io
import operator
from collections.abc import Iterator, Sequence
from functools import reduce
from typing import Any

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import Count, F, Func, Max, Min, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from qudao.agreements.choices import AgreementStatus
from qudao.agreements.models import Agreement
from qudao.analytics.models import DealerMonth
from qudao.analytics.services import QUALITY_CODES
from qudao.dealers.models import Dealer
from qudao.service.models import ServiceRequest
from qudao.territories.models import Territory, TerritoryLevel

# Facts column -> panel column (read as floats: comparisons are ratios; the alert keeps the
# figures it shows rounded back to cents).
FLOATS = {"order_amount": "amount", "list_amount": "list_amount", "order_quantity": "quantity",
          "order_count": "orders", "target_amount": "target", "allocated_amount": "allocated",
          "late_amount_days": "late_amount_days", "stock_reports": "stock_reports",
          "stock_quantity": "stock_quantity", "sold_quantity": "sold_quantity",
          "active_customers": "active_customers", "requests": "requests",
          "complaints": "complaints", "quality_issues": "quality_issues",
          "calls_in": "calls_in", "calls_out": "calls_out", "visits": "visits"}
# Balances kept as monthly flows (added less paid); their running sums, in cents, are exact.
FLOWS = {"overdue": ("overdue_added", "overdue_paid"),
         "overdue30": ("overdue30_added", "overdue30_paid")}
DAYS = ["first_order_day", "last_order_day"]
POS = "pos"


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


# -- window helpers over the dense panel ------------------------------------------------------

def lag(expr: pl.Expr, k: int = 1, *, pos: str = POS) -> pl.Expr:
    """The value k months before, within the dealer (null in its first k months)."""
    return pl.when(pl.col(pos) >= k).then(expr.shift(k))


def window_sum(expr: pl.Expr, n: int, *, skip: int = 0, pos: str = POS) -> pl.Expr:
    """The sum of the n values ending `skip` months before this one; null unless all n are
    the dealer's and none is null (a rolling sum with min_samples = n, shifted by `skip`).
    Each window is summed afresh: no residue of a sliding sum carries from one dealer (or
    one month) into the next."""
    total = reduce(operator.add, [expr.shift(skip + j) for j in range(n)])
    return pl.when(pl.col(pos) >= n - 1 + skip).then(total)


def window_sum_partial(expr: pl.Expr, n: int, *, skip: int = 0, pos: str = POS) -> pl.Expr:
    """The sum of those of the n values ending `skip` months before this one that are the
    dealer's (a rolling sum with min_samples = 1, shifted by `skip`, over a column without
    nulls); null in the dealer's first `skip` months."""
    terms = [pl.when(pl.col(pos) >= skip + j).then(expr.shift(skip + j)).otherwise(0.0)
             for j in range(n)]
    return pl.when(pl.col(pos) >= skip).then(reduce(operator.add, terms))


def forward_fill(expr: pl.Expr, limit: int | None = None, *, pos: str = POS) -> pl.Expr:
    """The last value that is not null, from this month or an earlier one of the dealer's
    (at most `limit` months back)."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    gap = row - pl.when(expr.is_not_null()).then(row).forward_fill()
    keep = gap <= pl.col(pos)
    if limit is not None:
        keep = keep & (gap <= limit)
    return pl.when(keep).then(expr.forward_fill())


def running_total(expr: pl.Expr, *, start: pl.Expr | None = None, pos: str = POS) -> pl.Expr:
    """The dealer's running total of a whole-number column (counts, cents), exact: the
    column's total so far less the total before the dealer's first row. `start` marks other
    rows where the total starts again (the first month of a year)."""
    total = expr.cum_sum()
    first = pl.col(pos) == 0 if start is None else (pl.col(pos) == 0) | start
    return total - pl.when(first).then(total - expr).forward_fill()


def cents(expr: pl.Expr) -> pl.Expr:
    """Money as whole cents, for exact running totals."""
    return (expr * 100).round(0).cast(pl.Int64)


def positions(frame: pl.DataFrame, name: str = POS) -> pl.DataFrame:
    """`frame` (sorted by dealer) with each row's place among its dealer's rows."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    first = (pl.col("dealer") != pl.col("dealer").shift(1)).fill_null(True)
    return frame.with_columns((row - pl.when(first).then(row).forward_fill())
                              .cast(pl.Int32).alias(name))


# -- reading ----------------------------------------------------------------------------------

def _float(expr: Any) -> Any:
    """A number read as a float: PostgreSQL sends the decimal's text, which Polars parses;
    SQLite's rows come as Python numbers, cast in the query."""
    return expr if connection.vendor == "postgresql" else Cast(expr, models.FloatField())


class _AnyOf(Func):
    """`column = ANY(%s)`, the ids as one array parameter: an IN list of thousands of ids
    costs PostgreSQL more to parse and plan than the query itself."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = models.BooleanField()


def _among(queryset: models.QuerySet, field: str, ids: Sequence[int]) -> models.QuerySet:
    """`queryset` where `field` is one of the ids."""
    if connection.vendor == "postgresql":
        return queryset.filter(_AnyOf(F(field), RawSQL("%s", (list(ids),))))
    return queryset.filter(**{f"{field}__in": list(ids)})


def _frame(queryset: models.QuerySet, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a values_list queryset as a frame with the given column names/types."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # among no ids at all
        return pl.DataFrame(schema=schema)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)",
                                    params) as copy:
                for chunk in copy:
                    buffer.write(chunk)
            if not buffer.getbuffer().nbytes:
                return pl.DataFrame(schema=schema)
            buffer.seek(0)
            return pl.read_csv(buffer, has_header=False, new_columns=list(schema),
                               schema_overrides=schema)
        cursor.execute(sql, params)
        return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _window_facts(first: datetime.date, last: datetime.date,
                  dealer_ids: Sequence[int] | None) -> models.QuerySet:
    rows = DealerMonth.objects.filter(month__gte=first, month__lte=last)
    if dealer_ids is not None:
        rows = _among(rows, "dealer_id", dealer_ids)
    return rows.order_by()


def _facts(first: datetime.date, last: datetime.date,
           dealer_ids: Sequence[int] | None) -> pl.DataFrame:
    columns = {f"p_{k}": _float(F(k)) for k in FLOATS}
    columns |= {f"p_{k}": _float(F(added) - F(paid)) for k, (added, paid) in FLOWS.items()}
    queryset = _window_facts(first, last, dealer_ids).annotate(**columns).values_list(
        "dealer_id", "month", *columns, *DAYS)
    schema = {"dealer": pl.Int64, "month": pl.Date,
              **{FLOATS[k]: pl.Float64 for k in FLOATS},
              **{f"{k}_flow": pl.Float64 for k in FLOWS}, **{k: pl.Date for k in DAYS}}
    return _frame(queryset, schema)


def _openings(first: datetime.date, dealer_ids: Sequence[int] | None) -> pl.DataFrame:
    """Balances carried into the window: the flows of every month before it."""
    rows = DealerMonth.objects.filter(month__lt=first)
    if dealer_ids is not None:
        rows = _among(rows, "dealer_id", dealer_ids)
    sums = {f"o_{name}": _float(Sum(F(added) - F(paid)))
            for name, (added, paid) in FLOWS.items()}
    queryset = (rows.order_by().values("dealer_id").annotate(
        first_order_before=Min("first_order_day"),
        orders_before=_float(Sum("order_count")),
        last_order_before=Max("last_order_day"), **sums)
        .values_list("dealer_id", "first_order_before", "orders_before", "last_order_before",
                     *sums))
    return _frame(queryset, {"dealer": pl.Int64, "first_order_before": pl.Date,
                             "orders_before": pl.Float64, "last_order_before": pl.Date,
                             **{f"{k}_before": pl.Float64 for k in FLOWS}})


def _dealers(dealer_ids: Sequence[int]) -> pl.DataFrame:
    """The dealers judged: peer group (province and channel level), region, rep, grade,
    territory and parent."""
    frame = _frame(_among(Dealer.objects.order_by(), "pk", dealer_ids).values_list(
        "pk", "territory_id", "territory__path", "channel_level", "grade", "assigned_rep_id",
        "parent_id"), {"dealer": pl.Int64, "territory_id": pl.Int64, "path": pl.Utf8,
                       "level": pl.Utf8, "grade": pl.Utf8, "rep": pl.Int64,
                       "parent": pl.Int64})
    frame = frame.with_columns(pl.col("path", "level", "grade").fill_null(""))
    # The region: the province whose path is the longest prefix of the dealer's.
    provinces = dict(Territory.objects.filter(level=TerritoryLevel.PROVINCE)
                     .values_list("path", "pk"))
    step = Territory.steplen
    regions = {path: next((provinces[path[:n]] for n in range(len(path), 0, -step)
                           if path[:n] in provinces), None)
               for path in frame.get_column("path").unique().to_list()}
    return frame.with_columns(region_id=pl.col("path").replace_strict(
        regions, default=None, return_dtype=pl.Int64))


def _stock_terms(last: datetime.date, dealer_ids: Sequence[int] | None) -> pl.DataFrame:
    """Safety and maximum stock (days of sales) of each dealer's agreement in force in the
    month `last`: active, its term overlapping that month; of two, the later one.

    One agreement for every month judged, in one query: terms change once a year at most,
    and the months a scan judges are mostly the last few.
    """
    end = add_months(last, 1) - datetime.timedelta(days=1)
    agreements = Agreement.objects.filter(status=AgreementStatus.ACTIVE, start_date__lte=end,
                                          end_date__gte=last)
    if dealer_ids is not None:
        agreements = _among(agreements, "dealer_id", dealer_ids)
    frame = _frame(agreements.order_by().annotate(
        safety=_float(F("safety_stock_days")), maximum=_float(F("max_stock_days")))
        .values_list("dealer_id", "start_date", "pk", "safety", "maximum"),
        {"dealer": pl.Int64, "start": pl.Date, "id": pl.Int64, "safety_days": pl.Float64,
         "max_days": pl.Float64})
    return (frame.sort("dealer", "start", "id", descending=[False, True, True])
            .unique("dealer", keep="first", maintain_order=True)
            .select("dealer", "safety_days", "max_days"))


def _sub_dealers(dealer_ids: Sequence[int] | None) -> pl.DataFrame:
    """How many sub-dealers (dealers whose parent it is) each dealer has."""
    children = Dealer.objects.filter(parent__isnull=False)
    if dealer_ids is not None:
        children = _among(children, "parent_id", dealer_ids)
    return _frame(children.order_by().values("parent_id").annotate(
        n=_float(Count("pk"))).values_list("parent_id", "n"),
        {"dealer": pl.Int64, "sub_dealers": pl.Float64})


def _children_ordering(first: datetime.date, last: datetime.date,
                       dealer_ids: Sequence[int]) -> pl.DataFrame:
    """Per dealer and month, how many of its sub-dealers (who are not among the dealers
    judged) ordered."""
    ordering = _among(_window_facts(first, last, None).filter(order_count__gt=0),
                      "dealer__parent_id", dealer_ids)
    return _frame(ordering.values("dealer__parent_id", "month").annotate(
        n=_float(Count("pk"))).values_list("dealer__parent_id", "month", "n"),
        {"dealer": pl.Int64, "month": pl.Date, "children_ordering": pl.Float64})


def _children_in_panel(panel: pl.DataFrame, dealers: pl.Series, months: int) -> pl.Series:
    """Per row of the panel, how many of the dealer's sub-dealers ordered that month, when
    every dealer with facts is in the panel (a full scan): counted there, each ordering
    sub-dealer's row adding one to its parent's row of the same month."""
    rows = panel.select("parent", POS).filter(
        (panel.get_column("orders") > 0) & panel.get_column("parent").is_not_null())
    counts = pl.Series("children_ordering", [], dtype=pl.Float64).extend_constant(
        0.0, panel.height)
    if rows.is_empty():
        return counts
    place = dealers.search_sorted(rows.get_column("parent")).cast(pl.Int64)
    found = dealers.gather(place.clip(0, len(dealers) - 1)) == rows.get_column("parent")
    target = (place * months + rows.get_column(POS)).filter(found).alias("row")
    per_row = target.value_counts(name="n")
    return counts.scatter(per_row.get_column("row"), per_row.get_column("n").cast(pl.Float64))


def _grid_rows(frame: pl.DataFrame, dealers: pl.Series, first: datetime.date,
               months: int) -> pl.DataFrame:
    """Each row of `frame` (dealer, month, ...) with `row`, its row in the panel (dealers
    sorted, each with `months` months from `first`); rows of other dealers or months left
    out."""
    if dealers.is_empty():
        return frame.clear().with_columns(row=pl.lit(0, pl.Int64))
    place = dealers.search_sorted(frame.get_column("dealer")).cast(pl.Int64)
    found = dealers.gather(place.clip(0, len(dealers) - 1))
    month = (pl.col("month").dt.year().cast(pl.Int64) * 12 + pl.col("month").dt.month()
             - (first.year * 12 + first.month))
    return (frame.with_columns(_place=place, _found=found)
            .filter((pl.col("_found") == pl.col("dealer")) & month.is_between(0, months - 1))
            .with_columns(row=pl.col("_place") * months + month)
            .drop("_place", "_found"))


def _spread(frame: pl.DataFrame, height: int, zero: Sequence[str] = ()) -> list[pl.Series]:
    """The columns of `frame` (with `row`, its row in the panel) as columns of the panel:
    null, or 0.0 for the `zero` columns, in the rows it does not have."""
    where = (pl.Series("where", [], dtype=pl.UInt32).extend_constant(None, height)
             .scatter(frame.get_column("row"), pl.int_range(frame.height, dtype=pl.UInt32,
                                                            eager=True)))
    columns = frame.drop("dealer", "month", "row").select(pl.all().gather(where))
    return [column.fill_null(0.0) if column.name in zero else column
            for column in columns.get_columns()]


@contextlib.contextmanager
def _without_parallel_workers(enabled: bool) -> Iterator[None]:
    """PostgreSQL plans the queries inside without parallel workers: those of a scan of
    some dealers are small, and starting workers for them costs more than it saves."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        before = cursor.fetchone()[0]
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield
        # Inside a transaction of the caller's the setting would outlive this block.
        cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)",
                       [before])


def build_panel(first: datetime.date, last: datetime.date,
                dealer_ids: Sequence[int] | None = None, *,
                facts_of: Sequence[int] | None = None,
                network_of: Sequence[int] | None = None) -> pl.DataFrame:
    """The panel from month `first` to month `last` (both month starts): every dealer
    judged (the given ones, or all with facts in the window) in every month, sorted by
    dealer and month, with `pos` (see the module's docstring).

    `facts_of` and `network_of` (default: all the given dealers) limit whose own facts
    (orders, balances, stock terms) and whose sub-dealers are read; the others' are zero. A
    scan of what changed judges a parent of a changed dealer on its network only.
    """
    dealer_ids = None if dealer_ids is None else sorted(set(dealer_ids))
    facts_of = dealer_ids if facts_of is None else sorted(set(facts_of))
    network_of = dealer_ids if network_of is None else sorted(set(network_of))
    with _without_parallel_workers(dealer_ids is not None):
        facts = _facts(first, last, facts_of)
        dealers = _dealers(dealer_ids if dealer_ids is not None
                           else facts.get_column("dealer").unique().sort().to_list())
        openings = _openings(first, facts_of)
        terms = _stock_terms(last, facts_of)
        sub_dealers = _sub_dealers(network_of)
    # The sub-dealers' months are found in a scan of the window's facts: workers help there.
    children = None if network_of is None else _children_ordering(first, last, network_of)
    first_seen = facts.group_by("dealer").agg(first_seen=pl.col("first_order_day").min())
    # Whatever belongs to the dealer, not the month, is joined before the months are.
    dealers = (dealers.join(openings, on="dealer", how="left")
               .join(terms, on="dealer", how="left")
               .join(sub_dealers, on="dealer", how="left")
               .join(first_seen, on="dealer", how="left")
               .with_columns(group=pl.format("{}:{}", pl.col("region_id").fill_null(0),
                                             pl.col("level")),
                             sub_dealers=pl.col("sub_dealers").fill_null(0.0))
               .sort("dealer"))
    months = pl.DataFrame({"month": pl.date_range(first, last, "1mo", eager=True)})
    months = months.with_columns(month_end=pl.col("month").dt.month_end(),
                                 **{POS: pl.int_range(pl.len(), dtype=pl.Int32)})
    # Every dealer in every month, in order; the facts go to their rows by position (a
    # join on dealer and month costs ten times more).
    panel = dealers.join(months, how="cross", maintain_order="left_right")
    ids, height = dealers.get_column("dealer"), panel.height
    zero = [*FLOATS.values(), *[f"{k}_flow" for k in FLOWS], "children_ordering"]
    panel = panel.with_columns(
        *_spread(_grid_rows(facts, ids, first, months.height), height, zero),
    ).with_columns(pl.col("dealer").set_sorted())
    if children is None:
        panel = panel.with_columns(_children_in_panel(panel, ids, months.height))
    else:
        panel = panel.with_columns(*_spread(_grid_rows(children, ids, first, months.height),
                                            height, zero))
    orders_so_far = (running_total(pl.col("orders"))
                     + pl.col("orders_before").fill_null(0.0))
    balances = {k: (running_total(cents(pl.col(f"{k}_flow")))
                    + cents(pl.col(f"{k}_before").fill_null(0.0))) / 100.0 for k in FLOWS}
    panel = panel.with_columns(
        orders_so_far=orders_so_far,
        last_order_so_far=pl.coalesce(forward_fill(pl.col("last_order_day")),
                                      pl.col("last_order_before")),
        price_index=pl.when(pl.col("list_amount") > 0)
        .then(pl.col("amount") / pl.col("list_amount")),
        days_late=pl.when(pl.col("allocated") > 0)
        .then(pl.col("late_amount_days") / pl.col("allocated")),
        **balances,
    ).with_columns(
        first_order_ever=pl.when(pl.col("orders_so_far") > 0)
        .then(pl.coalesce(pl.col("first_order_before"), pl.col("first_seen"))),
    )
    return panel


def product_issues(first: datetime.date, last: datetime.date) -> pl.DataFrame:
    """Quality issues per dealer, product and month from `first` to `last`: the service
    requests of the quality function that name a product, in the local month they were
    raised (as the facts count them). What the product rules judge, one GROUP BY."""
    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    after = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    queryset = (ServiceRequest.objects
                .filter(function__code__in=QUALITY_CODES, product__isnull=False,
                        created_at__gte=midnight(first), created_at__lt=midnight(after))
                .annotate(m=TruncMonth("created_at", output_field=models.DateField()))
                .values("dealer_id", "product_id", "m").annotate(n=Count("id"))
                .values_list("dealer_id", "product_id", "m", "n"))
    # The month of a moment comes as text: a timestamp at midnight from PostgreSQL's COPY,
    # a date from SQLite; its first ten characters are the date either way.
    frame = _frame(queryset, {"dealer": pl.Int64, "product": pl.Int64, "month": pl.Utf8,
                              "issues": pl.Float64})
    return frame.with_columns(pl.col("month").str.slice(0, 10).str.to_date())
