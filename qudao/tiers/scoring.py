"""How a dealer is graded: sales of 12 months, the cooperation score, the lifecycle stage.

All of it reads the dealer-month facts over the 12 complete months ending with the
review's last month, in one GROUP BY for every dealer judged (R-RT-01, R-RT-10, R-DM-07).

Cooperation (合作紧密程度), 0-100: four parts of 25 points each, over the 12 months —

- on-time payment: 25 × (1 − average days paid late / 30), at least 0, where the average
  is weighted by amount (Σ amount × days late / Σ collected against invoices). With
  nothing collected: 0 points if anything fell due unpaid, otherwise no basis;
- stock reports: 25 × months with a stock report filed / 12;
- contact with the rep: 25 × months with a call (either way) or a visit / 12;
- target achievement: 25 × min(1, sales / target) over the months that had a target;
  no target in the 12 months: no basis.

A part with no basis is left out and the others are scaled up to 100:
score = Σ points / Σ points possible × 100, rounded half up to one decimal.

Grade: both A thresholds (sales ≥ A volume and cooperation ≥ A cooperation) gives A, else
both B thresholds B, else C. Thresholds are inclusive ("at least").

Lifecycle stage (R-DM-07), first match wins:
1. exiting: status suspended or terminated, or a termination proposed and not decided;
2. probation: status probation;
3. onboarding: status prospect or onboarding, or the first order of the 12 months came in
   the last 6 and nothing was ordered before it (a new or restarted dealer);
4. declining: no order in the last 3 months, or sales of the last 6 months at most 90% of
   the 6 before;
5. growing: sales of the last 6 months at least 110% of the 6 before;
6. stable: otherwise.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from qudao.analytics.models import DealerMonth
from qudao.dealers.choices import DealerStatus
from qudao.stock.periods import add_months
from qudao.tiers.choices import Stage

MONTHS = 12
PART_POINTS = Decimal(25)
LATE_DAYS_ZERO = Decimal(30)  # paying this many days late on average scores no points
ZERO = Decimal(0)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
GROWTH = Decimal("1.1")
DECLINE = Decimal("0.9")
PARTS = ("payment", "stock", "contact", "target")


def window(last_month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last month of the 12 complete months ending with `last_month`."""
    return add_months(last_month, -(MONTHS - 1)), last_month


