"""Sales against the agreement's targets, with pace (R-AG-12): month, quarter and year.

target   sum of the monthly AgreementTarget amounts of the dealer's agreements in force in
         those months (active or expired since; terminated ones up to the day they ended)
actual   sum of the amounts of the dealer's orders counted as sales (approved and later,
         not cancelled or rejected), ordered from the period's start up to `day` (order
         totals, which equal their lines' sum: a ninth of the rows to read)
pace     the share of the period's days elapsed, `day` included: where the dealer should
         be by now if it sold evenly
lag      actual - target × pace (negative: behind schedule)

Sums are grouped in the database: two queries for one dealer or for any list of dealers.
"""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.agreements.choices import AgreementStatus
from qudao.agreements.models import AgreementTarget
from qudao.dealers.models import Dealer
from qudao.orders.choices import SALES_STATUSES
from qudao.orders.models import Order

PERIOD_LABELS = {"month": _("This month"), "quarter": _("This quarter"), "year": _("This year")}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
MONEY = DecimalField(max_digits=18, decimal_places=2)


def periods(day: datetime.date) -> dict[str, tuple[datetime.date, datetime.date]]:
    """First and last day of the month, quarter and year containing `day`."""
    month = day.replace(day=1)
    quarter = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    quarter_end_month = quarter.month + 2
    return {
        "month": (month, day.replace(day=calendar.monthrange(day.year, day.month)[1])),
        "quarter": (quarter, datetime.date(day.year, quarter_end_month,
                                           calendar.monthrange(day.year, quarter_end_month)[1])),
        "year": (datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)),
    }


def in_force() -> Q:
    """Target months of agreements that bound the dealer in that month."""
    return (Q(agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRED])
            | Q(agreement__status=AgreementStatus.TERMINATED,
                agreement__signed_on__isnull=False, month__lte=F("agreement__ended_on")))


def _within(field: str, start: datetime.date, end: datetime.date, value: str) -> Sum:
    return Sum(Case(When(**{f"{field}__range": (start, end)}, then=F(value)),
                    default=Value(ZERO), output_field=MONEY), output_field=MONEY)


def _target_rows(day: datetime.date) -> QuerySet:
    return (AgreementTarget.objects.filter(in_force(), month__range=periods(day)["year"])
            .order_by())


def _target_sums(day: datetime.date) -> dict[str, Sum]:
    return {f"target_{key}": _within("month", start, end, "amount")
            for key, (start, end) in periods(day).items()}


def _actual_rows(day: datetime.date) -> QuerySet:
    return (Order.objects.filter(status__in=SALES_STATUSES,
                                 ordered_on__range=(periods(day)["year"][0], day))
            .order_by())


def _actual_sums(day: datetime.date) -> dict[str, Sum]:
    return {f"actual_{key}": _within("ordered_on", start, day, "total_amount")
            for key, (start, _end) in periods(day).items()}


