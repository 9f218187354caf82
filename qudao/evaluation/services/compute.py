"""Computing a period's scorecards, set-based (R-EV-13..20, R-DM-16).

For all the dealers of a computation at once: one GROUP BY over the dealer-month facts,
one over agreements, one over order lines of new products and one over rated service
requests; the formulas run in Python on those few rows a dealer; scorecards and lines are
written in chunks with bulk writes, each chunk its own transaction (so the progress of a
long run is visible), and the ranks of the period are refreshed at the end. Final
scorecards are left as they are; hand scores are kept.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, DecimalField, F, IntegerField, Max, Min, Q, Sum, When
from django.utils import timezone

from qudao.agreements.choices import AgreementStatus
from qudao.agreements.models import Agreement
from qudao.analytics.models import DealerMonth
from qudao.catalog.models import Product, ProductStatus
from qudao.dealers.choices import DealerStatus
from qudao.dealers.models import Dealer
from qudao.evaluation import formulas
from qudao.evaluation.choices import DEFAULT_WEIGHTS, DIMENSIONS, ScorecardStatus
from qudao.evaluation.formulas import ZERO, Facts
from qudao.evaluation.models import Scorecard, ScorecardLine, ScorecardWeight
from qudao.evaluation.periods import Period
from qudao.orders.choices import SALES_STATUSES
from qudao.orders.models import OrderLine
from qudao.service.models import ServiceRequest
from qudao.stock.periods import add_months
from qudao.territories.models import Territory

# Dealers that are evaluated: those trading with the manufacturer (or on probation or
# suspended, whose evaluation matters most).
EVALUATED = (DealerStatus.ACTIVE, DealerStatus.PROBATION, DealerStatus.SUSPENDED)
CHUNK = 2000
MONEY = DecimalField(max_digits=20, decimal_places=2)
BOUND = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.EXPIRED,
         AgreementStatus.TERMINATED)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _scoped(queryset: Any, dealer_ids: Any, field: str = "dealer_id") -> Any:
    return queryset if dealer_ids is None else queryset.filter(**{f"{field}__in": dealer_ids})


def weights_by_level() -> dict[str, dict[str, Decimal]]:
    """Every channel level's weights (the defaults for a level with none saved)."""
    found: dict[str, dict[str, Decimal]] = {}
    for level, dimension, weight in ScorecardWeight.objects.values_list(
            "channel_level", "dimension", "weight"):
        found.setdefault(level, {})[dimension] = weight
    return {level: found.get(level) or dict(DEFAULT_WEIGHTS[level]) for level in DEFAULT_WEIGHTS}


def _month_facts(period: Period, dealer_ids: Any) -> dict[int, dict[str, Any]]:
    """One GROUP BY over the facts: the period's sums, the same period a year before, and
    the balance more than 30 days overdue at the period's end (the running sum of its
    flows over every month up to then)."""
    now = Q(month__gte=period.start, month__lte=period.last_month)
    before = period.year_before()
    then = Q(month__gte=before.start, month__lte=before.last_month)
    rows = _scoped(DealerMonth.objects.filter(month__lte=period.last_month), dealer_ids)
    rows = rows.values("dealer_id").order_by().annotate(
        sales=Sum("order_amount", filter=now), target=Sum("target_amount", filter=now),
        orders=Sum("order_count", filter=now), collected=Sum("allocated_amount", filter=now),
        late=Sum("late_amount_days", filter=now),
        customers=Max("active_customers", filter=now),
        reports=Sum("stock_reports", filter=now), complaints=Sum("complaints", filter=now),
        sales_ly=Sum("order_amount", filter=then),
        customers_ly=Max("active_customers", filter=then),
        overdue30=Sum(F("overdue30_added") - F("overdue30_paid"), output_field=MONEY))
    return {row["dealer_id"]: row for row in rows}


def _agreements(period: Period, dealer_ids: Any) -> dict[int, dict[str, Any]]:
    """One GROUP BY over agreements: the first one's start (tenure), and whether one was
    in force at the period's end, with its exclusivity and coverage target."""
    end = period.end
    in_force = (Q(start_date__lte=end, end_date__gte=end)
                & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)))
    rows = _scoped(Agreement.objects.filter(status__in=BOUND, start_date__lte=end), dealer_ids)
    rows = rows.values("dealer_id").order_by().annotate(
        first=Min("start_date"), in_force=Count("id", filter=in_force),
        exclusive=Max(Case(When(in_force & Q(exclusivity=True), then=1), default=0,
                           output_field=IntegerField())),
        coverage=Max("coverage_target_count", filter=in_force))
    return {row["dealer_id"]: row for row in rows}


