"""The sales reps' KPI (业务人员考核, R-SK-01..10): development, maintenance and the dealers'
rating, each item a value, a score of 0-100 by a stated formula, and a weight HQ sets.

"His dealers" are the dealers assigned to the rep by name (Dealer.assigned_rep) that the
viewer may see. Every item is counted for all reps at once, one grouped query per source
(dealers, dealer-month facts, contact compliance, ratings, trainings, agreements), so the
ranking costs the same for 5 reps or 500. An item without data has no score; the total is
then the weighted mean of the items that have one (their weights scaled up), and says so.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from qudao.agreements.models import Agreement
from qudao.analytics.models import DealerMonth
from qudao.dealers.choices import ChannelLevel
from qudao.dealers.scoping import dealer_rows, visible_dealers
from qudao.events.models import TrainingRecord
from qudao.performance.choices import KpiGroup
from qudao.performance.models import DEFAULT_WEIGHTS, KpiWeights, RepRating
from qudao.performance.periods import Period
from qudao.performance.scope import region_dealer_filter, region_reps
from qudao.territories.models import Territory
from qudao.visits import compliance
from qudao.visits.rules import limits

ZERO = Decimal("0")
HUNDRED = Decimal("100")
ONE = Decimal("0.1")
SHARE = Decimal("0.0001")
# Growth: +20% on last year scores 100, flat scores 50, -20% scores 0.
GROWTH_SLOPE = Decimal("250")
# First-order-only share: each percentage point over the limit costs 10 points.
OVER_LIMIT_SLOPE = Decimal("1000")
# A rep rated below this average by at least POOR_MIN_RATINGS dealers is flagged (R-SK-06).
POOR_RATING = Decimal("3")
POOR_MIN_RATINGS = 2

GROUPS = {"new_dealers": KpiGroup.DEVELOPMENT, "first_orders": KpiGroup.DEVELOPMENT,
          "retention": KpiGroup.MAINTENANCE, "repeat_orders": KpiGroup.MAINTENANCE,
          "growth": KpiGroup.MAINTENANCE, "contact": KpiGroup.MAINTENANCE,
          "first_order_only": KpiGroup.MAINTENANCE, "sell_through": KpiGroup.MAINTENANCE,
          "rating": KpiGroup.RATING}
LABELS = {
    "new_dealers": _("New dealers signed"), "first_orders": _("First orders"),
    "retention": _("Retention of ordering dealers"), "repeat_orders": _("Repeat orders"),
    "growth": _("Sales growth on last year"), "contact": _("Call and visit compliance"),
    "first_order_only": _("First-order-only dealers"),
    "sell_through": _("Sell-through against sell-in"), "rating": _("Dealers' rating"),
}
FORMULAS = {
    "new_dealers": _("dealers whose first agreement was signed in the period ÷ target "
                     "(%(target)s) × 100, at most 100"),
    "first_orders": _("dealers whose first order fell in the period ÷ target (%(target)s) "
                      "× 100, at most 100"),
    "retention": _("dealers ordering in the previous period that ordered again in this one "
                   "÷ dealers ordering in the previous period × 100"),
    "repeat_orders": _("dealers with 2 or more orders in the period ÷ dealers ordering in "
                       "the period × 100"),
    "growth": _("50 + 250 × growth of his dealers' sales on the same months last year, "
                "between 0 and 100 (+20%% = 100, -20%% = 0)"),
    "contact": _("(share called within the limit + share visited within the limit) ÷ 2 "
                 "× 100, at the period's end"),
    "first_order_only": _("100 while the share of dealers with one order only is within "
                          "%(limit)s; 10 points less per percentage point over it"),
    "sell_through": _("quantity his dealers sold on (flow reports) ÷ quantity they bought "
                      "in the months they reported × 100, at most 100"),
    "rating": _("(average of the dealers' 1-5 ratings - 1) ÷ 4 × 100"),
}


def current_weights() -> KpiWeights:
    """The scheme in force: the newest one HQ set, else the defaults (not saved)."""
    return KpiWeights.objects.order_by("-created_at", "-id").first() or KpiWeights(
        **DEFAULT_WEIGHTS)


def _clamp(value: Decimal) -> Decimal:
    return min(HUNDRED, max(ZERO, value)).quantize(ONE, ROUND_HALF_UP)


def _share(part: Any, whole: Any) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(SHARE, ROUND_HALF_UP)


def _dealer_counts(dealers: Any, period: Period) -> dict[int, dict[str, int]]:
    """Per rep: dealers signed and first orders in the period, dealers ordering in the
    previous period and this one, and those ordering twice or more.

    Three grouped queries: "first" agreements and first orders are those with no earlier
    one (an anti-join), and the orders per dealer of the two periods are summed once per
    dealer and counted per rep here (a correlated sum inside each count would be run once
    per count and dealer)."""
    within = {"gte": period.first, "lte": period.end}
    counts: dict[int, dict[str, int]] = {}

    def add(rep_id: int | None, key: str, n: int = 1) -> None:
        row = counts.setdefault(rep_id, {"new_dealers": 0, "first_orders": 0, "prev": 0,
                                         "kept": 0, "ordering": 0, "repeat": 0})
        row[key] += n

    earlier_signed = Agreement.objects.filter(dealer=OuterRef("dealer"),
                                              signed_on__lt=OuterRef("signed_on"))
    for row in (Agreement.objects.filter(dealer__in=dealers, signed_on__gte=within["gte"],
                                         signed_on__lte=within["lte"])
                .filter(~Exists(earlier_signed)).order_by()
                .values("dealer__assigned_rep_id")
                .annotate(n=Count("dealer", distinct=True))):
        add(row["dealer__assigned_rep_id"], "new_dealers", row["n"])
    earlier_order = DealerMonth.objects.filter(dealer=OuterRef("dealer"),
                                               first_order_day__lt=OuterRef("first_order_day"))
    for row in (DealerMonth.objects.filter(dealer__in=dealers,
                                           first_order_day__gte=within["gte"],
                                           first_order_day__lte=within["lte"])
                .filter(~Exists(earlier_order)).order_by().values("dealer__assigned_rep_id")
                .annotate(n=Count("dealer", distinct=True))):
        add(row["dealer__assigned_rep_id"], "first_orders", row["n"])
    now, before = Q(month__in=period.months), Q(month__in=period.previous.months)
    per_dealer = (DealerMonth.objects.filter(dealer__in=dealers).filter(now | before)
                  .order_by().values("dealer_id", "dealer__assigned_rep_id")
                  .annotate(this=Sum("order_count", filter=now),
                            prev=Sum("order_count", filter=before))
                  .values_list("dealer__assigned_rep_id", "this", "prev"))
    for rep_id, this, prev in per_dealer:
        this, prev = this or 0, prev or 0
        add(rep_id, "prev", int(prev > 0))
        add(rep_id, "kept", int(prev > 0 and this > 0))
        add(rep_id, "ordering", int(this > 0))
        add(rep_id, "repeat", int(this >= 2))
    return counts


def _fact_sums(dealers: Any, period: Period) -> dict[int, dict[str, Any]]:
    """Per rep: his dealers' sales in the period and the same months last year, and the
    quantities bought and sold on in the months they sent a flow report."""
    now = Q(month__in=period.months)
    reported = now & Q(stock_reports__gt=0)
    before = Q(month__in=period.shifted(-12))
    rows = (DealerMonth.objects.filter(dealer__in=dealers).filter(now | before).order_by()
            .values("dealer__assigned_rep_id").annotate(
                sales=Sum("order_amount", filter=now),
                last_year=Sum("order_amount", filter=before),
                bought=Sum("order_quantity", filter=reported),
                sold=Sum("sold_quantity", filter=reported)))
    return {row["dealer__assigned_rep_id"]: row for row in rows}


def _ratings(user: Any, rep_ids: list[int], period: Period) -> dict[int, dict[str, Any]]:
    ratings = dealer_rows(RepRating.objects.filter(rep_id__in=rep_ids,
                                                   quarter__in=period.quarters), user)
    rows = ratings.order_by().values("rep_id").annotate(
        n=Count("id"), responsiveness=Avg("responsiveness"),
        professionalism=Avg("professionalism"), sales_help=Avg("sales_help"))
    result = {}
    for row in rows:
        parts = [Decimal(str(row[k])) for k in ("responsiveness", "professionalism",
                                                "sales_help")]
        result[row["rep_id"]] = {
            "count": row["n"],
            "responsiveness": parts[0].quantize(ONE, ROUND_HALF_UP),
            "professionalism": parts[1].quantize(ONE, ROUND_HALF_UP),
            "sales_help": parts[2].quantize(ONE, ROUND_HALF_UP),
            "average": (sum(parts, ZERO) / 3).quantize(Decimal("0.01"), ROUND_HALF_UP)}
    return result


def _counts_by_rep(rows: Any, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in rows.order_by().values(key).annotate(n=Count("id"))}


def kpi_rows(*, user: Any, region: Territory | None, period: Period,
             rep_id: int | None = None) -> list[dict[str, Any]]:
    """The KPI of every rep of the region (or one rep), best total first, ranked."""
    reps = region_reps(user, region)
    if rep_id is not None:
        reps = reps.filter(pk=rep_id)
    reps = list(reps.order_by("full_name", "username"))
    if not reps:
        return []
    rep_ids = [rep.pk for rep in reps]
    weights = current_weights()
    rules = limits()
    dealers = visible_dealers(user).filter(assigned_rep_id__in=rep_ids)
    counts = _dealer_counts(dealers, period)
    facts = _fact_sums(dealers, period)
    contact = {row["key"]: row for row in compliance.compliance(
        user=user, by="rep", as_of=period.end,
        filters={"rep": rep_ids[0]} if len(rep_ids) == 1 else None)["rows"]}
    ratings = _ratings(user, rep_ids, period)
    within = {"gte": period.first, "lte": period.end}
    trained = _counts_by_rep(TrainingRecord.objects.filter(
        dealer__in=dealers, trained_on__gte=within["gte"], trained_on__lte=within["lte"]),
        "dealer__assigned_rep_id")
    signed = _counts_by_rep(Agreement.objects.filter(
        dealer__in=dealers, signed_on__gte=within["gte"], signed_on__lte=within["lte"]),
        "dealer__assigned_rep_id")
    rows = []
    for rep in reps:
        items = _items(period=period, weights=weights, rules=rules,
                       counts=counts.get(rep.pk, {}), facts=facts.get(rep.pk, {}),
                       contact=contact.get(rep.pk), rating=ratings.get(rep.pk))
        for item in items:
            item["points"] = ((item["weight"] * item["score"]).quantize(ONE, ROUND_HALF_UP)
                              if item["score"] is not None else None)
        scored = [item for item in items if item["score"] is not None]
        weight = sum((item["weight"] for item in scored), ZERO)
        total = (sum((item["weight"] * item["score"] for item in scored), ZERO) / weight
                 ).quantize(ONE, ROUND_HALF_UP) if weight else None
        rating = ratings.get(rep.pk)
        rows.append({
            "rep": rep, "items": items, "total": total, "weight_scored": weight,
            "partial": weight < sum(weights.weights().values(), ZERO),
            "sales": (facts.get(rep.pk) or {}).get("sales") or ZERO,
            "dealers_ordering": (counts.get(rep.pk) or {}).get("ordering", 0),
            "rating": rating,
            "flagged": bool(rating and rating["count"] >= POOR_MIN_RATINGS
                            and rating["average"] < POOR_RATING),
            "trained": trained.get(rep.pk, 0), "agreements_signed": signed.get(rep.pk, 0),
        })
    rows.sort(key=lambda r: (r["total"] is None, -(r["total"] or ZERO), str(r["rep"])))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["total"] is not None else None
    return rows


def _item(code: str, weights: KpiWeights, value: Any, score: Decimal | None,
          formula: Any, detail: str = "") -> dict[str, Any]:
    return {"code": code, "group": GROUPS[code], "label": LABELS[code], "value": value,
            "score": score, "weight": getattr(weights, code), "formula": formula,
            "detail": detail}


def _items(*, period: Period, weights: KpiWeights, rules: Any, counts: dict[str, Any],
           facts: dict[str, Any], contact: dict[str, Any] | None,
           rating: dict[str, Any] | None) -> list[dict[str, Any]]:
    months = Decimal(len(period.months))
    items = []
    for code, per_month in (("new_dealers", weights.new_dealers_per_month),
                            ("first_orders", weights.first_orders_per_month)):
        target = (per_month * months).quantize(Decimal("0.01"))
        value = counts.get(code, 0)
        items.append(_item(code, weights, value,
                           _clamp(Decimal(value) / target * HUNDRED) if target else None,
                           FORMULAS[code] % {"target": target.normalize()}))
    prev, kept = counts.get("prev", 0), counts.get("kept", 0)
    retention = _share(kept, prev)
    items.append(_item("retention", weights, retention,
                       _clamp(retention * HUNDRED) if retention is not None else None,
                       FORMULAS["retention"], f"{kept} / {prev}"))
    ordering, repeat = counts.get("ordering", 0), counts.get("repeat", 0)
    repeat_share = _share(repeat, ordering)
    items.append(_item("repeat_orders", weights, repeat_share,
                       _clamp(repeat_share * HUNDRED) if repeat_share is not None else None,
                       FORMULAS["repeat_orders"], f"{repeat} / {ordering}"))
    sales, last_year = facts.get("sales") or ZERO, facts.get("last_year") or ZERO
    growth = _share(sales - last_year, last_year)
    items.append(_item("growth", weights, growth,
                       _clamp(Decimal(50) + GROWTH_SLOPE * growth) if growth is not None
                       else None, FORMULAS["growth"] % {}, f"{sales} / {last_year}"))
    contact_share = None
    detail = ""
    if contact and contact["call_share"] is not None:
        contact_share = ((contact["call_share"] + contact["visit_share"]) / 2).quantize(SHARE)
        detail = f"{contact['calls_ok']}+{contact['visits_ok']} / 2×{contact['dealers']}"
    items.append(_item("contact", weights, contact_share,
                       _clamp(contact_share * HUNDRED) if contact_share is not None else None,
                       FORMULAS["contact"], detail))
    single = contact["single_share"] if contact else None
    limit = rules.first_order_limit
    single_score = None
    if single is not None:
        single_score = HUNDRED if single <= limit else _clamp(
            HUNDRED - (single - limit) * OVER_LIMIT_SLOPE)
    items.append(_item("first_order_only", weights, single, single_score,
                       FORMULAS["first_order_only"] % {
                           "limit": f"{(limit * HUNDRED).normalize()}%"},
                       f"{contact['single']} / {contact['ordering']}" if contact else ""))
    bought, sold = facts.get("bought") or 0, facts.get("sold") or 0
    through = _share(sold, bought)
    items.append(_item("sell_through", weights, through,
                       _clamp(through * HUNDRED) if through is not None else None,
                       FORMULAS["sell_through"], f"{sold} / {bought}"))
    average = rating["average"] if rating else None
    items.append(_item("rating", weights, average,
                       _clamp((average - 1) / 4 * HUNDRED) if average is not None else None,
                       FORMULAS["rating"],
                       str(rating["count"]) if rating else "0"))
    return items


def staff_output(*, user: Any, region: Territory | None,
                 period: Period) -> dict[str, list[dict[str, Any]]]:
    """Sales per rep by city and by channel level (R-SK-07): the sales of the dealers of
    each group in the period and the number of reps those dealers are assigned to."""
    facts = DealerMonth.objects.filter(region_dealer_filter(user, region),
                                       month__in=period.months).order_by()
    depth = Territory.steplen * 3
    by_city = (facts.annotate(city=Substr("dealer__territory__path", 1, depth))
               .values("city", "dealer__assigned_rep_id").annotate(sales=Sum("order_amount")))
    by_level = facts.values("dealer__channel_level", "dealer__assigned_rep_id").annotate(
        sales=Sum("order_amount"))
    cities = _per_group(by_city, "city")
    names = {t.path: t.display_name for t in Territory.objects.filter(path__in=list(cities))}
    levels = _per_group(by_level, "dealer__channel_level")
    level_names = dict(ChannelLevel.choices)
    return {
        "cities": sorted(({"label": names.get(key, "—"), **value}
                          for key, value in cities.items()), key=lambda r: -r["sales"]),
        "levels": [{"label": level_names.get(key, key), **value}
                   for key, value in sorted(levels.items(), key=lambda kv: -kv[1]["sales"])],
    }


def _per_group(rows: Any, key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(row[key], {"sales": ZERO, "reps": set()})
        group["sales"] += row["sales"] or ZERO
        if row["dealer__assigned_rep_id"]:
            group["reps"].add(row["dealer__assigned_rep_id"])
    return {key: {"sales": value["sales"], "reps": len(value["reps"]),
                  "per_rep": (value["sales"] / len(value["reps"])).quantize(Decimal("0.01"))
                  if value["reps"] else None} for key, value in groups.items()}
