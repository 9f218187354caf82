"""Pages: the channel performance report with its indicators and export, the reps' KPI
ranking and one rep's KPI with its formulas, the KPI weights (HQ), and the dealer portal's
"Rate my sales rep"."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.accounts.models import User
from qudao.core.excel import Column, export_response
from qudao.core.exceptions import DomainError
from qudao.performance import excel, kpi, queries, report, scope, services
from qudao.performance.forms import IndicatorForm, RatingForm, WeightsForm
from qudao.performance.periods import Period, period_choices, period_default, period_parse

NAV = "performance"


def _form_errors(form: Any, exc: DomainError) -> None:
    errors = getattr(exc, "errors", None) or {}
    if not errors:
        form.add_error(None, exc.message)
    for name, why in errors.items():
        form.add_error(name if name in form.fields else None, why)


def _selection(request: HttpRequest) -> tuple[Any, Period]:
    """The region and period asked for: a region outside the user's answers 404, a bad
    period falls back to the default with a message."""
    region = scope.region_get(request.user, request.GET.get("region"))
    try:
        period = period_parse(request.GET.get("period"))
    except ValueError as exc:
        messages.warning(request, str(exc))
        period = period_default()
    return region, period


def _selectors(request: HttpRequest, region: Any, period: Period) -> dict[str, Any]:
    return {"regions": scope.region_choices(request.user),
            "company": scope.may_see_company(request.user), "region": region,
            "region_label": scope.region_label(region), "period": period,
            "periods": period_choices(), "active_nav": NAV,
            "query": urlencode({"region": region.pk if region else "",
                                "period": period.code})}


# -- the report -------------------------------------------------------------------------

@login_required
@permission_required("performance.view_performance", raise_exception=True)
def channel_report(request):
    """The four aspects of a region's channel in a period, with charts (R-EV-01..12)."""
    region, period = _selection(request)
    data = report.channel_report(user=request.user, region=region, period=period)
    indicator = data["operations"]["indicator"]
    form = None
    if request.user.has_perm("performance.add_indicator") and (
            region is not None or scope.may_see_company(request.user)):
        form = IndicatorForm(initial={
            "relationship": indicator.relationship, "satisfaction": indicator.satisfaction,
            "atmosphere": indicator.atmosphere, "note": indicator.note} if indicator else None)
    chart = dict(data["economics"]["trend"])
    context = {**_selectors(request, region, period), "report": data, "indicator_form": form,
               "org": data["organization"], "ops": data["operations"],
               "svc": data["service"], "econ": data["economics"], "chart": chart}
    return render(request, "performance/report.html", context)


@login_required
@permission_required("performance.export_performance", raise_exception=True)
def report_export(request):
    region, period = _selection(request)
    data = report.channel_report(user=request.user, region=region, period=period)
    head = [[_("Region"), data["region_label"], "", ""], [_("Period"), period.label, "", ""]]
    return export_response(filename=f"channel-performance-{period.code}",
                           columns=excel.REPORT_COLUMNS,
                           rows=head + excel.report_rows(data))


@login_required
@permission_required("performance.add_indicator", raise_exception=True)
@require_POST
def indicator_save(request):
    """Record the non-quantitative indicators of the region and period on the report."""
    region = scope.region_get(request.user, request.POST.get("region"))
    try:
        period = period_parse(request.POST.get("period"))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("performance:report")
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_set(actor=request.user, territory=region,
                                   period_kind=period.kind, period_start=period.start,
                                   scores=form.cleaned_data, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Indicators recorded."))
    else:
        messages.error(request, _("Give each indicator a score from 1 to 5."))
    query = urlencode({"region": region.pk if region else "", "period": period.code})
    return redirect(f"{reverse('performance:report')}?{query}#indicators")


# -- the reps' KPI ------------------------------------------------------------------------

@login_required
@permission_required("performance.view_performance", raise_exception=True)
def kpi_list(request):
    """The reps of a region ranked by KPI total, with the poorly rated flagged and the
    staff output per city and channel level (R-SK-01..07)."""
    region, period = _selection(request)
    rows = kpi.kpi_rows(user=request.user, region=region, period=period)
    context = {**_selectors(request, region, period), "rows": rows,
               "items": rows[0]["items"] if rows else [],
               "flagged": [row for row in rows if row["flagged"]],
               "output": kpi.staff_output(user=request.user, region=region, period=period),
               "weights": kpi.current_weights()}
    return render(request, "performance/kpi_list.html", context)


@login_required
@permission_required("performance.export_performance", raise_exception=True)
def kpi_export(request):
    region, period = _selection(request)
    rows = kpi.kpi_rows(user=request.user, region=region, period=period)
    columns: list[Column] = excel.kpi_columns(rows)
    return export_response(filename=f"rep-kpi-{period.code}", columns=columns,
                           rows=[excel.kpi_row(row) for row in rows])


@login_required
def kpi_detail(request, pk: int):
    """One rep's KPI: each item's value, score, weight and formula, his dealers' rating
    (averages for the rep himself, each dealer's for his managers), trainings and
    agreements (R-SK-02, -06, -09). Managers see the reps of their regions; a rep sees
    his own."""
    user = request.user
    own = user.pk == pk
    if not own and not user.has_perm("performance.view_performance"):
        raise PermissionDenied
    try:
        period = period_parse(request.GET.get("period"))
    except ValueError as exc:
        messages.warning(request, str(exc))
        period = period_default()
    rep = get_object_or_404(User, pk=pk, role="sales_rep")
    if not own and not scope.region_reps(user, None).filter(pk=pk).exists():
        raise Http404
    rows = kpi.kpi_rows(user=user, region=None, period=period, rep_id=pk)
    if not rows:
        raise Http404
    row = rows[0]
    context = {"row": row, "rep": rep, "period": period, "periods": period_choices(),
               "own": own, "weights": kpi.current_weights(),
               "summary": queries.rating_summary(user=user, rep=rep, period=period),
               "details": queries.rating_details(user=user, rep=rep, period=period),
               "anonymous_min": queries.ANONYMOUS_MIN,
               "active_nav": NAV if not own else "home"}
    return render(request, "performance/kpi_detail.html", context)


@login_required
@permission_required("performance.change_kpi", raise_exception=True)
def weights(request):
    """HQ sets the weight of each KPI item; they must add up to 1.00 (audited)."""
    current = kpi.current_weights()
    form = WeightsForm(request.POST or None, initial_weights=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.weights_set(actor=request.user, values=form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The new KPI weights are in force."))
            return redirect("performance:weights")
    history = list(type(current).objects.select_related("created_by")[:10])
    context = {"form": form, "current": current, "history": history,
               "items": kpi.LABELS, "active_nav": NAV}
    return render(request, "performance/weights.html", context)


# -- the dealer portal --------------------------------------------------------------------

@login_required
@permission_required("performance.rate_rep", raise_exception=True)
def rate_rep(request):
    """The dealer's admin rates its sales rep for this quarter; rating again within the
    quarter updates the rating (R-SK-02)."""
    if not request.user.is_dealer_user:
        raise Http404
    mine = queries.my_rating(user=request.user)
    rating = mine["rating"]
    initial = ({"responsiveness": rating.responsiveness,
                "professionalism": rating.professionalism, "sales_help": rating.sales_help,
                "comment": rating.comment} if rating else None)
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(actor=request.user, scores=form.cleaned_data,
                                   comment=form.cleaned_data["comment"])
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your rating of %(rep)s is saved.")
                             % {"rep": mine["rep"]})
            return redirect("performance:rate_rep")
    return render(request, "performance/rate_rep.html",
                  {**mine, "form": form, "active_nav": NAV})
