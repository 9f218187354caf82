"""Weekly and monthly reports (周报告 / 月报告) and the quarterly review (季度回顾).

A rep's report is assembled from his records of the period, one grouped query per source:
his calls and visits, his dealers' contact compliance at the period's end, the service
requests his dealers raised and those he resolved, his dealers' sales orders, and the
alerts assigned to him. He adds his own account (summary, problems, next period's plan)
and submits it, which freezes the figures; his manager comments.

"His dealers" are the dealers assigned to him by name (Dealer.assigned_rep), as on the
compliance report per rep. Weeks are ISO weeks, Monday to Sunday, in the business time
zone (REQUIREMENTS, interpretation 26).

The quarterly review puts the same sources per rep and in total for one region (大区 or
province), with orders against target from the dealer-month facts.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import django_filters
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qudao.alerts.models import Alert
from qudao.analytics.models import DealerMonth
from qudao.core.exceptions import DomainError, NotAllowed
from qudao.core.pagination import filters_copy
from qudao.dealers.choices import DealerStatus
from qudao.dealers.scoping import dealer_rows, visible_staff, visible_territories
from qudao.orders.choices import SALES_STATUSES
from qudao.orders.models import Order
from qudao.service.choices import ACTIVE_STATUSES
from qudao.service.models import ServiceRequest
from qudao.service.queries import Counts
from qudao.stock.periods import add_months, month_end, period_parse
from qudao.territories.models import AssignmentRole, Territory, TerritoryAssignment
from qudao.visits import compliance
from qudao.visits.choices import ContactKind
from qudao.visits.models import Contact, ReportComment, ReportKind, ReportStatus, RepReport
from qudao.visits.rules import limits

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
TEXT_MAX = 5000
COMMENT_MAX = 2000
ACTIVITIES_SHOWN = 50
# The figures a report carries, assembled from the rep's records and frozen at submit.
FIGURES = ["calls_out", "calls_in", "visits", "messages", "dealers_contacted", "dealers",
           "overdue_dealers", "requests_raised", "requests_handled", "requests_on_time",
           "orders", "order_amount", "dealers_ordering", "alerts_raised",
           "alerts_acknowledged", "alerts_closed", "alerts_open"]
TEXTS = ["summary", "problems", "next_plan"]


# --- errors ---------------------------------------------------------------------------

class ReportInvalid(DomainError):
    """A report or a comment breaks a rule (an unknown kind, a period not begun, an empty
    summary at submit, an empty comment); `errors` maps the field to why."""

    code = "report_invalid"

    def __init__(self, errors: dict[str, Any]) -> None:
        first = next(iter(errors.values()))
        super().__init__(str(first), errors=errors)
        self.errors = {key: str(value) for key, value in errors.items()}


class ReportExists(DomainError):
    """The rep already has a report for this period; `report_id` names it."""

    code = "report_exists"

    def __init__(self, report_id: int) -> None:
        super().__init__(_("You already have a report for this period."), report_id=report_id)
        self.report_id = report_id


class ReportClosed(DomainError):
    """The report was submitted: its text and figures are the record of the period."""

    code = "report_closed"


# --- periods --------------------------------------------------------------------------

def period_start_of(kind: str, day: datetime.date) -> datetime.date:
    """The first day of the week (Monday) or month that `day` falls in."""
    if kind == ReportKind.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end_of(kind: str, start: datetime.date) -> datetime.date:
    """The last day of the period starting on `start` (Sunday, or the month's last day)."""
    if kind == ReportKind.WEEK:
        return start + datetime.timedelta(days=6)
    return month_end(start)


def period_parse_of(kind: str, value: Any) -> datetime.date:
    """The start of the period named by `value`: an ISO week ("2026-W11") or a month
    ("2026-03"), or any day in it; today's period when empty. ValueError on a bad value."""
    if value in (None, ""):
        return period_start_of(kind, timezone.localdate())
    text = str(value).strip() if not isinstance(value, datetime.date) else ""
    if "-W" in text.upper():
        year, _sep, week = text.upper().partition("-W")
        try:
            day = datetime.date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a week (YYYY-Www).") % {"value": text}
                             ) from None
    else:
        day = period_parse(value)
    return period_start_of(kind, day)


