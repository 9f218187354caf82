"""Reads of dealer service, already limited to what the user may see: a dealer user sees its
own company's requests (never an internal note), staff the requests of the dealers in
their scope and those assigned to them."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qudao.accounts.choices import DEALER_ROLES
from qudao.accounts.permissions import ROLE_PERMISSIONS
from qudao.core.pagination import filters_copy
from qudao.dealers.scoping import visible_dealers
from qudao.service.choices import ACTIVE_STATUSES, OPEN_STATUSES
from qudao.service.filters import ServiceRequestFilter, month_moment, overdue_q
from qudao.service.models import (
    CalendarDay,
    ServiceAttachment,
    ServiceEscalation,
    ServiceFunction,
    ServiceMessage,
    ServiceNotification,
    ServiceRequest,
    ServiceRoute,
)
from qudao.stock.periods import add_months

LIST_RELATED = ("dealer", "function", "assignee", "product")
PANEL_SHOWN = 10


def visible_requests(user: Any) -> QuerySet[ServiceRequest]:
    """Requests of the dealers the user may see; staff also see those assigned to them (a
    specialist answering a region he does not cover). Anyone else sees none."""
    requests = ServiceRequest.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.sees_all_dealers:
        return requests
    if user.is_dealer_user:
        return requests.filter(dealer_id=user.dealer_id) if user.dealer_id else requests.none()
    if user.is_territory_user:
        return requests.filter(Q(dealer__in=visible_dealers(user)) | Q(assignee=user))
    return requests.none()


def with_default_state(filters: Any, user: Any) -> Any:
    """The list's filters with the state applied when none is asked (so the filter form
    shows it too): open ones for staff; all for a dealer or when a status is chosen."""
    data = filters_copy(filters)
    if not data.get("state"):
        data["state"] = "all" if (user.is_dealer_user or data.get("status")) else "open"
    return data


def request_list(*, user: Any, filters: Any = None) -> QuerySet[ServiceRequest]:
    """The request list: newest first. Staff see open requests unless they ask for others;
    dealers see all of theirs."""
    data = with_default_state(filters, user)
    requests = visible_requests(user).select_related(*LIST_RELATED)
    requests = ServiceRequestFilter(data, queryset=requests, request_user=user).qs
    return requests.order_by("-created_at", "-id")


def request_get(*, user: Any, pk: int) -> ServiceRequest:
    """One request in the user's scope (ServiceRequest.DoesNotExist otherwise)."""
    return visible_requests(user).select_related(
        "dealer", "dealer__territory", "dealer__assigned_rep", "function", "assignee",
        "product", "raised_by").get(pk=pk)


def thread(*, user: Any, request: ServiceRequest) -> list[ServiceMessage]:
    """The request's thread, oldest first, with attachments; internal notes only for
    staff."""
    messages = request.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=ServiceAttachment.objects.order_by("id")))
    if user.is_dealer_user:
        messages = messages.filter(internal=False)
    return list(messages.order_by("created_at", "id"))


def attachment_get(*, user: Any, pk: int) -> ServiceAttachment:
    """An attachment of a request the user may see; a dealer never gets one of an internal
    note."""
    attachments = ServiceAttachment.objects.select_related("message").filter(
        message__request__in=visible_requests(user))
    if user.is_dealer_user:
        attachments = attachments.filter(message__internal=False)
    return attachments.get(pk=pk)


def escalations(*, request: ServiceRequest) -> list[ServiceEscalation]:
    """The request's escalations, oldest first (staff only see this)."""
    return list(request.escalations.select_related("to_user").order_by("escalated_at", "id"))


def function_list(*, user: Any) -> list[ServiceFunction]:
    """The directory: every function with its contacts and limits (dealers see the ones
    that take requests)."""
    functions = ServiceFunction.objects.select_related("responsible").order_by("sort_order",
                                                                               "code")
    if user.is_dealer_user:
        functions = functions.filter(is_active=True)
    return list(functions)


def routes(*, function: ServiceFunction) -> list[ServiceRoute]:
    """The function's routing table, in tree order of the regions."""
    return list(function.routes.select_related("territory", "user").order_by("territory__path"))


def assignable_staff() -> QuerySet:
    """Staff who may be given requests: active users whose role handles them."""
    from qudao.accounts.models import User

    roles = [role for role, perms in ROLE_PERMISSIONS.items()
             if "service.handle_request" in perms and role not in DEALER_ROLES]
    return User.objects.filter(is_active=True).filter(
        Q(role__in=roles) | Q(is_superuser=True)).order_by("full_name", "username")


def calendar_days(*, year: int) -> list[CalendarDay]:
    """Holidays and adjusted working days of a year, in date order."""
    return list(CalendarDay.objects.filter(day__year=year).order_by("day"))


def dealer_panel(*, user: Any, dealer: Any) -> dict[str, Any]:
    """The dealer page's service panel: the dealer's open requests, overdue ones marked."""
    requests = visible_requests(user).filter(dealer=dealer)
    open_requests = requests.filter(status__in=OPEN_STATUSES)
    return {
        "dealer": dealer,
        "requests": list(open_requests.select_related("function", "assignee")
                         .order_by("-created_at", "-id")[:PANEL_SHOWN]),
        "open_count": open_requests.count(),
        "overdue_count": open_requests.filter(overdue_q()).count(),
        "can_add": user.has_perm("service.add_request"),
    }