def launched_products(period: Period) -> list[int]:
    """Products launched (added to the catalog) in the 12 months to the period's end."""
    after = add_months(period.end, -11)  # the first day of the 12th month back
    return list(Product.objects.exclude(status=ProductStatus.DRAFT).filter(
        created_at__gte=_aware(after),
        created_at__lt=_aware(period.end + datetime.timedelta(days=1))
    ).values_list("id", flat=True))


def _new_products(period: Period, dealer_ids: Any, launched: list[int]) -> dict[int, int]:
    """One GROUP BY over order lines: how many of the launched products each dealer
    ordered in the period (sales orders only)."""
    if not launched:
        return {}
    lines = _scoped(OrderLine.objects.filter(
        ordered_on__gte=period.start, ordered_on__lte=period.end, product_id__in=launched,
        order__status__in=SALES_STATUSES), dealer_ids)
    return dict(lines.values("dealer_id").order_by()
                .annotate(n=Count("product_id", distinct=True)).values_list("dealer_id", "n"))


def _ratings(period: Period, dealer_ids: Any) -> dict[int, tuple[int, int]]:
    """One GROUP BY over service requests closed in the period with a rating: how many and
    the sum of their ratings (R-EV-20)."""
    requests = _scoped(ServiceRequest.objects.filter(
        closed_at__gte=_aware(period.start),
        closed_at__lt=_aware(period.end + datetime.timedelta(days=1)), rating__isnull=False),
        dealer_ids)
    return {row["dealer_id"]: (row["n"], row["total"]) for row in requests.values("dealer_id")
            .order_by().annotate(n=Count("id"), total=Sum("rating"))}


def _dec(value: Any) -> Decimal:
    """A sum as Decimal with cents (SQLite returns a sum without cents as an integer)."""
    return (ZERO if value is None else Decimal(str(value))).quantize(Decimal("0.01"))


def dealer_facts(period: Period, dealers: list[dict[str, Any]], dealer_ids: Any
                 ) -> dict[int, Facts]:
    """The figures of every dealer for the period, from the four grouped reads."""
    months = _month_facts(period, dealer_ids)
    agreements = _agreements(period, dealer_ids)
    launched = launched_products(period)
    ordered = _new_products(period, dealer_ids, launched)
    ratings = _ratings(period, dealer_ids)
    facts: dict[int, Facts] = {}
    for dealer in dealers:
        pk = dealer["id"]
        m = months.get(pk, {})
        a = agreements.get(pk, {})
        created = timezone.localdate(dealer["created_at"])
        n_ratings, rating_sum = ratings.get(pk, (0, 0))
        facts[pk] = Facts(
            sales=_dec(m.get("sales")), target=_dec(m.get("target")),
            orders=int(m.get("orders") or 0), collected=_dec(m.get("collected")),
            late_amount_days=_dec(m.get("late")), overdue30=_dec(m.get("overdue30")),
            customers=int(m.get("customers") or 0), stock_reports=int(m.get("reports") or 0),
            complaints=int(m.get("complaints") or 0), sales_ly=_dec(m.get("sales_ly")),
            customers_ly=int(m.get("customers_ly") or 0),
            since=a.get("first") or created, since_agreement=bool(a.get("first")),
            period_end=period.end, in_force=bool(a.get("in_force")),
            exclusive=bool(a.get("exclusive")), coverage_target=a.get("coverage"),
            competing_brands=dealer["competing_brands"] or "",
            launched=len(launched), new_ordered=ordered.get(pk, 0),
            ratings=n_ratings or 0, rating_sum=rating_sum or 0)
    return facts


def _regions() -> dict[str, int]:
    """Top-level territories by path: a dealer's region is the root of its territory."""
    return dict(Territory.objects.filter(depth=1).values_list("path", "id"))


def evaluated_dealers(dealer_ids: Any) -> list[dict[str, Any]]:
    """The dealers a computation covers, with what the scorecard needs of them."""
    dealers = _scoped(Dealer.objects.filter(status__in=EVALUATED), dealer_ids, "pk")
    return list(dealers.order_by("pk").values("id", "channel_level", "territory__path",
                                              "created_at", "competing_brands"))


def compute(*, period: Period, dealer_ids: Any = None,
            progress: Any = None) -> dict[str, int]:
    """Compute the period's scorecards of the given dealers (a queryset or list of ids;
    None: every dealer). Returns {"dealers", "written", "kept_final"}.

    `progress(done, total)` is called after each chunk. Draft scorecards are rewritten
    (their hand scores kept), final ones left as they are; ranks are refreshed at the end.
    """
    dealers = evaluated_dealers(dealer_ids)
    total = len(dealers)
    if progress:
        progress(0, total)
    # The reads take the dealers' ids when they are few, else the caller's scope as it is.
    scope = dealer_ids
    if dealer_ids is not None and total < 5000:
        scope = [d["id"] for d in dealers]
    facts = dealer_facts(period, dealers, scope)
    weights = weights_by_level()
    regions = _regions()
    written = kept = 0
    for first in range(0, total, CHUNK):
        chunk = dealers[first:first + CHUNK]
        w, k = _write_chunk(period, chunk, facts, weights, regions)
        written, kept = written + w, kept + k
        if progress:
            progress(min(total, first + CHUNK), total)
    from qudao.evaluation.services.scoring import ranks_refresh

    ranks_refresh(period=period)
    return {"dealers": total, "written": written, "kept_final": kept}


