"""The formulas of the seven dimensions (R-EV-13..20): pure functions from a dealer's
figures for a period to a score of 0-100 and the inputs shown beside it.

Each formula returns (score, inputs); the score is None when Qudao has no data for the
dimension (the dimension is then scored by hand; no number is made up). The inputs are
stored with the line (strings for decimals) and `describe` turns them into the sentence
the page shows, e.g. "target achievement = sales 1,234,000 / target 1,300,000 = 94.9%
→ score 94.9". Rules, all capped to 0-100:

- sales: target achievement (orders / target of the period's months) × 100, at most 100;
  no target: by hand.
- financial: the mean of (a) on-time payment, 100 − 2 × average days paid late
  (amount-weighted, over what was collected against invoices in the period), and
  (b) overdue burden, 100 − 200 × (balance more than 30 days overdue at the period's end /
  the period's sales); a part without data is left out; neither: by hand.
- loyalty: the mean of tenure, 20 points a year since the first agreement (else since the
  dealer was created), at most 100, and exclusivity, 100 when the agreement in force at the
  period's end has the no-competing-products clause, 50 when it has not (left out without
  an agreement in force); a start after the period's end leaves tenure unknown. Compliance
  and competing brands are judged by hand: with a hand score the dimension is the mean of
  the data part and the hand score.
- growth: the mean of 50 + 100 × year-on-year growth of sales and of customers sold to
  (the best month's count from stock and flow reports); a part without last year's figure
  is left out; neither: by hand.
- innovation: 2 × the share of the products launched in the 12 months to the period's end
  that the dealer ordered in the period (half of them → 100); no product launched: by hand.
- competitiveness: coverage, customers sold to (best month) / the coverage target of the
  agreement in force × 100, at most 100; no target or no stock report: by hand.
- customer satisfaction: the mean of (a) complaint rate, 100 − 200 × complaints / orders
  (one complaint in ten orders → 80), and (b) the dealer's satisfaction with our service
  (R-EV-20), the average rating (1-5) of its requests closed in the period × 20.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from qudao.evaluation.choices import HAND_COMPONENT, Dimension

ZERO = Decimal("0")
HUNDRED = Decimal("100")
ONE_DP = Decimal("0.1")


@dataclass
class Facts:
    """One dealer's figures for one period, read set-based by the compute service."""

    sales: Decimal = ZERO
    target: Decimal = ZERO
    orders: int = 0
    collected: Decimal = ZERO  # collected against invoices
    late_amount_days: Decimal = ZERO
    overdue30: Decimal = ZERO  # balance more than 30 days overdue at the period's end
    customers: int = 0  # customers sold to, best month of the period
    stock_reports: int = 0
    complaints: int = 0
    sales_ly: Decimal = ZERO
    customers_ly: int = 0
    since: datetime.date | None = None
    since_agreement: bool = False
    period_end: datetime.date | None = None
    in_force: bool = False
    exclusive: bool = False
    coverage_target: int | None = None
    competing_brands: str = ""
    launched: int = 0
    new_ordered: int = 0
    ratings: int = 0
    rating_sum: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(HUNDRED, value)).quantize(ONE_DP, ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, ZERO) / len(values)).quantize(ONE_DP, ROUND_HALF_UP)


def _s(value: Any) -> str:
    return str(value)


def sales(f: Facts) -> tuple[Decimal | None, dict[str, Any]]:
    inputs: dict[str, Any] = {"sales": _s(f.sales), "target": _s(f.target)}
    if f.target <= 0:
        return None, inputs | {"missing": "target"}
    achievement = f.sales / f.target
    inputs["achievement"] = _s(achievement.quantize(Decimal("0.0001"), ROUND_HALF_UP))
    return clamp(achievement * HUNDRED), inputs


def financial(f: Facts) -> tuple[Decimal | None, dict[str, Any]]:
    inputs: dict[str, Any] = {}
    parts: list[Decimal] = []
    if f.collected > 0:
        days = (f.late_amount_days / f.collected).quantize(ONE_DP, ROUND_HALF_UP)
        part = clamp(HUNDRED - 2 * days)
        inputs |= {"late_amount_days": _s(f.late_amount_days), "collected": _s(f.collected),
                   "days_late": _s(days), "payment_score": _s(part)}
        parts.append(part)
    balance = max(ZERO, f.overdue30)
    if f.sales > 0 or balance > 0:
        inputs |= {"overdue30": _s(balance), "sales": _s(f.sales)}
        if f.sales > 0:
            ratio = (balance / f.sales).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            part = clamp(HUNDRED - 200 * ratio)
            inputs["overdue_ratio"] = _s(ratio)
        else:
            part = ZERO
        inputs["overdue_score"] = _s(part)
        parts.append(part)
    if not parts:
        return None, {"missing": "payments"}
    return _mean(parts), inputs