def period_label(kind: str, start: datetime.date) -> str:
    """"2026-W11" for a week, "2026-03" for a month."""
    if kind == ReportKind.WEEK:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start:%Y-%m}"


def periods_around(kind: str, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The periods before and after (for the arrows of the list)."""
    if kind == ReportKind.WEEK:
        return start - datetime.timedelta(days=7), start + datetime.timedelta(days=7)
    return add_months(start, -1), add_months(start, 1)


def _moments(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime,
                                                                  datetime.datetime]:
    """From midnight of `first` to midnight after `last`, in the business time zone."""
    return compliance.day_start(first), compliance.day_start(last + datetime.timedelta(days=1))


def _within(field: str, since: datetime.datetime, until: datetime.datetime) -> Q:
    return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def _money(value: Any) -> Decimal:
    # SQLite returns a sum of whole yuan as an integer: normalise to cents.
    return Decimal(str(value or 0)).quantize(CENT, ROUND_HALF_UP)


# --- figures --------------------------------------------------------------------------

def report_figures(*, rep: Any, kind: str, start: datetime.date,
                   as_of: datetime.date | None = None) -> dict[str, Any]:
    """The figures of `rep`'s report for the period starting on `start`, counted up to
    the period's last day or `as_of` (default today), whichever is earlier.

    Five grouped queries, whatever the number of dealers and records:
    - calls and visits he logged, and the distinct dealers they reached;
    - his active dealers on that day and those overdue for a call or a visit (the
      compliance rules: a dealer is overdue when either clock has run out);
    - requests his dealers raised in the period; requests assigned to him and resolved in
      it, and of those the ones resolved by their deadline;
    - his dealers' sales orders (approved and after) placed in the period: count, amount
      and the dealers that ordered;
    - alerts assigned to him raised, acknowledged and closed in the period, and open at
      its end.
    """
    last = min(period_end_of(kind, start), as_of or timezone.localdate())
    since, until = _moments(start, last)
    figures: dict[str, Any] = {"figures_as_of": last}
    figures.update(Contact.objects.filter(staff=rep, happened_at__gte=since,
                                          happened_at__lt=until).aggregate(
        calls_out=Count("id", filter=Q(kind=ContactKind.CALL_OUT)),
        calls_in=Count("id", filter=Q(kind=ContactKind.CALL_IN)),
        visits=Count("id", filter=Q(kind=ContactKind.VISIT)),
        messages=Count("id", filter=Q(kind=ContactKind.MESSAGE)),
        dealers_contacted=Count("dealer", distinct=True)))
    rules = limits()
    call_cut = compliance.window_start(last, rules.call_days)
    visit_cut = compliance.window_start(last, rules.visit_days)
    clock = compliance.dealer_clock(user=rep, as_of=last, rules=rules,
                                    filters={"rep": rep.pk}).filter(status=DealerStatus.ACTIVE)
    figures.update(clock.aggregate(
        dealers=Count("pk"),
        overdue_dealers=Count("pk", filter=Q(call_ref__lt=call_cut)
                              | Q(visit_ref__lt=visit_cut))))
    raised = Q(dealer__assigned_rep=rep) & _within("created_at", since, until)
    handled = Q(assignee=rep) & _within("resolved_at", since, until)
    figures.update(ServiceRequest.objects.filter(raised | handled).aggregate(
        requests_raised=Count("id", filter=raised),
        requests_handled=Count("id", filter=handled),
        requests_on_time=Count("id", filter=handled & Q(resolved_at__lte=F("resolution_due")))))
    orders = Order.objects.filter(dealer__assigned_rep=rep, status__in=SALES_STATUSES,
                                  ordered_on__gte=start, ordered_on__lte=last).aggregate(
        orders=Count("id"), order_amount=Sum("total_amount"),
        dealers_ordering=Count("dealer", distinct=True))
    orders["order_amount"] = _money(orders["order_amount"])
    figures.update(orders)
    figures.update(Alert.objects.filter(assigned_to=rep, created_at__lt=until).aggregate(
        alerts_raised=Count("id", filter=Q(created_at__gte=since)),
        alerts_acknowledged=Count("id", filter=_within("acknowledged_at", since, until)),
        alerts_closed=Count("id", filter=_within("closed_at", since, until)),
        alerts_open=Count("id", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=until))))
    return figures


def _assemble(report: RepReport, as_of: datetime.date | None = None) -> None:
    for key, value in report_figures(rep=report.rep, kind=report.kind,
                                     start=report.period_start, as_of=as_of).items():
        setattr(report, key, value)
    report.figures_at = timezone.now()


# --- writes ---------------------------------------------------------------------------

def _require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm) or actor.is_dealer_user:
        raise NotAllowed(_("Your role may not do this."))


def _own(actor: Any, report: RepReport) -> None:
    if report.rep_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the rep who writes the report may change it."))


def _open(report: RepReport) -> None:
    if not report.is_draft:
        raise ReportClosed(_("The report was submitted: it can no longer be changed."))


@transaction.atomic
def report_create(*, actor: Any, kind: str, period_start: datetime.date) -> RepReport:
    """Start the actor's own weekly or monthly report for the period containing
    `period_start`, with its figures assembled from his records so far.

    A period is reported once it has begun (this week, this month, or an earlier one).
    Raises NotAllowed, ReportInvalid, or ReportExists naming the report already there.
    """
    _require(actor, "visits.add_visit")
    if kind not in ReportKind.values:
        raise ReportInvalid({"kind": _("Choose a weekly or a monthly report.")})
    start = period_start_of(kind, period_start)
    if start > timezone.localdate():
        raise ReportInvalid({"period": _("A report is written once its period has begun.")})
    existing = (RepReport.objects.filter(rep=actor, kind=kind, period_start=start)
                .values_list("pk", flat=True).first())
    if existing:
        raise ReportExists(existing)
    report = RepReport(rep=actor, kind=kind, period_start=start,
                       period_end=period_end_of(kind, start))
    _assemble(report)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two tabs started the same report at once: the other one won.
        existing = (RepReport.objects.filter(rep=actor, kind=kind, period_start=start)
                    .values_list("pk", flat=True).first())
        raise ReportExists(existing) from None
    return report


@transaction.atomic
def report_update(*, actor: Any, report: RepReport, summary: str | None = None,
                  problems: str | None = None, next_plan: str | None = None) -> RepReport:
    """Change the text of the actor's own draft (what is None stays) and bring its
    figures up to date. Raises NotAllowed or ReportClosed."""
    _require(actor, "visits.add_visit")
    report = RepReport.objects.select_for_update().select_related("rep").get(pk=report.pk)
    _own(actor, report)
    _open(report)
    for field, value in (("summary", summary), ("problems", problems),
                         ("next_plan", next_plan)):
        if value is not None:
            setattr(report, field, value.strip()[:TEXT_MAX])
    _assemble(report)
    report.save()
    return report


@transaction.atomic
def report_submit(*, actor: Any, report: RepReport) -> RepReport:
    """Submit the actor's own draft to his manager: the figures are assembled one last
    time and frozen, the text can no longer change.

    Raises NotAllowed, ReportClosed, or ReportInvalid when the summary is empty.
    """
    _require(actor, "visits.add_visit")
    # Lock the row: a second submit (another tab) waits and then finds it submitted.
    report = RepReport.objects.select_for_update().select_related("rep").get(pk=report.pk)
    _own(actor, report)
    _open(report)
    if not report.summary.strip():
        raise ReportInvalid({"summary": _("Write the summary before submitting.")})
    _assemble(report)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def report_comment_add(*, actor: Any, report: RepReport, text: str) -> ReportComment:
    """A comment on a submitted report the actor may read: his manager's remark (which
    marks the report commented) or the rep's answer.

    Raises NotAllowed (not his to read, or a role that does not log contacts) or
    ReportInvalid (a draft, or an empty comment).
    """
    _require(actor, "visits.add_visit")
    if not visible_reports(actor).filter(pk=report.pk).exists():
        raise NotAllowed(_("This report is not in your scope."))
    report = RepReport.objects.select_for_update().get(pk=report.pk)
    if report.is_draft:
        raise ReportInvalid({"text": _("The report has not been submitted yet.")})
    text = (text or "").strip()
    if not text:
        raise ReportInvalid({"text": _("Write the comment.")})
    comment = ReportComment.objects.create(report=report, author=actor,
                                           text=text[:COMMENT_MAX])
    if actor.pk != report.rep_id and report.status == ReportStatus.SUBMITTED:
        report.status = ReportStatus.COMMENTED
        report.commented_at = comment.created_at
        report.save(update_fields=["status", "commented_at", "updated_at"])
    return comment


# --- reads ----------------------------------------------------------------------------

def _staff_user(user: Any) -> bool:
    return (user is not None and user.is_authenticated and user.is_active
            and not user.is_dealer_user)


def visible_reports(user: Any) -> QuerySet[RepReport]:
    """Reports the user may read: all of his own; the submitted reports of the reps he
    manages (the territories they cover lie under his), or of everyone for company-wide
    roles. A draft is its rep's alone; dealer users see none."""
    reports = RepReport.objects.all()
    if not _staff_user(user):
        return reports.none()
    submitted = ~Q(status=ReportStatus.DRAFT)
    if user.sees_all_dealers:
        return reports.filter(Q(rep=user) | submitted)
    return reports.filter(Q(rep=user) | (submitted & Q(rep__in=visible_staff(user))))