def unread_count(user: Any) -> int:
    """Unread service notifications of the user (for a count in the navigation)."""
    return ServiceNotification.objects.filter(user=user, read_at__isnull=True).count()


def notifications(*, user: Any) -> QuerySet[ServiceNotification]:
    """The user's notifications, unread first, then newest."""
    return (ServiceNotification.objects.filter(user=user)
            .select_related("request", "request__dealer", "request__function", "escalation")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id"))


# -- on-time report ---------------------------------------------------------------------------

@dataclass
class Counts:
    """Requests raised in a month and how their deadlines went. A deadline not yet passed
    counts neither way; one passed unmet counts as missed even while still open."""

    requests: int = 0
    response_on_time: int = 0
    response_late: int = 0
    resolution_on_time: int = 0
    resolution_late: int = 0
    rated: int = 0
    rating_sum: int = 0

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _share(good: int, bad: int) -> Decimal | None:
        if good + bad == 0:
            return None
        return (Decimal(good) / Decimal(good + bad)).quantize(Decimal("0.0001"))

    @property
    def response_share(self) -> Decimal | None:
        return self._share(self.response_on_time, self.response_late)

    @property
    def resolution_share(self) -> Decimal | None:
        return self._share(self.resolution_on_time, self.resolution_late)

    @property
    def rating(self) -> Decimal | None:
        if not self.rated:
            return None
        return (Decimal(self.rating_sum) / self.rated).quantize(Decimal("0.1"))


@dataclass
class ReportRow:
    label: str
    department: str
    function: ServiceFunction | None
    cells: list[Counts] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)


def _as_month(value: Any) -> datetime.date:
    """TruncMonth's answer as a date (a datetime in the current time zone, or a date)."""
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def on_time_report(*, user: Any, months: int = 6, today: datetime.date | None = None,
                   department: str = "") -> dict[str, Any]:
    """Share of first responses and of resolutions within their deadline, per department
    and function and per month raised (R-SR-05: where requests get stuck), over the last
    `months` months including the current one: one grouped query."""
    today = today or timezone.localdate()
    last = today.replace(day=1)
    first = add_months(last, -(max(1, months) - 1))
    month_list = [add_months(first, n) for n in range(max(1, months))]
    now = timezone.now()
    requests = visible_requests(user).filter(created_at__gte=month_moment(first),
                                             created_at__lt=month_moment(add_months(last, 1)))
    if department:
        requests = requests.filter(function__department=department)
    grouped = (requests.annotate(month=TruncMonth("created_at")).order_by()
               .values("month", "function_id")
               .annotate(
                   n=Count("id"),
                   response_on_time=Count("id", filter=Q(
                       first_response_at__lte=F("first_response_due"))),
                   response_late=Count("id", filter=Q(
                       first_response_at__gt=F("first_response_due")) | Q(
                       first_response_at__isnull=True, status__in=ACTIVE_STATUSES,
                       first_response_due__lt=now)),
                   resolution_on_time=Count("id", filter=Q(
                       resolved_at__lte=F("resolution_due"))),
                   resolution_late=Count("id", filter=Q(
                       resolved_at__gt=F("resolution_due")) | Q(
                       resolved_at__isnull=True, status__in=ACTIVE_STATUSES,
                       resolution_due__lt=now)),
                   rated=Count("id", filter=Q(rating__isnull=False)),
                   rating_sum=Sum("rating", default=0)))
    functions = {f.pk: f for f in ServiceFunction.objects.all()}
    index = {month: n for n, month in enumerate(month_list)}
    by_function: dict[int, ReportRow] = {}
    for row in grouped:
        month = _as_month(row["month"])
        function = functions[row["function_id"]]
        report_row = by_function.get(function.pk)
        if report_row is None:
            report_row = by_function[function.pk] = ReportRow(
                label=function.display_name, department=function.department_display,
                function=function, cells=[Counts() for _m in month_list])
        counts = Counts(requests=row["n"], response_on_time=row["response_on_time"],
                        response_late=row["response_late"],
                        resolution_on_time=row["resolution_on_time"],
                        resolution_late=row["resolution_late"], rated=row["rated"],
                        rating_sum=row["rating_sum"] or 0)
        report_row.cells[index[month]].add(counts)
        report_row.total.add(counts)
    departments: dict[str, ReportRow] = {}
    ordered = sorted(by_function.values(),
                     key=lambda r: (r.department, r.function.sort_order, r.function.code))
    for report_row in ordered:
        dept = departments.get(report_row.department)
        if dept is None:
            dept = departments[report_row.department] = ReportRow(
                label=report_row.department, department=report_row.department,
                function=None, cells=[Counts() for _m in month_list])
        for n, cell in enumerate(report_row.cells):
            dept.cells[n].add(cell)
        dept.total.add(report_row.total)
    total = ReportRow(label="", department="", function=None,
                      cells=[Counts() for _m in month_list])
    for dept in departments.values():
        for n, cell in enumerate(dept.cells):
            total.cells[n].add(cell)
        total.total.add(dept.total)
    groups = [{"department": dept,
               "functions": [r for r in ordered if r.department == name]}
              for name, dept in departments.items()]
    return {"months": month_list, "groups": groups, "total": total,
            "departments": sorted({(f.department, f.department_display)
                                   for f in functions.values()}, key=lambda d: d[1])}
