"""Report pages: a rep's weekly and monthly reports (write, submit, read the comments), the
list his manager and HQ read with its Excel export, and the quarterly review of a region."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qudao.core.excel import Column, export_response
from qudao.core.exceptions import DomainError, NotAllowed
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.visits import reports
from qudao.visits.forms import CommentForm
from qudao.visits.models import ReportKind, ReportStatus, RepReport

NAV = "reports"
EXPORT_LIMIT = 50_000


class ReportTextForm(forms.Form):
    """The rep's own account of the period."""

    summary = forms.CharField(label=gettext_lazy("Summary"), required=False,
                              max_length=reports.TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label=gettext_lazy("Problems and support needed"),
                               required=False, max_length=reports.TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 3}))
    next_plan = forms.CharField(label=gettext_lazy("Plan for the next period"),
                                required=False, max_length=reports.TEXT_MAX,
                                widget=forms.Textarea(attrs={"rows": 3}))


def _report(request, pk: int) -> RepReport:
    try:
        return reports.report_get(user=request.user, pk=pk)
    except RepReport.DoesNotExist:
        raise Http404 from None


# --- the list -------------------------------------------------------------------------

@login_required
@permission_required("visits.view_visit", raise_exception=True)
def report_list(request):
    """Reports the user may read (his own, his reps', or all for HQ), filtered; for a
    manager, who has submitted last week's and last month's report."""
    rows = reports.report_list(user=request.user, filters=request.GET)
    today = timezone.localdate()
    due = []
    for kind in (ReportKind.WEEK, ReportKind.MONTH):
        start = reports.periods_around(kind, reports.period_start_of(kind, today))[0]
        followed = reports.report_due(user=request.user, kind=kind, start=start)
        if followed:
            due.append({"kind": kind, "label": ReportKind(kind).label, "start": start,
                        "period": reports.period_label(kind, start), "rows": followed,
                        "missing": [r["rep"] for r in followed if r["report"] is None]})
    context = {
        "page": paginate(request, rows), "query": query_without_page(request),
        "kinds": ReportKind.choices, "statuses": ReportStatus.choices,
        "reps": reports.report_reps(user=request.user),
        "regions": reports.review_regions(user=request.user), "due": due,
        "this_week": reports.period_label(ReportKind.WEEK, today),
        "this_month": reports.period_label(ReportKind.MONTH, today),
        "active_nav": NAV,
    }
    return list_render(request, context, template="visits/reports/report_list.html",
                       partial="visits/reports/_report_results.html")


REPORT_COLUMNS = [
    Column("rep", gettext_lazy("Sales rep")),
    Column("kind", gettext_lazy("Report")),
    Column("period", gettext_lazy("Period")),
    Column("period_start", gettext_lazy("From"), kind="date"),
    Column("period_end", gettext_lazy("To"), kind="date"),
    Column("status", gettext_lazy("Status")),
    Column("submitted_at", gettext_lazy("Submitted at")),
    Column("figures_as_of", gettext_lazy("Figures as of"), kind="date"),
    Column("calls_out", gettext_lazy("Calls to dealers"), kind="int"),
    Column("calls_in", gettext_lazy("Calls from dealers"), kind="int"),
    Column("visits", gettext_lazy("Visits"), kind="int"),
    Column("messages", gettext_lazy("Online messages"), kind="int"),
    Column("dealers_contacted", gettext_lazy("Dealers contacted"), kind="int"),
    Column("dealers", gettext_lazy("Active dealers"), kind="int"),
    Column("overdue_dealers", gettext_lazy("Dealers overdue for contact"), kind="int"),
    Column("requests_raised", gettext_lazy("Requests raised by his dealers"), kind="int"),
    Column("requests_handled", gettext_lazy("Requests he resolved"), kind="int"),
    Column("requests_on_time", gettext_lazy("Resolved on time"), kind="int"),
    Column("orders", gettext_lazy("Orders"), kind="int"),
    Column("order_amount", gettext_lazy("Order amount"), kind="decimal"),
    Column("dealers_ordering", gettext_lazy("Dealers that ordered"), kind="int"),
    Column("alerts_raised", gettext_lazy("Alerts raised"), kind="int"),
    Column("alerts_acknowledged", gettext_lazy("Alerts acknowledged"), kind="int"),
    Column("alerts_closed", gettext_lazy("Alerts closed"), kind="int"),
    Column("alerts_open", gettext_lazy("Alerts open at the end"), kind="int"),
    Column("summary", gettext_lazy("Summary")),
    Column("problems", gettext_lazy("Problems and support needed")),
    Column("next_plan", gettext_lazy("Plan for the next period")),
    Column("comments", gettext_lazy("Comments"), kind="int"),
]