class RepReportFilter(django_filters.FilterSet):
    """Filters of the report list, its export and the API."""

    kind = django_filters.ChoiceFilter(label=gettext_lazy("Report"),
                                       choices=ReportKind.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"),
                                         choices=ReportStatus.choices)
    rep = django_filters.NumberFilter(label=gettext_lazy("Sales rep"), field_name="rep_id")
    region = django_filters.NumberFilter(label=gettext_lazy("Region"), method="in_region")
    period_from = django_filters.CharFilter(label=gettext_lazy("From"), method="from_period")
    period_to = django_filters.CharFilter(label=gettext_lazy("To"), method="to_period")
    mine = django_filters.BooleanFilter(label=gettext_lazy("Mine only"), method="by_me")

    class Meta:
        model = RepReport
        fields = ["kind", "status", "rep", "region", "period_from", "period_to", "mine"]

    def __init__(self, *args: Any, request_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_user = request_user

    def in_region(self, queryset, name, value):
        """Reports of reps covering a territory at or below the node."""
        path = Territory.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        covers = TerritoryAssignment.objects.filter(user=OuterRef("rep_id"),
                                                    territory__path__startswith=path)
        return queryset.filter(Exists(covers))

    def from_period(self, queryset, name, value):
        try:
            return queryset.filter(period_end__gte=period_parse(value))
        except ValueError:
            return queryset.none()

    def to_period(self, queryset, name, value):
        try:
            day = period_parse(value)
        except ValueError:
            return queryset.none()
        if len(str(value).strip()) == 7:
            day = month_end(day)  # "to 2026-03" includes March
        return queryset.filter(period_start__lte=day)

    def by_me(self, queryset, name, value):
        if value and self.request_user is not None:
            return queryset.filter(rep=self.request_user)
        return queryset


def report_list(*, user: Any, filters: Any = None) -> QuerySet[RepReport]:
    """The reports the user may read, newest period first, with the rep and the number
    of comments (counted for the rows of the page only)."""
    reports = visible_reports(user).select_related("rep")
    reports = RepReportFilter(filters_copy(filters), queryset=reports,
                              request_user=user).qs
    comments = (ReportComment.objects.filter(report=OuterRef("pk")).order_by()
                .values("report").annotate(n=Count("id")).values("n"))
    return reports.annotate(
        comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), Value(0)),
    ).order_by("-period_start", "kind", "rep__full_name", "-id")


