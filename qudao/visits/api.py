"""API of calls and visits: thin handlers over queries and services.

Every route is for staff: dealer users have no visits permission (403), and the records
follow the dealers the caller sees (another dealer's record answers 404).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from qudao.api import require
from qudao.core.exceptions import DomainError
from qudao.dealers.scoping import visible_dealers
from qudao.stock.periods import period_parse
from qudao.visits import compliance, queries, reports, services
from qudao.visits.choices import PlanKind
from qudao.visits.filters import OVERDUE_KINDS, month_or_today
from qudao.visits.models import Contact, PlanItem, RepReport
from qudao.visits.schemas import (
    ComplianceOut,
    ContactDetailOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    OverduePage,
    PlanCommentIn,
    PlanCommentOut,
    PlanDetailOut,
    PlanItemIn,
    PlanItemOut,
    PlanOut,
    StepDoneIn,
)

router = Router(tags=["Calls and visits"])


def _contact(request, log_id: int) -> Contact:
    try:
        return queries.contact_get(user=request.user, pk=log_id)
    except Contact.DoesNotExist:
        raise Http404 from None


@router.get("/contact-logs", response=list[ContactOut])
@paginate(PageNumberPagination)
def contact_list(request, filters: Query[ContactQuery]):
    """Calls, visits and messages with the caller's dealers, newest first."""
    require(request, "visits.view_visit")
    return queries.contact_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/contact-logs", response={201: ContactDetailOut})
def contact_log(request, payload: ContactIn):
    """Log a call, a visit (optionally with the phone's check-in) or an online message."""
    require(request, "visits.add_visit")
    dealer = get_object_or_404(visible_dealers(request.user), pk=payload.dealer_id)
    alert = None
    if payload.alert_id is not None:
        from qudao.alerts.queries import visible_alerts

        alert = get_object_or_404(visible_alerts(request.user), pk=payload.alert_id)
    check_in = None
    if payload.check_in is not None:
        check_in = services.CheckIn(latitude=payload.check_in.latitude,
                                    longitude=payload.check_in.longitude,
                                    accuracy=payload.check_in.accuracy,
                                    at=payload.check_in.checked_in_at)
    contact = services.contact_log(
        actor=request.user, dealer=dealer, kind=payload.kind,
        happened_at=payload.happened_at or timezone.now(), purpose=payload.purpose,
        notes=payload.notes, person=payload.person, duration_minutes=payload.duration_minutes,
        outcome=payload.outcome, next_step=payload.next_step,
        next_step_due=payload.next_step_due, check_in=check_in, alert=alert)
    return Status(201, _contact(request, contact.pk))


@router.get("/contact-logs/{log_id}", response=ContactDetailOut)
def contact_detail(request, log_id: int):
    require(request, "visits.view_visit")
    return _contact(request, log_id)


@router.patch("/contact-logs/{log_id}", response=ContactDetailOut)
def contact_update(request, log_id: int, payload: ContactPatch):
    """Correct a record (its author only; 403 for anyone else who sees it)."""
    require(request, "visits.add_visit")
    contact = _contact(request, log_id)
    services.contact_update(actor=request.user, contact=contact,
                            values=payload.dict(exclude_unset=True))
    return _contact(request, log_id)


@router.post("/contact-logs/{log_id}/next-step-done", response=ContactDetailOut)
def next_step_done(request, log_id: int, payload: StepDoneIn):
    require(request, "visits.add_visit")
    services.next_step_done(actor=request.user, contact=_contact(request, log_id),
                            done_on=payload.done_on)
    return _contact(request, log_id)


def _month(value: str | None) -> datetime.date:
    try:
        return period_parse(value or timezone.localdate()).replace(day=1)
    except ValueError as exc:
        raise DomainError(str(exc)) from None


@router.get("/visit-plans", response=list[PlanOut])
def plan_list(request, month: str | None = None, rep: int | None = None):
    """Month plans the caller may read (his own, his reps', or all for company-wide roles)
    for `month` (YYYY-MM, default this month), with their planned counts."""
    require(request, "visits.view_visit")
    plans = queries.visible_plans(request.user).filter(month=_month(month))
    if rep is not None:
        plans = plans.filter(rep_id=rep)
    return list(plans.annotate(
        planned_calls=Count("items", filter=Q(items__kind=PlanKind.CALL)),
        planned_visits=Count("items", filter=Q(items__kind=PlanKind.VISIT)),
    ).order_by("rep_id"))