def _report_row(report: RepReport) -> list[Any]:
    return [str(report.rep), report.get_kind_display(),
            reports.period_label(report.kind, report.period_start), report.period_start,
            report.period_end, report.get_status_display(), report.submitted_at,
            report.figures_as_of, *[getattr(report, key) for key in reports.FIGURES],
            report.summary, report.problems, report.next_plan, report.comment_count]


@login_required
@permission_required("visits.export_visit", raise_exception=True)
def report_export(request):
    """The listed reports as Excel, with the page's filters (a draft's figures as last
    saved)."""
    rows = reports.report_list(user=request.user, filters=request.GET)[:EXPORT_LIMIT]
    return export_response(filename="rep-reports", columns=REPORT_COLUMNS,
                           rows=(_report_row(r) for r in rows.iterator(chunk_size=2000)))


# --- one report -----------------------------------------------------------------------

@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def report_new(request):
    """Open the user's report of a period (this week or month unless another is named):
    the draft he already has, or a new one assembled from his records."""
    kind = request.POST.get("kind", "")
    if kind not in ReportKind.values:
        messages.error(request, _("Choose a weekly or a monthly report."))
        return redirect("visits:report_list")
    try:
        start = reports.period_parse_of(kind, request.POST.get("period", ""))
        report = reports.report_create(actor=request.user, kind=kind, period_start=start)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("visits:report_list")
    except reports.ReportExists as exc:
        return redirect("visits:report_detail", pk=exc.report_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("visits:report_list")
    return redirect("visits:report_detail", pk=report.pk)


def _detail_context(request, report: RepReport, form: ReportTextForm | None = None
                    ) -> dict[str, Any]:
    own = report.rep_id == request.user.pk
    can_log = request.user.has_perm("visits.add_visit")
    editable = own and report.is_draft and can_log
    if form is None and editable:
        form = ReportTextForm(initial={key: getattr(report, key) for key in reports.TEXTS})
    since = report.period_start.isoformat()
    until = report.figures_as_of.isoformat()
    return {
        "report": report, "own": own, "editable": editable, "form": form,
        "period": reports.period_label(report.kind, report.period_start),
        "comments": reports.report_comments(report=report),
        "can_comment": can_log and not report.is_draft,
        "comment_form": CommentForm(),
        "activities": reports.report_activities(user=request.user, report=report),
        "activities_shown": reports.ACTIVITIES_SHOWN,
        "contacts_url": reverse("visits:contact_list") + "?" + urlencode(
            {"staff": report.rep_id, "date_from": since, "date_to": until}),
        "overdue_url": reverse("visits:overdue_list") + "?" + urlencode(
            {"rep": report.rep_id, "as_of": until}),
        "active_nav": NAV,
    }


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def report_detail(request, pk: int):
    """A report: its figures (as they stand, for a draft), the rep's text (a form while
    it is his draft), what it was written from, and the comments."""
    report = _report(request, pk)
    return render(request, "visits/reports/report_detail.html",
                  _detail_context(request, report))


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def report_edit(request, pk: int):
    """Save the rep's draft; with `submit`, send it to his manager as well."""
    report = _report(request, pk)
    if report.rep_id != request.user.pk:
        raise Http404
    form = ReportTextForm(request.POST)
    if form.is_valid():
        try:
            report = reports.report_update(actor=request.user, report=report,
                                           **form.cleaned_data)
            if "submit" in request.POST:
                reports.report_submit(actor=request.user, report=report)
        except reports.ReportInvalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Report submitted.") if "submit" in request.POST
                             else _("Saved."))
            return redirect("visits:report_detail", pk=report.pk)
    report = _report(request, pk)
    return render(request, "visits/reports/report_detail.html",
                  _detail_context(request, report, form))


@login_required
@require_POST
@permission_required("visits.add_visit", raise_exception=True)
def report_comment(request, pk: int):
    report = _report(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            reports.report_comment_add(actor=request.user, report=report,
                                       text=form.cleaned_data["text"])
        except (reports.ReportInvalid, NotAllowed) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("Write the comment."))
    return redirect("visits:report_detail", pk=report.pk)