def report_get(*, user: Any, pk: int) -> RepReport:
    """One report the user may read (RepReport.DoesNotExist otherwise). A draft shows
    its figures as they stand now, not as last saved."""
    report = visible_reports(user).select_related("rep").get(pk=pk)
    if report.is_draft:
        _assemble(report)
    return report


def report_comments(*, report: RepReport) -> list[ReportComment]:
    return list(report.comments.select_related("author").order_by("created_at", "id"))


def report_activities(*, user: Any, report: RepReport) -> list[Contact]:
    """The rep's calls and visits of the period the reader may see, oldest first (the
    first ACTIVITIES_SHOWN): what the report was written from."""
    from qudao.visits.queries import visible_contacts

    since, until = _moments(report.period_start, report.period_end)
    return list(visible_contacts(user).filter(staff_id=report.rep_id, happened_at__gte=since,
                                              happened_at__lt=until)
                .select_related("dealer").order_by("happened_at", "id")[:ACTIVITIES_SHOWN])


def report_reps(*, user: Any) -> list[Any]:
    """The reps whose reports the user follows (not himself), by name."""
    if not _staff_user(user):
        return []
    return list(visible_staff(user).exclude(pk=user.pk).order_by("full_name", "username"))


def report_due(*, user: Any, kind: str, start: datetime.date) -> list[dict[str, Any]]:
    """Each rep the user follows with his report of one period (None when he has not
    started it; a draft shows as not submitted). Two queries."""
    reps = report_reps(user=user)
    reports = {r.rep_id: r for r in RepReport.objects.filter(
        kind=kind, period_start=start, rep_id__in=[rep.pk for rep in reps])}
    rows = []
    for rep in reps:
        report = reports.get(rep.pk)
        shown = report if report is not None and not report.is_draft else None
        rows.append({"rep": rep, "report": shown})
    return rows