def loyalty(f: Facts) -> tuple[Decimal | None, dict[str, Any]]:
    inputs: dict[str, Any] = {}
    parts: list[Decimal] = []
    if f.since is not None and f.period_end is not None and f.since <= f.period_end:
        days = (f.period_end - f.since).days
        years = (Decimal(days) / Decimal("365.25")).quantize(ONE_DP, ROUND_HALF_UP)
        part = clamp(20 * years)
        inputs |= {"since": f.since.isoformat(), "since_agreement": f.since_agreement,
                   "years": _s(years), "tenure_score": _s(part)}
        parts.append(part)
    if f.in_force:
        part = HUNDRED if f.exclusive else Decimal("50.0")
        inputs |= {"exclusive": f.exclusive, "exclusivity_score": _s(part.quantize(ONE_DP))}
        parts.append(part)
    else:
        inputs["no_agreement"] = True
    if f.competing_brands:
        inputs["competing_brands"] = f.competing_brands[:200]
    if not parts:
        return None, inputs | {"missing": "tenure"}
    return _mean(parts), inputs


def _growth(now: Decimal, before: Decimal) -> tuple[Decimal, Decimal]:
    change = (now / before - 1).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return change, clamp(50 + HUNDRED * change)


def growth(f: Facts) -> tuple[Decimal | None, dict[str, Any]]:
    inputs: dict[str, Any] = {}
    parts: list[Decimal] = []
    if f.sales_ly > 0:
        change, part = _growth(f.sales, f.sales_ly)
        inputs |= {"sales": _s(f.sales), "sales_ly": _s(f.sales_ly),
                   "sales_growth": _s(change), "sales_score": _s(part)}
        parts.append(part)
    if f.customers_ly > 0:
        change, part = _growth(Decimal(f.customers), Decimal(f.customers_ly))
        inputs |= {"customers": f.customers, "customers_ly": f.customers_ly,
                   "customers_growth": _s(change), "customers_score": _s(part)}
        parts.append(part)
    if not parts:
        return None, {"missing": "last_year"}
    return _mean(parts), inputs


def innovation(f: Facts) -> tuple[Decimal | None, dict[str, Any]]:
    if f.launched <= 0:
        return None, {"missing": "launches"}
    share = (Decimal(f.new_ordered) / f.launched).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return clamp(2 * share * HUNDRED), {"launched": f.launched, "ordered": f.new_ordered,
                                        "share": _s(share)}


def competitiveness(f: Facts) -> tuple[Decimal | None, dict[str, Any]]:
    if not f.coverage_target:
        return None, {"missing": "coverage_target"}
    if f.stock_reports <= 0:
        return None, {"missing": "stock_reports", "coverage_target": f.coverage_target}
    coverage = (Decimal(f.customers) / f.coverage_target).quantize(Decimal("0.0001"),
                                                                    ROUND_HALF_UP)
    return clamp(coverage * HUNDRED), {"customers": f.customers,
                                       "coverage_target": f.coverage_target,
                                       "coverage": _s(coverage)}


def satisfaction(f: Facts) -> tuple[Decimal | None, dict[str, Any]]:
    inputs: dict[str, Any] = {}
    parts: list[Decimal] = []
    if f.orders > 0:
        rate = (Decimal(f.complaints) / f.orders).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        part = clamp(HUNDRED - 200 * rate)
        inputs |= {"complaints": f.complaints, "orders": f.orders,
                   "complaint_rate": _s(rate), "complaint_score": _s(part)}
        parts.append(part)
    elif f.complaints > 0:
        inputs |= {"complaints": f.complaints, "orders": 0, "complaint_score": "0.0"}
        parts.append(ZERO.quantize(ONE_DP))
    if f.ratings > 0:
        average = (Decimal(f.rating_sum) / f.ratings).quantize(Decimal("0.01"), ROUND_HALF_UP)
        part = clamp(average * 20)
        inputs |= {"rating": _s(average), "ratings": f.ratings, "rating_score": _s(part)}
        parts.append(part)
    if not parts:
        return None, {"missing": "orders"}
    return _mean(parts), inputs


