"""The dealer-month panel the detectors read: the facts as arrays, one row per dealer and
month with no gaps, plus each dealer's peer group, rep and region.

Read in two queries (facts, dealers), one for the balances before the window, one for the
stock terms of the agreements in force and two for the sub-dealers (how many each dealer
has, how many of them ordered each month); on PostgreSQL the rows travel by COPY in CSV,
which Polars parses in one call.
"""

import datetime
import io
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db import connection, models
from django.db.models import Count, F, Sum
from django.db.models.functions import Cast

from qudao.agreements.choices import AgreementStatus
from qudao.agreements.models import Agreement
from qudao.analytics.models import DealerMonth
from qudao.dealers.models import Dealer
from qudao.territories.models import Territory, TerritoryLevel

# Facts column -> panel column (read as floats: comparisons are ratios; the alert keeps the
# figures it shows rounded back to cents).
FLOATS = {"order_amount": "amount", "list_amount": "list_amount", "order_quantity": "quantity",
          "order_count": "orders", "target_amount": "target", "invoiced_amount": "invoiced",
          "payment_amount": "collected", "allocated_amount": "allocated",
          "late_amount_days": "late_amount_days", "stock_reports": "stock_reports",
          "stock_quantity": "stock_quantity", "sold_quantity": "sold_quantity",
          "active_customers": "active_customers"}
FLOWS = {"overdue": ("overdue_added", "overdue_paid"),
         "overdue30": ("overdue30_added", "overdue30_paid")}
DAYS = ["first_order_day", "last_order_day"]


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _frame(queryset: models.QuerySet, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a values_list queryset as a frame with the given column names/types."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)",
                                    params) as copy:
                for chunk in copy:
                    buffer.write(chunk)
            buffer.seek(0)
            if not buffer.getbuffer().nbytes:
                return pl.DataFrame(schema=schema)
            return pl.read_csv(buffer, has_header=False, new_columns=list(schema),
                               schema_overrides=schema)
        cursor.execute(sql, params)
        return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _facts(first: datetime.date, last: datetime.date,
           dealer_ids: Iterable[int] | None) -> pl.DataFrame:
    rows = DealerMonth.objects.filter(month__gte=first, month__lte=last)
    if dealer_ids is not None:
        rows = rows.filter(dealer_id__in=list(dealer_ids))
    as_float = {name: Cast(F(name), models.FloatField()) for name in FLOATS}
    flows = {name: Cast(F(added) - F(paid), models.FloatField())
             for name, (added, paid) in FLOWS.items()}
    queryset = rows.order_by().annotate(**{f"p_{k}": v for k, v in {**as_float, **flows}.items()}
                                        ).values_list(
        "dealer_id", "month", *[f"p_{k}" for k in [*FLOATS, *FLOWS]], *DAYS)
    schema = {"dealer": pl.Int64, "month": pl.Date,
              **{FLOATS[k]: pl.Float64 for k in FLOATS}, **{k: pl.Float64 for k in FLOWS},
              **{k: pl.Date for k in DAYS}}
    frame = _frame(queryset, schema)
    return frame.rename({k: f"{k}_flow" for k in FLOWS})


def _openings(first: datetime.date, dealer_ids: Iterable[int] | None) -> pl.DataFrame:
    """Balances carried into the window: the flows of every month before it."""
    rows = DealerMonth.objects.filter(month__lt=first)
    if dealer_ids is not None:
        rows = rows.filter(dealer_id__in=list(dealer_ids))
    sums = {f"o_{name}": Cast(Sum(F(added) - F(paid)), models.FloatField())
            for name, (added, paid) in FLOWS.items()}
    queryset = (rows.order_by().values("dealer_id").annotate(
        first_order_before=models.Min("first_order_day"),
        orders_before=Cast(Sum("order_count"), models.FloatField()),
        last_order_before=models.Max("last_order_day"), **sums)
        .values_list("dealer_id", "first_order_before", "orders_before", "last_order_before",
                     *sums))
    return _frame(queryset, {"dealer": pl.Int64, "first_order_before": pl.Date,
                             "orders_before": pl.Float64, "last_order_before": pl.Date,
                             **{f"{k}_before": pl.Float64 for k in FLOWS}})


def _dealers(dealer_ids: Iterable[int] | None) -> pl.DataFrame:
    """Each dealer's peer group (province and channel level), region, rep and grade."""
    dealers = Dealer.objects.all()
    if dealer_ids is not None:
        dealers = dealers.filter(pk__in=list(dealer_ids))
    rows = list(dealers.order_by().values_list("pk", "territory__path", "channel_level",
                                               "grade", "assigned_rep_id", "parent_id"))
    provinces = dict(Territory.objects.filter(level=TerritoryLevel.PROVINCE)
                     .values_list("path", "pk"))
    step = Territory.steplen
    records = []
    for pk, path, level, grade, rep, parent in rows:
        path = path or ""
        region = next((provinces[path[:n]] for n in range(len(path), 0, -step)
                       if path[:n] in provinces), None)
        records.append((pk, path, level or "", grade or "", rep, region, parent))
    return pl.DataFrame(records, orient="row", schema={
        "dealer": pl.Int64, "path": pl.Utf8, "level": pl.Utf8, "grade": pl.Utf8,
        "rep": pl.Int64, "region_id": pl.Int64, "parent": pl.Int64})