# --- the quarterly review -------------------------------------------------------------

def quarter_start_of(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_parse(value: Any) -> datetime.date:
    """The first day of the quarter named "2026-Q1" (or containing a day or month given);
    this quarter when empty. ValueError on a bad value."""
    if value in (None, ""):
        return quarter_start_of(timezone.localdate())
    text = str(value).strip().upper()
    if "Q" in text:
        year, _sep, number = text.replace("-", "").partition("Q")
        if not (year.isdigit() and number in ("1", "2", "3", "4")):
            raise ValueError(_("“%(value)s” is not a quarter (YYYY-Qn).") % {"value": value})
        return datetime.date(int(year), (int(number) - 1) * 3 + 1, 1)
    return quarter_start_of(period_parse(value))


def quarter_label(start: datetime.date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def review_regions(*, user: Any) -> list[Territory]:
    """The regions (大区, depth 1) and provinces (depth 2) the user may review."""
    if not _staff_user(user):
        return []
    return list(visible_territories(user).filter(depth__lte=2).order_by("path"))


@dataclass
class ReviewRow:
    """One rep's quarter (or the region's total, rep None)."""

    rep: Any = None
    rep_id: int | None = None
    label: str = ""
    compliance: dict[str, Any] | None = None
    calls_out: int = 0
    calls_in: int = 0
    visits: int = 0
    complaints: int = 0
    fact_requests: int = 0
    order_amount: Decimal = Decimal("0.00")
    target_amount: Decimal = Decimal("0.00")
    previous_amount: Decimal = Decimal("0.00")
    dealers_ordering: int = 0
    requests: Counts | None = None
    alerts_raised: int = 0
    alerts_closed: int = 0
    alerts_open: int = 0
    weekly_reports: int = 0
    monthly_reports: int = 0

    def __post_init__(self) -> None:
        if self.requests is None:
            self.requests = Counts()

    @property
    def attainment(self) -> Decimal | None:
        """Orders against target (1 = on target); None without a target."""
        if not self.target_amount:
            return None
        return (self.order_amount / self.target_amount).quantize(SHARE, ROUND_HALF_UP)

    @property
    def growth(self) -> Decimal | None:
        """Change of orders against the quarter before; None when that had none."""
        if not self.previous_amount:
            return None
        return ((self.order_amount - self.previous_amount) / self.previous_amount).quantize(
            SHARE, ROUND_HALF_UP)


def quarterly_review(*, user: Any, region: Territory,
                     quarter: datetime.date) -> dict[str, Any]:
    """One region's quarter per rep and in total, over the dealers the user sees there.

    - contacts, complaints, requests, orders and targets from the dealer-month facts
      (this quarter, and orders of the quarter before for the growth), per the dealers'
      rep; while the quarter runs, the target of the months not yet begun is left out;
    - contact compliance at the quarter's end (or today) from the compliance report;
    - service requests raised in the quarter by the region's dealers: first responses and
      resolutions on time or late, as the on-time report counts them;
    - alerts in the region (and alerts about its reps) assigned to each rep: raised and
      closed in the quarter, open at its end;
    - reports each rep submitted for periods starting in the quarter.

    One grouped query per source plus the names: the count does not grow with the rows.
    """
    start = quarter_start_of(quarter)
    end = month_end(add_months(start, 2))
    today = timezone.localdate()
    as_of = min(end, today)
    since, until = _moments(start, end)
    previous = add_months(start, -3)
    path = region.path
    rows: dict[int | None, ReviewRow] = {}

    def row(rep_id: int | None) -> ReviewRow:
        if rep_id not in rows:
            rows[rep_id] = ReviewRow(rep_id=rep_id)
        return rows[rep_id]

    region_reps = TerritoryAssignment.objects.filter(
        role=AssignmentRole.REP, territory__path__startswith=path).values("user_id")
    for rep_id in region_reps.order_by().distinct().values_list("user_id", flat=True):
        row(rep_id)

    facts = dealer_rows(DealerMonth.objects.filter(month__gte=previous,
                                                   month__lt=add_months(start, 3)), user)
    facts = facts.filter(dealer__territory__path__startswith=path)
    current = Q(month__gte=start)
    sums = {"calls_out": "calls_out", "calls_in": "calls_in", "visits": "visits",
            "complaints": "complaints", "fact_requests": "requests"}
    amounts = {"order_amount": ("order_amount", current),
               # In a quarter still running, only the months begun have their target.
               "target_amount": ("target_amount", current & Q(month__lte=as_of)),
               "previous_amount": ("order_amount", Q(month__lt=start))}
    grouped = facts.order_by().values("dealer__assigned_rep_id").annotate(
        **{f"sum_{key}": Sum(field, filter=current, default=0) for key, field in sums.items()},
        **{f"sum_{key}": Sum(field, filter=when) for key, (field, when) in amounts.items()},
        sum_dealers_ordering=Count("dealer", distinct=True,
                                   filter=current & Q(order_count__gt=0)))
    for values in grouped:
        target = row(values["dealer__assigned_rep_id"])
        for key in [*sums, "dealers_ordering"]:
            setattr(target, key, values[f"sum_{key}"] or 0)
        for key in amounts:
            setattr(target, key, _money(values[f"sum_{key}"]))

    checked = compliance.compliance(user=user, by="rep", as_of=as_of,
                                    filters={"region": region.pk})
    for values in checked["rows"]:
        row(values["key"]).compliance = values

    now = timezone.now()
    requests = dealer_rows(ServiceRequest.objects.filter(created_at__gte=since,
                                                         created_at__lt=until), user)
    requests = requests.filter(dealer__territory__path__startswith=path)
    for values in requests.order_by().values("dealer__assigned_rep_id").annotate(
            n=Count("id"),
            response_on_time=Count("id", filter=Q(
                first_response_at__lte=F("first_response_due"))),
            response_late=Count("id", filter=Q(first_response_at__gt=F("first_response_due"))
                                | Q(first_response_at__isnull=True,
                                    status__in=ACTIVE_STATUSES, first_response_due__lt=now)),
            resolution_on_time=Count("id", filter=Q(resolved_at__lte=F("resolution_due"))),
            resolution_late=Count("id", filter=Q(resolved_at__gt=F("resolution_due"))
                                  | Q(resolved_at__isnull=True, status__in=ACTIVE_STATUSES,
                                      resolution_due__lt=now)),
            rated=Count("id", filter=Q(rating__isnull=False)),
            rating_sum=Sum("rating", default=0)):
        row(values["dealer__assigned_rep_id"]).requests = Counts(
            requests=values["n"], response_on_time=values["response_on_time"],
            response_late=values["response_late"],
            resolution_on_time=values["resolution_on_time"],
            resolution_late=values["resolution_late"], rated=values["rated"],
            rating_sum=values["rating_sum"] or 0)

    from qudao.alerts.queries import visible_alerts

    alerts = visible_alerts(user).filter(
        Q(territory__path__startswith=path)
        | Q(territory__isnull=True, rep_id__in=region_reps)).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=since), created_at__lt=until)
    for values in alerts.order_by().values("assigned_to_id").annotate(
            raised=Count("id", filter=Q(created_at__gte=since)),
            closed=Count("id", filter=_within("closed_at", since, until)),
            still_open=Count("id", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=until))):
        if not (values["raised"] or values["closed"] or values["still_open"]):
            continue
        target = row(values["assigned_to_id"])
        target.alerts_raised, target.alerts_closed = values["raised"], values["closed"]
        target.alerts_open = values["still_open"]

    reps_known = [key for key in rows if key is not None]
    submitted = (RepReport.objects.filter(rep_id__in=reps_known, period_start__gte=start,
                                          period_start__lte=end)
                 .exclude(status=ReportStatus.DRAFT).order_by().values("rep_id")
                 .annotate(weeks=Count("id", filter=Q(kind=ReportKind.WEEK)),
                           months=Count("id", filter=Q(kind=ReportKind.MONTH))))
    for values in submitted:
        rows[values["rep_id"]].weekly_reports = values["weeks"]
        rows[values["rep_id"]].monthly_reports = values["months"]

    from qudao.accounts.models import User

    users = User.objects.in_bulk(reps_known)
    for key, item in rows.items():
        item.rep = users.get(key)
        item.label = str(item.rep) if item.rep else ""
    ordered = sorted(rows.values(), key=lambda r: (r.rep is None, r.label))
    total = ReviewRow(label=_("Total"), compliance=checked["total"])
    for item in ordered:
        for key in ("calls_out", "calls_in", "visits", "complaints", "fact_requests",
                    "order_amount", "target_amount", "previous_amount", "dealers_ordering",
                    "alerts_raised", "alerts_closed", "alerts_open", "weekly_reports",
                    "monthly_reports"):
            setattr(total, key, getattr(total, key) + getattr(item, key))
        total.requests.add(item.requests)
    return {"region": region, "quarter": start, "label": quarter_label(start),
            "start": start, "end": end, "as_of": as_of, "rows": ordered, "total": total,
            "limits": checked["limits"], "previous": add_months(start, -3),
            "following": add_months(start, 3), "is_complete": end < today}