FORMULAS = {
    Dimension.SALES: sales, Dimension.FINANCIAL: financial, Dimension.LOYALTY: loyalty,
    Dimension.GROWTH: growth, Dimension.INNOVATION: innovation,
    Dimension.COMPETITIVENESS: competitiveness, Dimension.SATISFACTION: satisfaction,
}


def evaluate(f: Facts) -> dict[str, tuple[Decimal | None, dict[str, Any]]]:
    """Every dimension's computed score and inputs for one dealer's figures."""
    return {dimension: formula(f) for dimension, formula in FORMULAS.items()}


def line_score(dimension: str, computed: Decimal | None, hand: Decimal | None
               ) -> Decimal | None:
    """The score that counts: computed; the hand score where there is no data; for a
    dimension with a hand part, the mean of both."""
    if computed is None:
        return hand
    if hand is not None and dimension in HAND_COMPONENT:
        return _mean([computed, hand])
    return computed


def weighted(score: Decimal | None, weight: Decimal) -> Decimal | None:
    return None if score is None else (score * weight).quantize(Decimal("0.01"), ROUND_HALF_UP)


def total(lines: list[tuple[Decimal | None, Decimal]]) -> tuple[Decimal | None, Decimal, int]:
    """(total, weight scored, dimensions scored) of (score, weight) pairs: the weighted
    mean over the dimensions scored, so a dimension without a score neither counts as 0
    nor is invented."""
    scored = [(score, weight) for score, weight in lines if score is not None]
    weight_sum = sum((weight for _score, weight in scored), ZERO)
    if not scored or weight_sum <= 0:
        return None, weight_sum, len(scored)
    points = sum((score * weight for score, weight in scored), ZERO)
    return (points / weight_sum).quantize(ONE_DP, ROUND_HALF_UP), weight_sum, len(scored)


# ---- The sentences the page shows -------------------------------------------------------

def money(value: Any) -> str:
    return f"{Decimal(str(value)):,.0f}"


def pct(value: Any) -> str:
    return f"{Decimal(str(value)) * 100:.1f}%"


def signed_pct(value: Any) -> str:
    number = Decimal(str(value)) * 100
    return f"{number:+.1f}%"


MISSING = {
    "target": lambda: _("No sales target for this period: score it by hand."),
    "payments": lambda: _("No collections, sales or overdue balance in this period: score "
                          "it by hand."),
    "tenure": lambda: _("No start date known: score it by hand."),
    "last_year": lambda: _("No sales or customers in the same period a year before: score "
                           "it by hand."),
    "launches": lambda: _("No product launched in the 12 months to the end of the period: "
                          "score it by hand."),
    "coverage_target": lambda: _("The agreement in force has no coverage target: score it "
                                 "by hand."),
    "stock_reports": lambda: _("No stock and flow report in this period, so the customers "
                               "sold to are unknown: score it by hand."),
    "orders": lambda: _("No orders, complaints or rated service requests in this period: "
                        "score it by hand."),
}