def _stock_terms(last: datetime.date, dealer_ids: Iterable[int] | None) -> pl.DataFrame:
    """Safety and maximum stock (days of sales) of each dealer's agreement in force in the
    month `last`: active, its term overlapping that month; of two, the later one.

    One agreement for every month judged, in one query: terms change once a year at most,
    and the months a scan judges are mostly the last few.
    """
    end = add_months(last, 1) - datetime.timedelta(days=1)
    agreements = Agreement.objects.filter(status=AgreementStatus.ACTIVE, start_date__lte=end,
                                          end_date__gte=last)
    if dealer_ids is not None:
        agreements = agreements.filter(dealer_id__in=list(dealer_ids))
    terms: dict[int, tuple[float | None, float | None]] = {}
    for dealer, safety, maximum in agreements.order_by("dealer_id", "-start_date", "-pk") \
            .values_list("dealer_id", "safety_stock_days", "max_stock_days"):
        terms.setdefault(dealer, (None if safety is None else float(safety),
                                  None if maximum is None else float(maximum)))
    return pl.DataFrame([(k, *v) for k, v in terms.items()], orient="row", schema={
        "dealer": pl.Int64, "safety_days": pl.Float64, "max_days": pl.Float64})


def _network(first: datetime.date, last: datetime.date,
             dealer_ids: Iterable[int] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each dealer's sub-dealers (dealers whose parent it is): how many it has, and how
    many of them ordered in each month; summed in the database."""
    children = Dealer.objects.filter(parent__isnull=False)
    ordering = DealerMonth.objects.filter(month__gte=first, month__lte=last, order_count__gt=0,
                                          dealer__parent__isnull=False)
    if dealer_ids is not None:
        children = children.filter(parent_id__in=list(dealer_ids))
        ordering = ordering.filter(dealer__parent_id__in=list(dealer_ids))
    counts = _frame(children.order_by().values("parent_id").annotate(
        n=Cast(Count("pk"), models.FloatField())).values_list("parent_id", "n"),
        {"dealer": pl.Int64, "sub_dealers": pl.Float64})
    monthly = _frame(ordering.order_by().values("dealer__parent_id", "month").annotate(
        n=Cast(Count("pk"), models.FloatField())).values_list("dealer__parent_id", "month", "n"),
        {"dealer": pl.Int64, "month": pl.Date, "children_ordering": pl.Float64})
    return counts, monthly


def build_panel(first: datetime.date, last: datetime.date,
                dealer_ids: Iterable[int] | None = None) -> pl.DataFrame:
    """The panel from month `first` to month `last` (both month starts)."""
    dealer_ids = None if dealer_ids is None else sorted(set(dealer_ids))
    facts = _facts(first, last, dealer_ids)
    openings = _openings(first, dealer_ids)
    dealers = _dealers(dealer_ids if dealer_ids is not None else
                       facts.get_column("dealer").unique().to_list())
    terms = _stock_terms(last, dealer_ids)
    sub_dealers, children_ordering = _network(first, last, dealer_ids)
    months = pl.DataFrame({"month": pl.date_range(first, last, "1mo", eager=True)})
    zero = [pl.col(c).fill_null(0.0) for c in [*FLOATS.values(), *[f"{k}_flow" for k in FLOWS],
                                                "sub_dealers", "children_ordering"]]
    panel = (dealers.join(months, how="cross")
             .join(facts, on=["dealer", "month"], how="left")
             .join(openings, on="dealer", how="left")
             .join(terms, on="dealer", how="left")
             .join(sub_dealers, on="dealer", how="left")
             .join(children_ordering, on=["dealer", "month"], how="left")
             .with_columns(zero)
             .sort("dealer", "month"))
    by_dealer = "dealer"
    first_seen = pl.col("first_order_day").drop_nulls().first().over(by_dealer)
    panel = panel.with_columns(
        month_end=pl.col("month").dt.month_end(),
        group=pl.format("{}:{}", pl.col("region_id").fill_null(0), pl.col("level")),
        orders_so_far=pl.col("orders").cum_sum().over(by_dealer)
        + pl.col("orders_before").fill_null(0.0),
        last_order_so_far=pl.coalesce(pl.col("last_order_day").forward_fill().over(by_dealer),
                                      pl.col("last_order_before")),
        **{k: pl.col(f"{k}_flow").cum_sum().over(by_dealer) + pl.col(f"{k}_before").fill_null(0.0)
           for k in FLOWS},
        price_index=pl.when(pl.col("list_amount") > 0)
        .then(pl.col("amount") / pl.col("list_amount")),
        days_late=pl.when(pl.col("allocated") > 0)
        .then(pl.col("late_amount_days") / pl.col("allocated")),
    ).with_columns(
        first_order_ever=pl.when(pl.col("orders_so_far") > 0)
        .then(pl.coalesce(pl.col("first_order_before"), first_seen)),
    )
    return panel
