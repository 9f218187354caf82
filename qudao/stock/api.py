"""API of stock: thin handlers over queries and services."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.dealers.models import Dealer
from qudao.dealers.scoping import visible_dealers
from qudao.stock import queries, services
from qudao.stock.models import ReportSource, StockReport
from qudao.stock.periods import add_months, month_start, period_parse
from qudao.stock.schemas import (
    MissingReportOut,
    SellThroughOut,
    StockPositionOut,
    StockReportDetailOut,
    StockReportIn,
    StockReportOut,
    StockReportQuery,
)

router = Router(tags=["Stock"])


def _dealer(request, dealer_id: int) -> Dealer:
    return get_object_or_404(visible_dealers(request.user), pk=dealer_id)


def _detail(request, report_id: int) -> StockReport:
    try:
        report = queries.report_get(user=request.user, pk=report_id)
    except StockReport.DoesNotExist:
        raise Http404 from None
    stock, flow = queries.report_lines(report=report)
    report.stock_lines_list, report.flow_lines_list = list(stock), list(flow)
    return report


@router.get("/stock-reports", response=list[StockReportOut])
@paginate(PageNumberPagination)
def report_list(request, filters: Query[StockReportQuery]):
    require(request, "stock.view_stock")
    return queries.report_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/stock-reports", response={200: StockReportDetailOut, 201: StockReportDetailOut})
def report_submit(request, payload: StockReportIn):
    """Submit a dealer's stock and flow for a month; a second submission replaces the lines
    (200), a first one creates the report (201)."""
    require(request, "stock.add_report")
    dealer = _dealer(request, payload.dealer_id)
    existed = queries.report_exists(user=request.user, dealer=dealer, period=payload.period)
    source = payload.source or (ReportSource.PORTAL if request.user.is_dealer_user
                                else ReportSource.STAFF)
    report = services.stock_report_submit(
        actor=request.user, dealer=dealer, period=payload.period,
        stock_lines=[(line.product_id, line.quantity) for line in payload.stock_lines],
        flow_lines=[line.dict() for line in payload.flow_lines], source=source)
    return Status(200 if existed else 201, _detail(request, report.pk))


@router.get("/stock-reports/missing", response=list[MissingReportOut])
@paginate(PageNumberPagination)
def missing_reports(request, period: str | None = None):
    """Dealers whose report for `period` (YYYY-MM, default last month) is past due."""
    require(request, "stock.view_stock")
    try:
        month = month_start(period_parse(period)) if period else add_months(
            month_start(timezone.localdate()), -1)
    except ValueError:
        raise Http404 from None
    return queries.missing_reports(user=request.user, period=month)


@router.get("/stock-reports/{report_id}", response=StockReportDetailOut)
def report_detail(request, report_id: int):
    require(request, "stock.view_stock")
    return _detail(request, report_id)


@router.get("/dealers/{dealer_id}/stock-position", response=StockPositionOut)
def stock_position(request, dealer_id: int, as_of: datetime.date | None = None):
    require(request, "stock.view_stock")
    return queries.stock_position(user=request.user, dealer=_dealer(request, dealer_id),
                                  as_of=as_of)


@router.get("/dealers/{dealer_id}/sell-through", response=SellThroughOut)
def sell_through(request, dealer_id: int, as_of: datetime.date | None = None):
    require(request, "stock.view_stock")
    return queries.sell_through(user=request.user, dealer=_dealer(request, dealer_id),
                                as_of=as_of)
