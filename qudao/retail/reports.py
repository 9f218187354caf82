"""Retail figures: retailers' commitments per month and their breaches (R-RT-04), and
terminal control per region (R-RT-11).

Commitments are judged from the evidence of the month: the store's latest audit of the
month (display, promotion, service and no-dumping from the checklist items that evidence
them; no counterfeits from the audit's finding) and the dealer-month facts (reporting:
a stock and flow report filed). A month still running without a report is "no evidence"
yet, not a breach."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.analytics.models import DealerMonth
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.dealers.models import Dealer
from qudao.retail.choices import Commitment, CommitmentState
from qudao.retail.models import AuditScore, Certificate, StoreAudit
from qudao.stock.periods import add_months
from qudao.territories.models import Territory

AUDITED_COMMITMENTS = (Commitment.DISPLAY, Commitment.PROMOTION, Commitment.SERVICE,
                       Commitment.NO_DUMPING)
# Terminals counted for terminal control: those trading with us.
TRADING = (DealerStatus.ACTIVE, DealerStatus.PROBATION)
STEPLEN = Territory.steplen


def _latest_audits(retailer_ids: list[int], month: datetime.date) -> dict[int, dict]:
    """Each retailer's latest audit of the month: {retailer id: {id, counterfeit_found,
    audited_on}}."""
    latest = (StoreAudit.objects.filter(retailer_id=OuterRef("retailer_id"), month=month)
              .order_by("-audited_on", "-id").values("id")[:1])
    rows = (StoreAudit.objects.filter(retailer_id__in=retailer_ids, month=month)
            .filter(id=Subquery(latest))
            .values("id", "retailer_id", "counterfeit_found", "audited_on", "total_score"))
    return {row["retailer_id"]: row for row in rows}


def commitments(*, retailer_ids: list[int], month: datetime.date,
                today: datetime.date | None = None) -> dict[int, list[dict[str, Any]]]:
    """Each retailer's six commitments in `month`: state (met, breached, no evidence) and
    what it rests on. Four queries for any number of retailers."""
    today = today or timezone.localdate()
    month = month.replace(day=1)
    ids = list(retailer_ids)
    audits = _latest_audits(ids, month)
    by_audit = {row["id"]: pk for pk, row in audits.items()}
    failed: dict[tuple[int, str], list[str]] = defaultdict(list)
    scored: set[tuple[int, str]] = set()
    scores = (AuditScore.objects.filter(audit_id__in=list(by_audit)).exclude(commitment="")
              .values_list("audit_id", "commitment", "name", "score", "max_score", "passed"))
    for audit_id, commitment, name, score, max_score, passed in scores:
        key = (by_audit[audit_id], commitment)
        scored.add(key)
        if not passed:
            failed[key].append(f"{name} {score}/{max_score}")
    reports = dict(DealerMonth.objects.filter(dealer_id__in=ids, month=month)
                   .values_list("dealer_id", "stock_reports"))
    month_over = add_months(month, 1) <= today
    found: dict[int, list[dict[str, Any]]] = {}
    for pk in ids:
        audit_row = audits.get(pk)
        rows = []
        for commitment in Commitment:
            state, detail = CommitmentState.UNKNOWN, ""
            if commitment in AUDITED_COMMITMENTS:
                if audit_row is None:
                    detail = _("No audit this month.")
                elif (pk, commitment) not in scored:
                    detail = _("No checklist item evidences it.")
                elif failed.get((pk, commitment)):
                    state = CommitmentState.BREACHED
                    detail = ", ".join(failed[(pk, commitment)])
                else:
                    state, detail = CommitmentState.MET, _("Audit of %(day)s.") % {
                        "day": f"{audit_row['audited_on']:%Y-%m-%d}"}
            elif commitment == Commitment.NO_COUNTERFEITS:
                if audit_row is None:
                    detail = _("No audit this month.")
                elif audit_row["counterfeit_found"]:
                    state = CommitmentState.BREACHED
                    detail = _("Counterfeit goods found on %(day)s.") % {
                        "day": f"{audit_row['audited_on']:%Y-%m-%d}"}
                else:
                    state, detail = CommitmentState.MET, _("Audit of %(day)s.") % {
                        "day": f"{audit_row['audited_on']:%Y-%m-%d}"}
            else:  # reporting
                filed = reports.get(pk) or 0
                if filed > 0:
                    state = CommitmentState.MET
                    detail = _("%(n)d stock report(s) filed.") % {"n": filed}
                elif month_over:
                    state, detail = CommitmentState.BREACHED, _("No stock report filed.")
                else:
                    detail = _("No stock report yet this month.")
            rows.append({"commitment": commitment, "label": commitment.label,
                         "state": state, "state_label": CommitmentState(state).label,
                         "detail": detail})
        found[pk] = rows
    return found


def certified(retailers: QuerySet[Dealer], month: datetime.date) -> QuerySet[Dealer]:
    """The retailers holding a certificate in force during some of `month`: they are the
    ones bound by the commitments of the application terms."""
    start, end = month.replace(day=1), add_months(month, 1)
    in_force = Certificate.objects.filter(
        retailer=OuterRef("pk"), valid_from__lt=end, valid_until__gte=start).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=start))
    return retailers.filter(Exists(in_force))


def breaches(*, retailers: QuerySet[Dealer], month: datetime.date,
             commitment: str = "") -> list[dict[str, Any]]:
    """Every breached commitment of the certified retailers among `retailers` in `month`,
    by store code: [{retailer, commitment, label, detail}]."""
    stores = list(certified(retailers, month).select_related("territory").order_by("code"))
    judged = commitments(retailer_ids=[s.pk for s in stores], month=month)
    rows = []
    for store in stores:
        for row in judged[store.pk]:
            if row["state"] != CommitmentState.BREACHED:
                continue
            if commitment and row["commitment"] != commitment:
                continue
            rows.append({"retailer": store, **row})
    return rows


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def terminal_control(*, retailers: QuerySet[Dealer], month: datetime.date,
                     region: Territory | None = None, depth: int | None = None
                     ) -> dict[str, Any]:
    """Terminal control (R-RT-11) in `month`, per region: the trading terminals among
    `retailers`, how many the manufacturer reaches directly or via a dealer (Dealer.parent),
    and the share of each that was audited or visited (a store audit of the month, or a
    visit in the dealer-month facts). Regions are the nodes at `depth` (default: the
    provinces, or the children of `region`). One GROUP BY."""
    month = month.replace(day=1)
    if depth is None:
        depth = (region.depth + 1) if region is not None else 2
    depth = max(1, min(depth, 4))
    terminals = retailers.filter(channel_level=ChannelLevel.TERMINAL, status__in=TRADING)
    if region is not None:
        terminals = terminals.filter(territory__path__startswith=region.path)
        depth = max(depth, region.depth)
    audited = StoreAudit.objects.filter(retailer=OuterRef("pk"), month=month)
    visited = DealerMonth.objects.filter(dealer=OuterRef("pk"), month=month, visits__gt=0)
    reached = Q(Exists(audited)) | Q(Exists(visited))
    direct, via = Q(parent__isnull=True), Q(parent__isnull=False)
    rows = (terminals.order_by()
            .annotate(key=Substr("territory__path", 1, STEPLEN * depth))
            .values("key")
            .annotate(total=Count("id"), direct=Count("id", filter=direct),
                      via=Count("id", filter=via),
                      covered=Count("id", filter=reached),
                      covered_direct=Count("id", filter=reached & direct),
                      covered_via=Count("id", filter=reached & via),
                      audited=Count("id", filter=Q(Exists(audited))),
                      visited=Count("id", filter=Q(Exists(visited))))
            .order_by("key"))
    rows = list(rows)
    names = {t.path: t for t in Territory.objects.filter(path__in=[r["key"] for r in rows])}
    totals = defaultdict(int)
    out = []
    for row in rows:
        for key in ("total", "direct", "via", "covered", "covered_direct", "covered_via",
                    "audited", "visited"):
            totals[key] += row[key]
        out.append(_control_row(row, names.get(row["key"])))
    return {"month": month, "depth": depth, "region": region, "rows": out,
            "total": _control_row(dict(totals), None)}


def _control_row(row: dict[str, Any], territory: Territory | None) -> dict[str, Any]:
    row = dict(row)
    row["territory"] = territory
    row["share"] = _share(row.get("covered", 0), row.get("total", 0))
    row["share_direct"] = _share(row.get("covered_direct", 0), row.get("direct", 0))
    row["share_via"] = _share(row.get("covered_via", 0), row.get("via", 0))
    row["direct_share"] = _share(row.get("direct", 0), row.get("total", 0))
    return row
