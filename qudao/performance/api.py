"""API of performance: thin handlers over queries and services.

The report and the KPI are for the roles that read performance, limited to their regions
(another region answers 404); a dealer's admin rates its own rep; expenses are read in
the caller's territories and entered by HQ.
"""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.core.exceptions import NotAllowed
from qudao.performance import kpi, queries, report, scope, services
from qudao.performance.exceptions import ExpenseInvalid
from qudao.performance.periods import period_parse
from qudao.performance.schemas import (
    ExpenseIn,
    ExpenseOut,
    ExpenseQuery,
    KpiOut,
    RatingIn,
    RatingOut,
    ReportOut,
    SelectionQuery,
)
from qudao.stock.periods import period_parse as month_parse
from qudao.territories.models import Territory

router = Router(tags=["Channel performance and rep KPI"])


def _selection(request, query: SelectionQuery) -> tuple[Any, Any]:
    region = scope.region_get(request.user, query.region)
    try:
        period = period_parse(query.period)
    except ValueError as exc:
        raise ExpenseInvalid({"period": str(exc)}) from None
    return region, period


def _plain(block: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in block.items() if key != "indicator"}


@router.get("/performance/report", response=ReportOut)
def channel_report(request, query: Query[SelectionQuery]):
    """The channel performance report of a region and period (four aspects)."""
    require(request, "performance.view_performance")
    region, period = _selection(request, query)
    data = report.channel_report(user=request.user, region=region, period=period)
    indicator = data["operations"]["indicator"]
    operations = _plain(data["operations"])
    operations["indicator"] = ({"relationship": indicator.relationship,
                                "satisfaction": indicator.satisfaction,
                                "atmosphere": indicator.atmosphere, "note": indicator.note}
                               if indicator else None)
    return {"region_id": region.pk if region else None, "region": data["region_label"],
            "period": period.code, "period_start": period.first, "period_end": period.end,
            "organization": data["organization"], "operations": operations,
            "service": data["service"], "economics": data["economics"]}


@router.get("/performance/kpi", response=list[KpiOut])
def kpi_list(request, query: Query[SelectionQuery]):
    """The reps of a region ranked by KPI total, each item with its score."""
    require(request, "performance.view_performance")
    region, period = _selection(request, query)
    rows = kpi.kpi_rows(user=request.user, region=region, period=period)
    return [{"rep_id": row["rep"].pk, "rep": str(row["rep"]), "rank": row["rank"],
             "total": row["total"], "partial": row["partial"], "sales": row["sales"],
             "rating_average": (row["rating"] or {}).get("average"),
             "ratings": (row["rating"] or {}).get("count", 0), "flagged": row["flagged"],
             "trained": row["trained"], "agreements_signed": row["agreements_signed"],
             "items": [{**item, "label": str(item["label"]), "formula": str(item["formula"]),
                        "group": str(item["group"])} for item in row["items"]]}
            for row in rows]


@router.post("/performance/ratings", response={201: RatingOut})
def rating_submit(request, payload: RatingIn):
    """The caller's dealer rates its assigned rep for this quarter (again: updates it)."""
    require(request, "performance.rate_rep")
    if not request.user.is_dealer_user:
        raise NotAllowed(_("Only a dealer's admin rates its sales rep."))
    rating = services.rating_submit(actor=request.user, scores=payload.dict(),
                                    comment=payload.comment)
    return Status(201, rating)


@router.get("/channel-expenses", response=list[ExpenseOut])
@paginate(PageNumberPagination)
def expense_list(request, filters: Query[ExpenseQuery]):
    """Channel expenses of the caller's territories, newest month first."""
    require(request, "performance.view_performance")
    return queries.expense_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/channel-expenses", response={201: ExpenseOut})
def expense_create(request, payload: ExpenseIn):
    """Record a channel expense of a region and month (HQ)."""
    require(request, "performance.change_expense")
    values = payload.dict()
    values["territory"] = Territory.objects.filter(pk=values.pop("territory_id")).first()
    try:
        values["month"] = month_parse(values["month"])
    except ValueError as exc:
        raise ExpenseInvalid({"month": str(exc)}) from None
    return Status(201, services.expense_create(actor=request.user, values=values))
