"""The channel performance report (渠道绩效评估, R-EV-01..12) of one region and period.

Four aspects (R-EV-02), each a block of figures read in a few grouped queries over the
region's dealers (never a query per dealer): management organization, operating status,
service quality, economic effect (in economics.py). Every figure says how it is counted;
a figure without data is None and shows as "n/a", never as a made-up zero.
"""

import datetime
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils import timezone

from qudao.analytics.models import DealerMonth
from qudao.analytics.services import DaysBetween
from qudao.dealers.choices import ChannelLevel, DealerStatus
from qudao.orders.models import Shipment
from qudao.performance import economics, kpi
from qudao.performance.models import RegionIndicator
from qudao.performance.periods import Period
from qudao.performance.scope import region_dealer_filter, region_dealers, region_label, region_reps
from qudao.service.choices import ACTIVE_STATUSES
from qudao.service.models import ServiceFunction, ServiceRequest
from qudao.territories.models import AssignmentRole, Territory, TerritoryAssignment

SHARE = Decimal("0.0001")
CENT = Decimal("0.01")
ONE = Decimal("0.1")
ZERO = Decimal("0.00")
# A dealer orders "regularly" when it orders in at least this share of the period's months.
REGULAR_SHARE = Decimal("2") / Decimal("3")
# Service functions whose requests are channel conflicts (窜货, disputes between members);
# the report shows "n/a" when the directory has none of them.
CONFLICT_CODES = ("conflict", "cross_region")
COMPLAINT_CODES = ("complaint",)


def share(part: Any, whole: Any) -> Decimal | None:
    """part / whole to four places; None without a whole."""
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(SHARE, ROUND_HALF_UP)


def ratio(part: Any, whole: Any, places: Decimal = CENT) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(places, ROUND_HALF_UP)


def money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


def hours(value: Any) -> Decimal | None:
    """An average duration (timedelta, or microseconds from SQLite) in hours, one decimal."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        seconds = Decimal(str(value.total_seconds()))
    else:
        seconds = Decimal(str(value)) / Decimal(1_000_000)
    return (seconds / 3600).quantize(ONE, ROUND_HALF_UP)


def days(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(ONE, ROUND_HALF_UP)


def moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def regular_months(period: Period) -> int:
    """How many of the period's months a dealer must order in to count as regular."""
    return max(1, math.ceil(len(period.months) * REGULAR_SHARE))


# -- 1. management organization (R-EV-03/04, R-RT-11, R-SK-10) ---------------------------