# --- demo data ------------------------------------------------------------------------

DEMO_WEEKS = 4
DEMO_MONTHS = 2
DEMO_SUMMARIES = [
    "按计划完成回访，重点客户均已上门，主力规格库存正常。",
    "本期走访以催款和新品铺货为主，两家二批进货回升。",
    "完成月度对账，跟进了上期投诉的处理结果，客户满意。",
    "重点检查了终端陈列，部分门店堆头不到位，已要求整改。",
]
DEMO_PROBLEMS = [
    "个别经销商回款偏慢，需要财务协助对账。",
    "新品到货延迟，影响铺货进度。",
    "竞品在部分区域降价促销，需要市场部支持。",
    "",
]
DEMO_PLANS = [
    "继续跟进回款，上门拜访逾期未拜访的客户。",
    "推进新品进店，完成重点终端陈列检查。",
    "召集二批开订货会，落实季度返利政策。",
]
DEMO_COMMENTS = ["收到，回款问题本周内协调财务。", "陈列整改要拍照留档。", "做得不错，继续保持。",
                 "逾期未拜访的客户要排进下周行程。"]


def _manager_of(rep_id: int, paths: list[str],
                managers: list[tuple[str, int]]) -> int | None:
    """The manager of the deepest territory above (or at) one the rep covers."""
    above = [(len(path), user) for path, user in managers
             if user != rep_id and any(p.startswith(path) for p in paths)]
    return max(above)[1] if above else None


