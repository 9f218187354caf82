"""Recruitment reports: the conversion funnel by region or rep (R-RS-10) and the recruited
cohorts with their ramp-up (R-DM-17, -18), aggregated in the database.

The funnel counts the leads that entered in a span of periods (their first period) and how
far each got: contacted, qualified, candidate, accepted, and first order (a month of the
dealer-month facts with an order). The cohorts group the dealers accepted per quarter:
how many ordered, ordered again (orders in two months or more), still order (an order in
the last three months, this one included) or collapsed (ordered, then stopped: "recruited
then collapsed", 短期招起一大片,转瞬倒下一大半), their average first-order month and how the
months after compare with it.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.accounts.models import User
from qudao.analytics.models import DealerMonth
from qudao.recruitment.choices import CandidateStatus
from qudao.recruitment.scope import visible_candidates, visible_leads
from qudao.stock.periods import add_months, month_start
from qudao.territories.models import Territory

STEPS = ["leads", "contacted", "qualified", "candidates", "accepted", "first_order"]
CENT = Decimal("0.01")


def step_labels() -> dict[str, str]:
    return {"leads": _("Leads"), "contacted": _("Contacted"), "qualified": _("Qualified"),
            "candidates": _("Candidates"), "accepted": _("Accepted"),
            "first_order": _("First order")}


def _ordered_dealers() -> Subquery:
    return Subquery(DealerMonth.objects.filter(order_count__gt=0).values("dealer_id"))


def funnel(*, user: Any, period_from: datetime.date, period_to: datetime.date,
           by: str = "region") -> dict[str, Any]:
    """The funnel of the leads that entered from `period_from` to `period_to` (months),
    one row per region (大区) or per rep, and the total: one GROUP BY."""
    leads = visible_leads(user).filter(first_period__gte=month_start(period_from),
                                       first_period__lte=month_start(period_to))
    if by == "rep":
        key = "assigned_rep_id"
        grouped = leads.values(key)
    else:
        key = "region_path"
        grouped = leads.annotate(region_path=Substr("territory__path", 1, Territory.steplen)
                                 ).values(key)
    rows = list(grouped.annotate(
        leads=Count("id"),
        contacted=Count("id", filter=Q(contacted_at__isnull=False)),
        qualified=Count("id", filter=Q(qualified_at__isnull=False)),
        candidates=Count("id", filter=Q(converted_at__isnull=False)),
        accepted=Count("id", filter=Q(candidate__status=CandidateStatus.ACCEPTED)),
        first_order=Count("id", filter=Q(candidate__status=CandidateStatus.ACCEPTED,
                                         candidate__dealer__in=_ordered_dealers())),
    ).order_by(key))
    if by == "rep":
        label = {u.pk: str(u) for u in User.objects.filter(
            pk__in=[r[key] for r in rows if r[key]])}
    else:
        label = {t.path: t.display_name for t in Territory.objects.filter(
            path__in=[r[key] for r in rows])}
    out = []
    for row in rows:
        out.append({"label": label.get(row[key]) or _("(no rep)"), "key": row[key],
                    **{step: row[step] for step in STEPS}})
    total = {step: sum(r[step] for r in out) for step in STEPS}
    for row in [*out, total]:
        row["rates"] = {step: _rate(row[step], row["leads"]) for step in STEPS}
        row["cells"] = [(row[step], row["rates"][step]) for step in STEPS]
    return {"rows": out, "total": total, "by": by, "labels": step_labels(),
            "period_from": month_start(period_from), "period_to": month_start(period_to)}


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _quarter(day: datetime.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def cohorts(*, user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """Dealers accepted through recruitment, by quarter of the decision, and each one's
    ramp-up from the dealer-month facts (one GROUP BY, and one query for the first months'
    amounts)."""
    today = today or timezone.localdate()
    recent = add_months(month_start(today), -2)
    recruits = list(visible_candidates(user).filter(
        status=CandidateStatus.ACCEPTED, dealer__isnull=False, decided_at__isnull=False)
        .select_related("dealer").order_by("-decided_at"))
    dealer_ids = [c.dealer_id for c in recruits]
    months = DealerMonth.objects.filter(dealer_id__in=dealer_ids, order_count__gt=0)
    facts = {row["dealer_id"]: row for row in months.values("dealer_id").annotate(
        first=Min("month"), last=Max("month"), months=Count("id"), orders=Sum("order_count"),
        amount=Sum("order_amount"), first_day=Min("first_order_day")).order_by()}
    first_month = (DealerMonth.objects.filter(dealer_id=OuterRef("dealer_id"), order_count__gt=0)
                   .order_by("month").values("month")[:1])
    first_amount = dict(months.filter(month=Subquery(first_month))
                        .values_list("dealer_id", "order_amount"))
    dealers = []
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for candidate in recruits:
        fact = facts.get(candidate.dealer_id)
        row: dict[str, Any] = {"candidate": candidate, "dealer": candidate.dealer,
                               "quarter": _quarter(timezone.localdate(candidate.decided_at)),
                               "ordered": fact is not None}
        if fact is not None:
            first = first_amount.get(candidate.dealer_id, Decimal("0"))
            later_months = fact["months"] - 1
            later_avg = ((fact["amount"] - first) / later_months).quantize(CENT) \
                if later_months else None
            row.update({
                "first_day": fact["first_day"] or fact["first"], "last": fact["last"],
                "months": fact["months"], "orders": fact["orders"], "first_amount": first,
                "later_avg": later_avg, "growth": _growth(later_avg, first),
                "again": fact["months"] >= 2 or fact["orders"] >= 2,
                "still": fact["last"] >= recent,
            })
        dealers.append(row)
        groups[row["quarter"]].append(row)
    cohort_rows = []
    for quarter in sorted(groups, reverse=True):
        members = groups[quarter]
        ordered = [m for m in members if m["ordered"]]
        firsts = [m["first_amount"] for m in ordered]
        laters = [m["later_avg"] for m in ordered if m["later_avg"] is not None]
        first_avg = (sum(firsts, Decimal("0")) / len(firsts)).quantize(CENT) if firsts else None
        later_avg = (sum(laters, Decimal("0")) / len(laters)).quantize(CENT) if laters else None
        cohort_rows.append({
            "quarter": quarter, "accepted": len(members), "ordered": len(ordered),
            "again": sum(1 for m in ordered if m["again"]),
            "still": sum(1 for m in ordered if m["still"]),
            "collapsed": sum(1 for m in ordered if not m["still"]),
            "first_avg": first_avg, "later_avg": later_avg,
            "growth": _growth(later_avg, first_avg),
        })
    return {"cohorts": cohort_rows, "dealers": dealers, "recent_from": recent}


def _growth(later: Decimal | None, first: Decimal | None) -> Decimal | None:
    """Later months against the first, in percent (+50.0 = half as much again)."""
    if later is None or not first:
        return None
    return ((later / first - 1) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