def organization(*, user: Any, region: Territory | None, period: Period,
                 kpi_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Reps against dealers, dealers with a rep, regional managers' coverage, terminals
    reached by a call or a visit in the period, and the reps' average KPI score."""
    active = Q(status=DealerStatus.ACTIVE)
    terminal = Q(channel_level=ChannelLevel.TERMINAL)
    contacted = Exists(DealerMonth.objects.filter(
        dealer=OuterRef("pk"), month__gte=period.first, month__lte=period.last).filter(
        Q(visits__gt=0) | Q(calls_out__gt=0) | Q(calls_in__gt=0)))
    counts = region_dealers(user, region).aggregate(
        dealers=Count("pk", filter=active & ~terminal),
        with_rep=Count("pk", filter=active & ~terminal & Q(assigned_rep__isnull=False)),
        terminals=Count("pk", filter=active & terminal),
        terminals_reached=Count("pk", filter=Q(active, terminal) & contacted),
    )
    reps = region_reps(user, region).count()
    covered, areas = _manager_coverage(region)
    scored = [row["total"] for row in kpi_rows if row["total"] is not None]
    return {
        "reps": reps, "dealers": counts["dealers"], "with_rep": counts["with_rep"],
        "reps_per_100": ratio(reps * 100, counts["dealers"], ONE),
        "dealers_per_rep": ratio(counts["dealers"], reps, ONE),
        "with_rep_share": share(counts["with_rep"], counts["dealers"]),
        "areas": areas, "areas_covered": covered, "manager_share": share(covered, areas),
        "terminals": counts["terminals"], "terminals_reached": counts["terminals_reached"],
        "terminal_share": share(counts["terminals_reached"], counts["terminals"]),
        "kpi_average": (sum(scored, ZERO) / len(scored)).quantize(ONE, ROUND_HALF_UP)
        if scored else None,
        "kpi_reps": len(scored),
    }


def _manager_coverage(region: Territory | None) -> tuple[int, int]:
    """(areas with a regional manager, areas): the areas are the nodes one level below
    the region (the 大区 for the company); an area is covered by a manager assigned to it
    or to a node above it."""
    areas = (Territory.objects.filter(depth=1) if region is None
             else Territory.objects.filter(path__startswith=region.path,
                                           depth=region.depth + 1))
    paths = list(areas.values_list("path", flat=True))
    managers = set(TerritoryAssignment.objects.filter(
        role=AssignmentRole.MANAGER, user__is_active=True).values_list("territory__path",
                                                                      flat=True))
    step = Territory.steplen
    covered = sum(1 for path in paths
                  if any(path[:step * depth] in managers for depth in
                         range(1, len(path) // step + 1)))
    return covered, len(paths)


# -- 2. operating status (R-EV-05/06/07) --------------------------------------------------

def operations(*, user: Any, region: Territory | None, period: Period,
               active_dealers: int) -> dict[str, Any]:
    """Goods flow (sell-in, sell-out from flow reports), cash flow (collections, the
    collection rate, days sales outstanding, the balance over 30 days overdue at the
    period's end), order regularity, coverage and conflicts, and the hand-recorded
    indicators of the period."""
    facts = DealerMonth.objects.filter(region_dealer_filter(user, region),
                                       month__lte=period.last)
    now = Q(month__gte=period.first)
    reported = now & Q(stock_reports__gt=0)
    sums = facts.aggregate(
        sell_in=Sum("order_amount", filter=now), quantity=Sum("order_quantity", filter=now),
        orders=Sum("order_count", filter=now),
        quantity_reported=Sum("order_quantity", filter=reported),
        sold=Sum("sold_quantity", filter=reported),
        stock_reports=Sum("stock_reports", filter=now),
        invoiced=Sum("invoiced_amount", filter=now), collected=Sum("payment_amount", filter=now),
        receivable=Sum(F("invoiced_amount") - F("payment_amount")),
        overdue30=Sum(F("overdue30_added") - F("overdue30_paid")),
        customers=Sum("active_customers", filter=now),
        contacts=Sum(F("calls_in") + F("calls_out") + F("visits"), filter=now),
    )
    needed = regular_months(period)
    regular = (facts.filter(now, order_count__gt=0, dealer__status=DealerStatus.ACTIVE)
               .exclude(dealer__channel_level=ChannelLevel.TERMINAL)
               .values("dealer").annotate(n=Count("id")).filter(n__gte=needed).count())
    months = len(period.months)
    receivable = max(money(sums["receivable"]), ZERO)
    invoiced = money(sums["invoiced"])
    conflicts = _conflicts(user=user, region=region, period=period)
    return {
        "sell_in": money(sums["sell_in"]), "quantity": sums["quantity"] or 0,
        "orders": sums["orders"] or 0,
        "sold": sums["sold"] or 0, "quantity_reported": sums["quantity_reported"] or 0,
        "sell_through": share(sums["sold"], sums["quantity_reported"]),
        "stock_reports": sums["stock_reports"] or 0,
        "invoiced": invoiced, "collected": money(sums["collected"]),
        "collection_rate": share(sums["collected"], invoiced),
        "receivable": receivable,
        "dso": ratio(receivable * period.days, invoiced, ONE),
        "overdue30": max(money(sums["overdue30"]), ZERO),
        "regular_months": needed, "regular": regular, "active_dealers": active_dealers,
        "regular_share": share(regular, active_dealers),
        "customers_per_month": ratio(sums["customers"], months, ONE),
        "contacts": sums["contacts"] or 0,
        "conflicts": conflicts,
        "indicator": indicator_get(region=region, period=period),
    }


def _conflicts(*, user: Any, region: Territory | None, period: Period) -> int | None:
    """Conflict requests raised in the period; None when no function records them."""
    if not ServiceFunction.objects.filter(code__in=CONFLICT_CODES).exists():
        return None
    return ServiceRequest.objects.filter(
        region_dealer_filter(user, region), function__code__in=CONFLICT_CODES,
        created_at__gte=moment(period.first),
        created_at__lt=moment(period.end + datetime.timedelta(days=1))).count()


def indicator_get(*, region: Territory | None, period: Period) -> RegionIndicator | None:
    """The hand-recorded indicators of the region (or the company) for the period."""
    return (RegionIndicator.objects.filter(territory=region, period_kind=period.kind,
                                           period_start=period.start)
            .select_related("recorded_by").first())


# -- 3. service quality (R-EV-08) -------------------------------------------------------

def service_quality(*, user: Any, region: Territory | None, period: Period,
                    contacts: int, active_dealers: int) -> dict[str, Any]:
    """Requests raised in the period: first responses and resolutions within their
    deadlines and their average calendar hours; complaints and how long they took;
    delivery days from order to delivery of shipments delivered in the period; contacts
    per dealer (information communication)."""
    now = timezone.now()
    requests = ServiceRequest.objects.filter(
        region_dealer_filter(user, region), created_at__gte=moment(period.first),
        created_at__lt=moment(period.end + datetime.timedelta(days=1)))
    took_response = ExpressionWrapper(F("first_response_at") - F("created_at"),
                                      output_field=DurationField())
    took_resolution = ExpressionWrapper(F("resolved_at") - F("created_at"),
                                        output_field=DurationField())
    complaint = Q(function__code__in=COMPLAINT_CODES)
    counts = requests.aggregate(
        requests=Count("id"),
        response_on_time=Count("id", filter=Q(first_response_at__lte=F("first_response_due"))),
        response_late=Count("id", filter=Q(first_response_at__gt=F("first_response_due")) | Q(
            first_response_at__isnull=True, status__in=ACTIVE_STATUSES,
            first_response_due__lt=now)),
        resolution_on_time=Count("id", filter=Q(resolved_at__lte=F("resolution_due"))),
        resolution_late=Count("id", filter=Q(resolved_at__gt=F("resolution_due")) | Q(
            resolved_at__isnull=True, status__in=ACTIVE_STATUSES, resolution_due__lt=now)),
        response_hours=Avg(took_response, filter=Q(first_response_at__isnull=False)),
        resolution_hours=Avg(took_resolution, filter=Q(resolved_at__isnull=False)),
        complaints=Count("id", filter=complaint),
        complaints_resolved=Count("id", filter=complaint & Q(resolved_at__isnull=False)),
        complaint_hours=Avg(took_resolution, filter=complaint & Q(resolved_at__isnull=False)),
    )
    delivery = Shipment.objects.filter(
        region_dealer_filter(user, region), delivered_on__gte=period.first,
        delivered_on__lte=period.end).aggregate(
        shipments=Count("id"),
        to_delivery=Avg(DaysBetween("delivered_on", "order__ordered_on")),
        to_shipping=Avg(DaysBetween("shipped_on", "order__ordered_on")))
    return {
        **{key: counts[key] for key in ("requests", "response_on_time", "response_late",
                                        "resolution_on_time", "resolution_late",
                                        "complaints", "complaints_resolved")},
        "response_share": share(counts["response_on_time"],
                                counts["response_on_time"] + counts["response_late"]),
        "resolution_share": share(counts["resolution_on_time"],
                                  counts["resolution_on_time"] + counts["resolution_late"]),
        "response_hours": hours(counts["response_hours"]),
        "resolution_hours": hours(counts["resolution_hours"]),
        "complaint_hours": hours(counts["complaint_hours"]),
        "complaints_resolved_share": share(counts["complaints_resolved"],
                                           counts["complaints"]),
        "shipments": delivery["shipments"], "delivery_days": days(delivery["to_delivery"]),
        "shipping_days": days(delivery["to_shipping"]),
        "contacts_per_dealer": ratio(contacts, active_dealers, ONE),
    }


# -- the whole report -------------------------------------------------------------------

def channel_report(*, user: Any, region: Territory | None, period: Period) -> dict[str, Any]:
    """The four aspects of the region's channel in the period, with the reps' KPI rows
    the management block averages (R-EV-02)."""
    kpi_rows = kpi.kpi_rows(user=user, region=region, period=period)
    org = organization(user=user, region=region, period=period, kpi_rows=kpi_rows)
    ops = operations(user=user, region=region, period=period, active_dealers=org["dealers"])
    service = service_quality(user=user, region=region, period=period,
                              contacts=ops["contacts"], active_dealers=org["dealers"])
    econ = economics.economics(user=user, region=region, period=period)
    return {"region": region, "region_label": region_label(region), "period": period,
            "organization": org, "operations": ops, "service": service, "economics": econ,
            "kpi_rows": kpi_rows}