def demo_run(*, scale: str, rng: Any, ctx: dict[str, Any]) -> None:
    """Weekly and monthly reports of every rep with dealers, written through the services:
    the last DEMO_WEEKS weeks and DEMO_MONTHS months before this one, submitted (a few of
    the latest not written or left as drafts, so a manager sees who is missing), the older
    ones with a comment from the manager above the rep. Run after the calls and visits
    (visits.demo.run) and the service requests."""
    from qudao.accounts.models import User
    from qudao.dealers.models import Dealer

    today = timezone.localdate()
    managers = list(TerritoryAssignment.objects.filter(role=AssignmentRole.MANAGER)
                    .values_list("territory__path", "user_id"))
    with_dealers = (Dealer.objects.exclude(assigned_rep__isnull=True).order_by()
                    .values("assigned_rep_id").distinct())
    reps = list(User.objects.filter(pk__in=with_dealers, is_active=True).order_by("pk"))
    covered: dict[int, list[str]] = {}
    for user_id, path in TerritoryAssignment.objects.filter(
            user__in=reps).values_list("user_id", "territory__path"):
        covered.setdefault(user_id, []).append(path)
    users = User.objects.in_bulk({user for _path, user in managers})
    periods = [(ReportKind.WEEK, period_start_of(ReportKind.WEEK, today)
                - datetime.timedelta(days=7 * n)) for n in range(DEMO_WEEKS, 0, -1)]
    periods += [(ReportKind.MONTH, add_months(today.replace(day=1), -n))
                for n in range(DEMO_MONTHS, 0, -1)]
    for rep in reps:
        manager = users.get(_manager_of(rep.pk, covered.get(rep.pk, []), managers))
        if manager is not None and not manager.has_perm("visits.add_visit"):
            manager = None
        for kind, start in periods:
            latest = start == periods_around(kind, period_start_of(kind, today))[0]
            if latest and rng.random() < 0.2:
                continue  # not written yet
            report = report_create(actor=rep, kind=kind, period_start=start)
            report_update(actor=rep, report=report, summary=rng.choice(DEMO_SUMMARIES),
                          problems=rng.choice(DEMO_PROBLEMS), next_plan=rng.choice(DEMO_PLANS))
            if latest and rng.random() < 0.25:
                continue  # still a draft
            report_submit(actor=rep, report=report)
            if manager is not None and not latest:
                report_comment_add(actor=manager, report=report,
                                   text=rng.choice(DEMO_COMMENTS))