def _progress(day: datetime.date, sums: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = {}
    for key, (start, end) in periods(day).items():
        target = (sums.get(f"target_{key}") or ZERO).quantize(CENT)
        actual = (sums.get(f"actual_{key}") or ZERO).quantize(CENT)
        elapsed = (day - start).days + 1
        total = (end - start).days + 1
        expected = target * elapsed / total
        result[key] = {
            "key": key, "label": PERIOD_LABELS[key], "start": start, "end": end,
            "target": target, "actual": actual,
            "achievement": ((actual * 100 / target).quantize(TENTH, ROUND_HALF_UP)
                            if target else None),
            "pace": (Decimal(elapsed * 100) / total).quantize(TENTH, ROUND_HALF_UP),
            "expected": expected.quantize(CENT, ROUND_HALF_UP),
            "lag": (actual - expected).quantize(CENT, ROUND_HALF_UP),
            "gap": abs(actual - expected).quantize(CENT, ROUND_HALF_UP),
            # Bar widths for the panel, capped at 100 %.
            "bar": min(Decimal(100), (actual * 100 / target).quantize(TENTH))
            if target else (Decimal(100) if actual else ZERO),
        }
    return result


def target_progress(*, dealer_id: int, day: datetime.date) -> dict[str, dict[str, Any]]:
    """Target, actual, achievement %, pace % and lag of one dealer for the month, quarter and
    year containing `day`, keyed "month", "quarter", "year". Two queries."""
    sums = _target_rows(day).filter(agreement__dealer_id=dealer_id).aggregate(
        **_target_sums(day))
    sums.update(_actual_rows(day).filter(dealer_id=dealer_id).aggregate(**_actual_sums(day)))
    return _progress(day, sums)


def target_progress_many(dealer_ids: Any, day: datetime.date
                         ) -> dict[int, dict[str, dict[str, Any]]]:
    """target_progress for many dealers at once ({dealer_id: progress}), from two grouped
    queries whatever their number. `dealer_ids` may be a list (every id gets an entry) or
    a queryset of ids (dealers with a target or a sale get one)."""
    targets = {row.pop("agreement__dealer_id"): row for row in (
        _target_rows(day).filter(agreement__dealer_id__in=dealer_ids)
        .values("agreement__dealer_id").annotate(**_target_sums(day)))}
    actuals = {row.pop("dealer_id"): row for row in (
        _actual_rows(day).filter(dealer_id__in=dealer_ids)
        .values("dealer_id").annotate(**_actual_sums(day)))}
    ids = set(targets) | set(actuals)
    if not isinstance(dealer_ids, QuerySet):
        ids = list(dict.fromkeys(dealer_ids))
    return {pk: _progress(day, {**targets.get(pk, {}), **actuals.get(pk, {})}) for pk in ids}


def target_progress_total(*, dealers: QuerySet, day: datetime.date
                          ) -> dict[str, dict[str, Any]]:
    """target_progress summed over a set of dealers (the user's scope): two queries."""
    ids = dealers.values("pk")
    sums = _target_rows(day).filter(agreement__dealer_id__in=ids).aggregate(
        **_target_sums(day))
    sums.update(_actual_rows(day).filter(dealer_id__in=ids).aggregate(**_actual_sums(day)))
    return _progress(day, sums)


def lagging_dealers(*, dealers: QuerySet, day: datetime.date, period: str = "year",
                    limit: int = 5) -> list[tuple[Any, dict[str, dict[str, Any]]]]:
    """The dealers furthest behind their target pace for `period`, worst first, as
    (dealer, progress) pairs; only dealers with a target and behind it. Three queries: the
    two grouped sums of target_progress_many (one row per dealer) and the dealers shown."""
    with_target = _target_rows(day).values("agreement__dealer_id")
    ids = dealers.filter(pk__in=with_target).values("pk")
    progress = target_progress_many(ids, day)
    behind = sorted((p[period]["lag"], pk) for pk, p in progress.items()
                    if p[period]["target"] > 0 and p[period]["lag"] < 0)[:limit]
    shown = Dealer.objects.in_bulk([pk for _lag, pk in behind])
    return [(shown[pk], progress[pk]) for _lag, pk in behind]


def target_by_month(*, dealers: QuerySet, first: datetime.date, last: datetime.date
                    ) -> dict[datetime.date, Decimal]:
    """Monthly target totals of a set of dealers (months `first`..`last`): one grouped query."""
    rows = (AgreementTarget.objects
            .filter(in_force(), month__range=(first, last),
                    agreement__dealer_id__in=dealers.values("pk"))
            .order_by().values("month").annotate(total=Sum("amount")))
    return {row["month"]: row["total"] for row in rows}


def progress_from_months(*, day: datetime.date, targets: dict[datetime.date, Decimal],
                         actuals: dict[datetime.date, Decimal]) -> dict[str, dict[str, Any]]:
    """target_progress from monthly totals already at hand (keys are first days of months;
    actuals must hold sales up to `day` only), e.g. the dashboard's 12-month series."""
    sums: dict[str, Any] = {}
    for key, (start, end) in periods(day).items():
        sums[f"target_{key}"] = sum((v for m, v in targets.items() if start <= m <= end), ZERO)
        sums[f"actual_{key}"] = sum((v for m, v in actuals.items() if start <= m <= day), ZERO)
    return _progress(day, sums)


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    """Context of templates/agreements/_targets_panel.html for the dealer page (as of today);
    the caller has already checked the dealer is visible to `user`."""
    return {"target_progress": target_progress(dealer_id=dealer.pk, day=timezone.localdate())}