def _dec(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(str(value))


@dataclass
class Facts:
    """One dealer's sums over the 12 months."""

    sales: Decimal = ZERO
    target: Decimal = ZERO
    sales_with_target: Decimal = ZERO
    allocated: Decimal = ZERO
    late_amount_days: Decimal = ZERO
    overdue_added: Decimal = ZERO
    stock_months: int = 0
    contact_months: int = 0
    recent: Decimal = ZERO  # sales of the last 6 months
    earlier: Decimal = ZERO  # sales of the 6 before
    last3_orders: int = 0
    first_order_month: datetime.date | None = None


def cooperation(facts: Facts) -> tuple[Decimal, dict[str, dict[str, Any]]]:
    """The cooperation score and its parts ({part: {"points", "max", input figures}})."""
    parts: dict[str, dict[str, Any]] = {}
    if facts.allocated > 0:
        days = facts.late_amount_days / facts.allocated
        points = PART_POINTS * max(ZERO, 1 - days / LATE_DAYS_ZERO)
        parts["payment"] = {"points": points, "days_late": days.quantize(TENTH, ROUND_HALF_UP)}
    elif facts.overdue_added > 0:
        parts["payment"] = {"points": ZERO, "days_late": None}
    else:
        parts["payment"] = {"points": None, "days_late": None}
    parts["stock"] = {"points": PART_POINTS * facts.stock_months / MONTHS,
                      "months": facts.stock_months}
    parts["contact"] = {"points": PART_POINTS * facts.contact_months / MONTHS,
                        "months": facts.contact_months}
    if facts.target > 0:
        share = facts.sales_with_target / facts.target
        parts["target"] = {"points": PART_POINTS * min(Decimal(1), share),
                           "achieved": (share * 100).quantize(TENTH, ROUND_HALF_UP)}
    else:
        parts["target"] = {"points": None, "achieved": None}
    counted = [p["points"] for p in parts.values() if p["points"] is not None]
    score = (sum(counted, ZERO) * 100 / (PART_POINTS * len(counted))
             if counted else ZERO)
    for part in parts.values():
        part["max"] = PART_POINTS if part["points"] is not None else None
        if part["points"] is not None:
            part["points"] = part["points"].quantize(CENT, ROUND_HALF_UP)
    return score.quantize(TENTH, ROUND_HALF_UP), parts


def grade_for(*, sales: Decimal, cooperation: Decimal, thresholds: dict[str, Any]) -> str:
    """A, B or C by the rule's thresholds (inclusive)."""
    if (sales >= _dec(thresholds["a_volume"])
            and cooperation >= _dec(thresholds["a_cooperation"])):
        return "A"
    if (sales >= _dec(thresholds["b_volume"])
            and cooperation >= _dec(thresholds["b_cooperation"])):
        return "B"
    return "C"


def stage_for(*, status: str, facts: Facts, last_month: datetime.date,
              terminating: bool = False) -> str:
    """The lifecycle stage by the rule in this module's docstring."""
    if terminating or status in (DealerStatus.SUSPENDED, DealerStatus.TERMINATED):
        return Stage.EXITING
    if status == DealerStatus.PROBATION:
        return Stage.PROBATION
    half = add_months(last_month, -5)
    if status in (DealerStatus.PROSPECT, DealerStatus.ONBOARDING) or (
            facts.first_order_month is not None and facts.first_order_month >= half
            and facts.earlier == 0):
        return Stage.ONBOARDING
    if facts.last3_orders == 0 or facts.recent <= facts.earlier * DECLINE:
        return Stage.DECLINING
    if facts.recent >= facts.earlier * GROWTH:
        return Stage.GROWING
    return Stage.STABLE


def facts_by_dealer(*, dealer_ids: QuerySet | list[int] | None,
                    last_month: datetime.date) -> dict[int, Facts]:
    """Each dealer's Facts over the 12 months, in one GROUP BY over the dealer-month facts
    (`dealer_ids` None: every dealer)."""
    first, last = window(last_month)
    half = add_months(last_month, -5)
    rows = DealerMonth.objects.filter(month__gte=first, month__lte=last)
    if dealer_ids is not None:
        rows = rows.filter(dealer_id__in=dealer_ids)
    contact = Q(calls_in__gt=0) | Q(calls_out__gt=0) | Q(visits__gt=0)
    rows = rows.order_by().values("dealer_id").annotate(
        sales=Sum("order_amount"),
        target=Sum("target_amount", filter=Q(target_amount__gt=0)),
        sales_with_target=Sum("order_amount", filter=Q(target_amount__gt=0)),
        allocated=Sum("allocated_amount"),
        late=Sum("late_amount_days"),
        overdue_added=Sum("overdue_added"),
        stock_months=Count("id", filter=Q(stock_reports__gt=0)),
        contact_months=Count("id", filter=contact),
        recent=Sum("order_amount", filter=Q(month__gte=half)),
        earlier=Sum("order_amount", filter=Q(month__lt=half)),
        last3=Sum("order_count", filter=Q(month__gte=add_months(last_month, -2))),
        first_order=Min("month", filter=Q(order_count__gt=0)),
    )
    result: dict[int, Facts] = {}
    for row in rows.iterator(chunk_size=5000):
        result[row["dealer_id"]] = Facts(
            sales=_dec(row["sales"]), target=_dec(row["target"]),
            sales_with_target=_dec(row["sales_with_target"]), allocated=_dec(row["allocated"]),
            late_amount_days=_dec(row["late"]), overdue_added=_dec(row["overdue_added"]),
            stock_months=int(row["stock_months"] or 0),
            contact_months=int(row["contact_months"] or 0),
            recent=_dec(row["recent"]), earlier=_dec(row["earlier"]),
            last3_orders=int(row["last3"] or 0), first_order_month=_month(row["first_order"]))
    return result


def _month(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


@dataclass
class Judgement:
    """What the review concludes about one dealer."""

    dealer_id: int
    current_grade: str
    grade: str
    stage: str
    sales: Decimal
    cooperation: Decimal
    parts: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """JSON-safe figures: Decimals as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def judge(*, dealers: list[dict[str, Any]], facts: dict[int, Facts],
          rules: dict[str, dict[str, Any]], last_month: datetime.date,
          terminating: set[int] | frozenset = frozenset()) -> Iterator[Judgement]:
    """Grade and stage of each dealer ({"id", "grade", "status", "channel_level"}); dealers
    of a level with no rule are skipped."""
    empty = Facts()
    for dealer in dealers:
        thresholds = rules.get(dealer["channel_level"])
        if thresholds is None:
            continue
        own = facts.get(dealer["id"], empty)
        score, parts = cooperation(own)
        yield Judgement(
            dealer_id=dealer["id"], current_grade=dealer["grade"] or "",
            grade=grade_for(sales=own.sales, cooperation=score, thresholds=thresholds),
            stage=stage_for(status=dealer["status"], facts=own, last_month=last_month,
                            terminating=dealer["id"] in terminating),
            sales=own.sales.quantize(CENT), cooperation=score, parts=parts,
            thresholds=thresholds)


def number(value: Any) -> str:
    """A figure as people read it: thousands separated, no ".00" / ".0" on whole numbers."""
    amount = _dec(value)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


def reasons(*, grade: str, sales: Any, cooperation: Any,
            thresholds: dict[str, Any]) -> list[str]:
    """Why the grade, with the numbers: the comparisons that decided it."""
    sales, score = _dec(sales), _dec(cooperation)

    def line(measure: str, value: Decimal, tier: str) -> str:
        limit = _dec(thresholds[f"{tier.lower()}_{measure}"])
        values = {"value": number(value), "op": "≥" if value >= limit else "<",
                  "tier": tier, "threshold": number(limit)}
        if measure == "volume":
            return _("sales of 12 months %(value)s %(op)s %(tier)s threshold "
                     "%(threshold)s") % values
        return _("cooperation %(value)s %(op)s %(tier)s threshold %(threshold)s") % values

    def failed(tier: str) -> list[str]:
        return [line(m, v, tier) for m, v in (("volume", sales), ("cooperation", score))
                if v < _dec(thresholds[f"{tier.lower()}_{m}"])]

    if grade == "A":
        return [line("volume", sales, "A"), line("cooperation", score, "A")]
    if grade == "B":
        return failed("A") + [line("volume", sales, "B"), line("cooperation", score, "B")]
    return failed("B")