def _plan_detail(request, plan_id: int) -> dict:
    plan = queries.visible_plans(request.user).select_related("rep").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    view = queries.plan_month(user=request.user, rep=plan.rep, month=plan.month)
    items = []
    for row in view["rows"]:
        item = row["item"]
        item.done_by_contact_id = row["done_by"].pk if row["done_by"] else None
        item.missed = row["missed"]
        items.append(item)
    return {"id": plan.pk, "rep_id": plan.rep_id, "month": plan.month, "notes": plan.notes,
            "items": items, "totals": view["totals"], "comments": view["comments"]}


@router.get("/visit-plans/{plan_id}", response=PlanDetailOut)
def plan_detail(request, plan_id: int):
    """A plan with each item's outcome (carried out by which contact, or missed), totals
    of planned and logged calls and visits, and the comments."""
    require(request, "visits.view_visit")
    return _plan_detail(request, plan_id)


@router.post("/visit-plans/{plan_id}/comments", response={201: PlanCommentOut})
def plan_comment(request, plan_id: int, payload: PlanCommentIn):
    require(request, "visits.add_visit")
    plan = queries.visible_plans(request.user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return Status(201, services.plan_comment_add(actor=request.user, plan=plan,
                                                 text=payload.text))


@router.post("/visit-plan-items", response={201: PlanItemOut})
def plan_item_add(request, payload: PlanItemIn):
    """Plan a call or a visit in the caller's own plan for the month of `day`."""
    require(request, "visits.add_visit")
    dealer = get_object_or_404(visible_dealers(request.user), pk=payload.dealer_id)
    item = services.plan_item_add(actor=request.user, dealer=dealer, day=payload.day,
                                  kind=payload.kind, purpose=payload.purpose,
                                  note=payload.note)
    return Status(201, PlanItem.objects.select_related("dealer").get(pk=item.pk))


@router.delete("/visit-plan-items/{item_id}", response={204: None})
def plan_item_delete(request, item_id: int):
    require(request, "visits.add_visit")
    item = PlanItem.objects.filter(pk=item_id, plan__rep=request.user).first()
    if item is None:
        raise Http404
    services.plan_item_delete(actor=request.user, item=item)
    return Status(204, None)


def _as_of(value: str | None) -> datetime.date:
    try:
        return month_or_today(value)
    except ValueError as exc:
        raise DomainError(str(exc)) from None


@router.get("/visit-compliance", response=ComplianceOut)
def compliance_figures(request, by: str = "rep", as_of: str | None = None,
                       region: int | None = None, rep: str | None = None):
    """Call and visit compliance and the first-order-only share per rep, region (大区) or
    province, over the caller's dealers, as of a day (or the end of a month, YYYY-MM)."""
    require(request, "visits.view_visit")
    filters = {"region": region, "rep": rep}
    report = compliance.compliance(user=request.user, by=by, as_of=_as_of(as_of),
                                   filters=filters)
    rules = report["limits"]
    return {"by": report["by"], "as_of": report["as_of"], "rows": report["rows"],
            "total": {**report["total"], "label": ""}, "call_days": rules.call_days,
            "visit_days": rules.visit_days, "first_order_days": rules.first_order_days,
            "first_order_limit": rules.first_order_limit}


@router.get("/visit-compliance/overdue", response=OverduePage)
def overdue(request, kind: str = "any", as_of: str | None = None, region: int | None = None,
            rep: str | None = None, q: str | None = None, page: int = 1,
            page_size: int | None = None):
    """Active dealers overdue for a call or a visit, the longest overdue first."""
    require(request, "visits.view_visit")
    if kind not in dict(OVERDUE_KINDS):
        raise DomainError("kind: any, call or visit")
    day = _as_of(as_of)
    dealers = compliance.overdue_list(user=request.user, as_of=day, kind=kind,
                                      filters={"region": region, "rep": rep, "q": q})
    size = min(max(page_size or settings.API_PAGE_SIZE, 1),
               settings.NINJA_PAGINATION_MAX_PER_PAGE_SIZE)
    chosen = Paginator(dealers, size).get_page(page)
    items = [{
        "dealer_id": row["dealer"].pk, "dealer_code": row["dealer"].code,
        "dealer_name": row["dealer"].name, "rep_id": row["dealer"].assigned_rep_id,
        "last_call": row["last_call"], "call_overdue_days": row["call_overdue"],
        "last_visit": row["last_visit"], "visit_overdue_days": row["visit_overdue"],
    } for row in compliance.overdue_rows(chosen.object_list, as_of=day)]
    return {"items": items, "count": chosen.paginator.count}


# --- weekly and monthly reports, the quarterly review ----------------------------------

class RepReportQuery(Schema):
    kind: str | None = Field(None, description="week or month.")
    status: str | None = Field(None, description="draft, submitted or commented.")
    rep: int | None = Field(None, description="The rep's user id.")
    region: int | None = Field(None, description="A territory id: reps covering it or below.")
    period_from: str | None = Field(None, description="Periods ending on or after (YYYY-MM "
                                                      "or a date).")
    period_to: str | None = Field(None, description="Periods starting on or before.")
    mine: bool | None = None


class RepReportIn(Schema):
    kind: str = Field(description="week or month.")
    period: str | None = Field(None, description="2026-W11, 2026-03 or a day in the period; "
                                                 "default: this week or month.")


class RepReportPatch(Schema):
    summary: str | None = None
    problems: str | None = None
    next_plan: str | None = None


class ReportCommentIn(Schema):
    text: str


class ReportExistsOut(Schema):
    code: str
    message: str
    report_id: int


class ReportCommentOut(Schema):
    id: int
    author_id: int
    author_name: str
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author_name(obj) -> str:
        return str(obj.author)


class RepReportOut(Schema):
    id: int
    rep_id: int
    rep_name: str
    kind: str
    period: str
    period_start: datetime.date
    period_end: datetime.date
    status: str
    submitted_at: datetime.datetime | None
    commented_at: datetime.datetime | None
    figures_as_of: datetime.date
    calls_out: int
    calls_in: int
    visits: int
    messages: int
    dealers_contacted: int
    dealers: int
    overdue_dealers: int
    requests_raised: int
    requests_handled: int
    requests_on_time: int
    orders: int
    order_amount: Decimal
    dealers_ordering: int
    alerts_raised: int
    alerts_acknowledged: int
    alerts_closed: int
    alerts_open: int

    @staticmethod
    def resolve_rep_name(obj) -> str:
        return str(obj.rep)

    @staticmethod
    def resolve_period(obj) -> str:
        return reports.period_label(obj.kind, obj.period_start)


class RepReportDetailOut(RepReportOut):
    summary: str
    problems: str
    next_plan: str
    comments: list[ReportCommentOut]

    @staticmethod
    def resolve_comments(obj) -> list:
        return reports.report_comments(report=obj)


class RequestCountsOut(Schema):
    requests: int
    response_on_time: int
    response_late: int
    response_share: Decimal | None
    resolution_on_time: int
    resolution_late: int
    resolution_share: Decimal | None


class ReviewRowOut(Schema):
    rep_id: int | None
    label: str
    dealers: int
    call_share: Decimal | None
    visit_share: Decimal | None
    single_share: Decimal | None
    calls_out: int
    calls_in: int
    visits: int
    complaints: int
    order_amount: Decimal
    target_amount: Decimal
    attainment: Decimal | None
    previous_amount: Decimal
    growth: Decimal | None
    dealers_ordering: int
    requests: RequestCountsOut
    alerts_raised: int
    alerts_closed: int
    alerts_open: int
    weekly_reports: int
    monthly_reports: int

    @staticmethod
    def resolve_dealers(obj) -> int:
        return (obj.compliance or {}).get("dealers", 0)

    @staticmethod
    def resolve_call_share(obj) -> Decimal | None:
        return (obj.compliance or {}).get("call_share")

    @staticmethod
    def resolve_visit_share(obj) -> Decimal | None:
        return (obj.compliance or {}).get("visit_share")

    @staticmethod
    def resolve_single_share(obj) -> Decimal | None:
        return (obj.compliance or {}).get("single_share")


class QuarterlyReviewOut(Schema):
    region_id: int
    region_name: str
    quarter: str
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    rows: list[ReviewRowOut]
    total: ReviewRowOut


def _rep_report(request, report_id: int):
    try:
        return reports.report_get(user=request.user, pk=report_id)
    except RepReport.DoesNotExist:
        raise Http404 from None


@router.get("/rep-reports", response=list[RepReportOut])
@paginate(PageNumberPagination)
def rep_report_list(request, filters: Query[RepReportQuery]):
    """Weekly and monthly reports the caller may read: his own (drafts included), the
    submitted reports of the reps he manages, or all submitted ones for company-wide roles.
    A draft's figures are listed as last saved."""
    require(request, "visits.view_visit")
    return reports.report_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/rep-reports", response={201: RepReportDetailOut, 409: ReportExistsOut})
def rep_report_create(request, payload: RepReportIn):
    """Start the caller's own report of a week or month (409 report_exists when he has it,
    with its id in `report_id`)."""
    require(request, "visits.add_visit")
    try:
        start = reports.period_parse_of(payload.kind, payload.period)
    except ValueError as exc:
        raise reports.ReportInvalid({"period": str(exc)}) from None
    try:
        report = reports.report_create(actor=request.user, kind=payload.kind,
                                       period_start=start)
    except reports.ReportExists as exc:
        return Status(409, {"code": exc.code, "message": exc.message,
                            "report_id": exc.report_id})
    return Status(201, _rep_report(request, report.pk))


@router.get("/rep-reports/{report_id}", response=RepReportDetailOut)
def rep_report_detail(request, report_id: int):
    """A report with its text and comments; a draft's figures as they stand now."""
    require(request, "visits.view_visit")
    return _rep_report(request, report_id)


@router.patch("/rep-reports/{report_id}", response=RepReportDetailOut)
def rep_report_update(request, report_id: int, payload: RepReportPatch):
    """Change the text of the caller's own draft (403 for anyone else who reads it, 409
    once submitted)."""
    require(request, "visits.add_visit")
    report = _rep_report(request, report_id)
    reports.report_update(actor=request.user, report=report,
                          **payload.dict(exclude_unset=True))
    return _rep_report(request, report_id)


@router.post("/rep-reports/{report_id}/submit", response=RepReportDetailOut)
def rep_report_submit(request, report_id: int):
    """Submit the caller's own draft: its figures are frozen."""
    require(request, "visits.add_visit")
    reports.report_submit(actor=request.user, report=_rep_report(request, report_id))
    return _rep_report(request, report_id)


@router.post("/rep-reports/{report_id}/comments", response={201: ReportCommentOut})
def rep_report_comment(request, report_id: int, payload: ReportCommentIn):
    """Comment on a submitted report the caller reads (his manager's remark, or the rep's
    answer)."""
    require(request, "visits.add_visit")
    comment = reports.report_comment_add(actor=request.user,
                                         report=_rep_report(request, report_id),
                                         text=payload.text)
    return Status(201, comment)


@router.get("/quarterly-reviews", response=QuarterlyReviewOut)
def quarterly_review(request, region: int | None = None, quarter: str | None = None):
    """One region's (大区 or province) quarter per rep and in total, over the caller's
    dealers: compliance, contacts, orders against target, requests on time, alerts and
    reports. `region` defaults to the first the caller may review; `quarter` (2026-Q1) to
    this one."""
    require(request, "visits.view_visit")
    regions = reports.review_regions(user=request.user)
    chosen = next((t for t in regions if region is None or t.pk == region), None)
    if chosen is None:
        raise Http404
    try:
        start = reports.quarter_parse(quarter)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    review = reports.quarterly_review(user=request.user, region=chosen, quarter=start)
    return {"region_id": chosen.pk, "region_name": chosen.display_name,
            "quarter": review["label"], "start": review["start"], "end": review["end"],
            "as_of": review["as_of"], "rows": review["rows"], "total": review["total"]}