@transaction.atomic
def _write_chunk(period: Period, chunk: list[dict[str, Any]], facts: dict[int, Facts],
                 weights: dict[str, dict[str, Decimal]], regions: dict[str, int]
                 ) -> tuple[int, int]:
    now = timezone.now()
    dealer_ids = [d["id"] for d in chunk]
    # Lock the period's existing scorecards of these dealers: a hand score or a
    # finalization in between would otherwise be overwritten by this computation.
    existing = {row["dealer_id"]: row for row in Scorecard.objects.select_for_update().filter(
        period_kind=period.kind, period_start=period.start, dealer_id__in=dealer_ids
    ).values("id", "dealer_id", "status")}
    drafts = [row["id"] for row in existing.values() if row["status"] == ScorecardStatus.DRAFT]
    hands = {(line["scorecard_id"], line["dimension"]): line for line in
             ScorecardLine.objects.filter(scorecard_id__in=drafts).filter(
                 Q(hand_score__isnull=False) | ~Q(hand_note=""))
             .values("scorecard_id", "dimension", "hand_score", "hand_note", "hand_by_id",
                     "hand_at")}
    # Drafts are written again under their own ids (no row-by-row UPDATE: a bulk UPDATE of
    # thousands of rows costs quadratic CASE expressions), their lines with them.
    ScorecardLine.objects.filter(scorecard_id__in=drafts).delete()
    Scorecard.objects.filter(pk__in=drafts).delete()
    cards: dict[int, Scorecard] = {}
    new_cards: list[Scorecard] = []
    kept = 0
    for dealer in chunk:
        row = existing.get(dealer["id"])
        if row and row["status"] != ScorecardStatus.DRAFT:
            kept += 1
            continue
        card = Scorecard(
            pk=row["id"] if row else None, dealer_id=dealer["id"], period_kind=period.kind,
            period_start=period.start, period_end=period.end,
            region_id=regions.get((dealer["territory__path"] or "")[:4]),
            channel_level=dealer["channel_level"], computed_at=now, updated_at=now)
        cards[dealer["id"]] = card
        new_cards.append(card)
    lines: list[tuple[Scorecard, list[Any]]] = []
    for dealer_id, card in cards.items():
        level_weights = weights.get(card.channel_level) or DEFAULT_WEIGHTS["tier1"]
        scores = formulas.evaluate(facts[dealer_id])
        pairs = []
        for dimension in DIMENSIONS:
            computed, inputs = scores[dimension]
            hand = hands.get((card.pk, dimension), {}) if card.pk else {}
            weight = level_weights.get(dimension, ZERO)
            score = formulas.line_score(dimension, computed, hand.get("hand_score"))
            lines.append((card, [dimension, weight, computed, inputs, hand.get("hand_score"),
                                 hand.get("hand_note", ""), hand.get("hand_by_id"),
                                 hand.get("hand_at"), score,
                                 formulas.weighted(score, weight)]))
            pairs.append((score, weight))
        card.total, card.scored_weight, card.dimensions_scored = formulas.total(pairs)
    Scorecard.objects.bulk_create(new_cards, batch_size=1000)
    _insert_lines(lines)
    return len(cards), kept


LINE_FIELDS = ["scorecard_id", "dimension", "weight", "computed_score", "inputs", "hand_score",
               "hand_note", "hand_by_id", "hand_at", "score", "weighted"]


def _insert_lines(lines: list[tuple[Scorecard, list[Any]]]) -> None:
    """Insert the lines with one prepared statement run over all rows: building 70,000
    model instances and their SQL is where bulk_create spends its time."""
    meta = ScorecardLine._meta
    inputs_field, at_field = meta.get_field("inputs"), meta.get_field("hand_at")
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column)
                        for name in LINE_FIELDS)
    marks = ", ".join(["%s"] * len(LINE_FIELDS))
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names only
    rows = []
    for card, values in lines:
        values[3] = inputs_field.get_db_prep_save(values[3], connection)
        if values[7] is not None:
            values[7] = at_field.get_db_prep_save(values[7], connection)
        rows.append([card.pk, *values])
    with connection.cursor() as cursor:
        for first in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[first:first + 5000])
