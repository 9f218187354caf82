"""API of calls and visits: thin handlers over queries and services.

Every route is for staff: dealer users have no visits permission (403), and the records
follow the dealers the caller sees (another dealer's record answers 404).
"""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from qudao.api import require
from qudao.core.exceptions import DomainError
from qudao.dealers.scoping import visible_dealers
from qudao.stock.periods import period_parse
from qudao.visits import compliance, queries, services
from qudao.visits.choices import PlanKind
from qudao.visits.filters import OVERDUE_KINDS, month_or_today
from qudao.visits.models import Contact, PlanItem
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