# --- the quarterly review -------------------------------------------------------------

def _review(request) -> dict[str, Any]:
    regions = reports.review_regions(user=request.user)
    if not regions:
        raise Http404
    chosen = request.GET.get("region", "")
    region = next((t for t in regions if str(t.pk) == chosen), regions[0])
    try:
        quarter = reports.quarter_parse(request.GET.get("quarter"))
    except ValueError:
        quarter = reports.quarter_start_of(timezone.localdate())
    review = reports.quarterly_review(user=request.user, region=region, quarter=quarter)
    return {"review": review, "regions": regions}


@login_required
@permission_required("visits.view_visit", raise_exception=True)
def quarterly_review(request):
    """A region's (大区 or province) quarter per rep and in total: contacts and
    compliance, service requests on time, orders against target, alerts, reports."""
    context = _review(request)
    review = context["review"]
    context.update({
        "previous_label": reports.quarter_label(review["previous"]),
        "following_label": reports.quarter_label(review["following"]),
        "show_following": review["following"] <= timezone.localdate(),
        "query": query_without_page(request), "active_nav": NAV,
    })
    return render(request, "visits/reports/quarterly.html", context)


REVIEW_COLUMNS = [
    Column("rep", gettext_lazy("Sales rep")),
    Column("dealers", gettext_lazy("Active dealers"), kind="int"),
    Column("call_share", gettext_lazy("Call compliance"), kind="decimal"),
    Column("visit_share", gettext_lazy("Visit compliance"), kind="decimal"),
    Column("single_share", gettext_lazy("First-order-only share"), kind="decimal"),
    Column("calls_out", gettext_lazy("Calls to dealers"), kind="int"),
    Column("calls_in", gettext_lazy("Calls from dealers"), kind="int"),
    Column("visits", gettext_lazy("Visits"), kind="int"),
    Column("order_amount", gettext_lazy("Order amount"), kind="decimal"),
    Column("target_amount", gettext_lazy("Target"), kind="decimal"),
    Column("attainment", gettext_lazy("Attainment"), kind="decimal"),
    Column("previous_amount", gettext_lazy("Order amount, quarter before"), kind="decimal"),
    Column("growth", gettext_lazy("Growth"), kind="decimal"),
    Column("dealers_ordering", gettext_lazy("Dealers that ordered"), kind="int"),
    Column("complaints", gettext_lazy("Complaints"), kind="int"),
    Column("requests", gettext_lazy("Service requests"), kind="int"),
    Column("response_share", gettext_lazy("First responses on time"), kind="decimal"),
    Column("resolution_share", gettext_lazy("Resolutions on time"), kind="decimal"),
    Column("alerts_raised", gettext_lazy("Alerts raised"), kind="int"),
    Column("alerts_closed", gettext_lazy("Alerts closed"), kind="int"),
    Column("alerts_open", gettext_lazy("Alerts open at the end"), kind="int"),
    Column("weekly_reports", gettext_lazy("Weekly reports"), kind="int"),
    Column("monthly_reports", gettext_lazy("Monthly reports"), kind="int"),
]


def _ratio(share: Any) -> float | None:
    # A share is a ratio, not money: a number Excel can format as a percentage.
    return None if share is None else float(share)


def _review_row(row: reports.ReviewRow, label: str) -> list[Any]:
    checked = row.compliance or {}
    return [label, checked.get("dealers", 0), _ratio(checked.get("call_share")),
            _ratio(checked.get("visit_share")), _ratio(checked.get("single_share")),
            row.calls_out, row.calls_in, row.visits, row.order_amount, row.target_amount,
            _ratio(row.attainment), row.previous_amount, _ratio(row.growth),
            row.dealers_ordering, row.complaints, row.requests.requests,
            _ratio(row.requests.response_share), _ratio(row.requests.resolution_share),
            row.alerts_raised, row.alerts_closed, row.alerts_open, row.weekly_reports,
            row.monthly_reports]


@login_required
@permission_required("visits.export_visit", raise_exception=True)
def quarterly_export(request):
    review = _review(request)["review"]
    rows = [_review_row(row, row.label or _("No rep assigned")) for row in review["rows"]]
    rows.append(_review_row(review["total"], _("Total")))
    name = f"quarterly-review-{review['label']}-{review['region'].code}"
    return export_response(filename=name, columns=REVIEW_COLUMNS, rows=rows)