def describe(dimension: str, inputs: dict[str, Any], score: Any = None) -> list[str]:
    """The formula with its inputs, as sentences (one a part), in the current language."""
    i = inputs or {}
    out: list[str] = []
    if dimension == Dimension.SALES and "achievement" in i:
        out.append(_("target achievement = sales %(sales)s / target %(target)s = %(pct)s → "
                     "score %(score)s (at most 100)") % {
            "sales": money(i["sales"]), "target": money(i["target"]),
            "pct": pct(i["achievement"]), "score": score})
    elif dimension == Dimension.FINANCIAL:
        if "days_late" in i:
            out.append(_("average days paid late = %(lad)s amount·days / %(collected)s "
                         "collected = %(days)s days → 100 − 2 × %(days)s = %(part)s") % {
                "lad": money(i["late_amount_days"]), "collected": money(i["collected"]),
                "days": i["days_late"], "part": i["payment_score"]})
        if "overdue_ratio" in i:
            out.append(_("over 30 days overdue at the end %(balance)s / sales %(sales)s = "
                         "%(pct)s → 100 − 200 × %(pct)s = %(part)s") % {
                "balance": money(i["overdue30"]), "sales": money(i["sales"]),
                "pct": pct(i["overdue_ratio"]), "part": i["overdue_score"]})
        elif "overdue_score" in i:
            out.append(_("over 30 days overdue at the end %(balance)s with no sales → 0") % {
                "balance": money(i["overdue30"])})
    elif dimension == Dimension.LOYALTY:
        if "years" in i:
            since = (_("since the first agreement %(day)s") if i.get("since_agreement")
                     else _("since the dealer was created %(day)s")) % {"day": i["since"]}
            out.append(_("tenure %(years)s years %(since)s → 20 × %(years)s = %(part)s "
                         "(at most 100)") % {"years": i["years"], "since": since,
                                             "part": i["tenure_score"]})
        if "exclusive" in i:
            out.append((_("the agreement in force has the no-competing-products clause → "
                          "%(part)s") if i["exclusive"] else
                        _("the agreement in force has no exclusivity clause → %(part)s"))
                       % {"part": i["exclusivity_score"]})
        elif i.get("no_agreement"):
            out.append(_("no agreement in force at the end of the period: exclusivity not "
                         "counted"))
        if i.get("competing_brands"):
            out.append(_("competing brands carried (dealer record): %(brands)s") % {
                "brands": i["competing_brands"]})
    elif dimension == Dimension.GROWTH:
        if "sales_growth" in i:
            out.append(_("sales %(now)s vs %(before)s a year before = %(change)s → 50 + 100 × "
                         "%(change)s = %(part)s") % {
                "now": money(i["sales"]), "before": money(i["sales_ly"]),
                "change": signed_pct(i["sales_growth"]), "part": i["sales_score"]})
        if "customers_growth" in i:
            out.append(_("customers sold to %(now)s vs %(before)s a year before = %(change)s "
                         "→ 50 + 100 × %(change)s = %(part)s") % {
                "now": i["customers"], "before": i["customers_ly"],
                "change": signed_pct(i["customers_growth"]), "part": i["customers_score"]})
    elif dimension == Dimension.INNOVATION and "share" in i:
        out.append(_("new products ordered %(ordered)s of %(launched)s launched in the last "
                     "12 months = %(pct)s → 2 × %(pct)s = %(score)s (at most 100)") % {
            "ordered": i["ordered"], "launched": i["launched"], "pct": pct(i["share"]),
            "score": score})
    elif dimension == Dimension.COMPETITIVENESS and "coverage" in i:
        out.append(_("coverage = customers sold to %(customers)s / coverage target "
                     "%(target)s = %(pct)s → score %(score)s (at most 100)") % {
            "customers": i["customers"], "target": i["coverage_target"],
            "pct": pct(i["coverage"]), "score": score})
    elif dimension == Dimension.SATISFACTION:
        if "complaint_rate" in i:
            out.append(_("complaints %(complaints)s / orders %(orders)s = %(pct)s → 100 − "
                         "200 × %(pct)s = %(part)s") % {
                "complaints": i["complaints"], "orders": i["orders"],
                "pct": pct(i["complaint_rate"]), "part": i["complaint_score"]})
        elif "complaint_score" in i:
            out.append(_("%(complaints)s complaints with no orders → 0") % {
                "complaints": i["complaints"]})
        if "rating" in i:
            out.append(_("dealer's satisfaction with our service %(rating)s/5 on %(n)s rated "
                         "requests → 20 × %(rating)s = %(part)s") % {
                "rating": i["rating"], "n": i["ratings"], "part": i["rating_score"]})
    if parts_count(dimension, i) >= 2 and score is not None:
        out.append(_("score = mean of the parts = %(score)s") % {"score": score})
    if dimension == Dimension.LOYALTY:
        out.append(_("compliance and competing brands: judged by hand (averaged with the "
                     "data part)"))
    if "missing" in i and i["missing"] in MISSING:
        out.append(str(MISSING[i["missing"]]()))
    return out


def parts_count(dimension: str, inputs: dict[str, Any]) -> int:
    keys = {Dimension.FINANCIAL: ("payment_score", "overdue_score"),
            Dimension.LOYALTY: ("tenure_score", "exclusivity_score"),
            Dimension.GROWTH: ("sales_score", "customers_score"),
            Dimension.SATISFACTION: ("complaint_score", "rating_score")}.get(dimension, ())
    return sum(1 for key in keys if key in (inputs or {}))
