"""Scorecard pages: the list of a period (filters, ranking, export, computing a period with
its progress, finalizing), a dealer's scorecard (formulas, hand scores, radar, trend, PDF)
and the weights."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate, query_without_page
from qudao.core.views import list_render
from qudao.dealers.choices import ChannelLevel, Grade
from qudao.dealers.scoping import visible_dealers
from qudao.evaluation import excel, queries, services
from qudao.evaluation.choices import DIMENSIONS, SHORT_LABELS, PeriodKind, ScorecardStatus
from qudao.evaluation.exceptions import ScorecardFrozen
from qudao.evaluation.forms import ComputeForm, HandScoreForm, WeightsForm
from qudao.evaluation.models import ComputeRun, Scorecard
from qudao.evaluation.periods import Period, last_complete, period_parse

NAV = "evaluation"
EXPORT_LIMIT = 100_000


def _period_from(value: str) -> Period | None:
    """A period from the `period` parameter (kind:YYYY-MM-DD); None when absent or bad."""
    kind, _sep, start = (value or "").partition(":")
    if kind not in PeriodKind.values:
        return None
    try:
        return period_parse(kind, start)
    except ValueError:
        return None


def _list_filters(request) -> tuple[Any, Period]:
    """The list's filters, with the period (the newest one by default) as kind and start."""
    filters = request.GET.copy()
    period = _period_from(filters.get("period", ""))
    if period is None and filters.get("kind") and filters.get("start"):
        try:
            period = period_parse(filters["kind"], filters["start"])
        except ValueError:
            period = None
    if period is None:
        period = queries.default_period(request.user)
    filters["kind"], filters["start"] = period.kind, period.start.isoformat()
    return filters, period


@login_required
@permission_required("evaluation.view_scorecard", raise_exception=True)
def scorecard_list(request):
    """A period's scorecards of the user's dealers, ranked; HTMX swaps the table."""
    filters, period = _list_filters(request)
    cards = queries.scorecard_list(user=request.user, filters=filters)
    periods = queries.periods_available(request.user)
    if period not in periods:
        periods.insert(0, period)
    context = {
        "page": paginate(request, cards), "query": query_without_page(request),
        "period": period, "periods": periods, "regions": queries.regions(),
        "levels": ChannelLevel.choices, "grades": Grade.choices,
        "statuses": ScorecardStatus.choices, "dimensions": DIMENSIONS,
        "short_labels": [SHORT_LABELS[d] for d in DIMENSIONS],
        "compute_form": ComputeForm(initial={"kind": PeriodKind.QUARTER,
                                             "day": last_complete(PeriodKind.QUARTER).start}),
        "drafts": cards.filter(status=ScorecardStatus.DRAFT).exists()
        if request.user.has_perm("evaluation.score_scorecard") else False,
        "active_nav": NAV,
    }
    return list_render(request, context, template="evaluation/scorecard_list.html",
                       partial="evaluation/_results.html")


@login_required
@permission_required("evaluation.export_scorecard", raise_exception=True)
def scorecard_export(request):
    """The period's scorecards as Excel, with the page's filters."""
    filters, period = _list_filters(request)
    cards = queries.scorecard_list(user=request.user, filters=filters)[:EXPORT_LIMIT]
    rows = (excel.scorecard_row(card) for card in cards.iterator(chunk_size=2000))
    return export_response(filename=f"scorecards-{period.label}", columns=excel.COLUMNS,
                           rows=rows)


@login_required
@permission_required("evaluation.score_scorecard", raise_exception=True)
@require_POST
def compute_start(request):
    """Compute a period for every dealer the user sees: a run whose page shows progress."""
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a period and a day in it."))
        return redirect("evaluation:scorecard_list")
    try:
        period = services.period_for(form.cleaned_data["kind"], form.cleaned_data["day"])
        run = services.run_start(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:scorecard_list")
    return redirect("evaluation:run_detail", pk=run.pk)


@login_required
@permission_required("evaluation.score_scorecard", raise_exception=True)
def run_detail(request, pk: int):
    """A computation: a progress bar while it runs (polled every second), then counts."""
    try:
        run = queries.run_get(user=request.user, pk=pk)
    except ComputeRun.DoesNotExist:
        raise Http404 from None
    template = "evaluation/_run_status.html" if request.htmx else "evaluation/run_detail.html"
    return render(request, template, {"run": run, "active_nav": NAV})


@login_required
@permission_required("evaluation.score_scorecard", raise_exception=True)
@require_POST
def period_finalize(request):
    """Make final every draft scorecard of the period of the user's dealers."""
    period = _period_from(request.POST.get("period", ""))
    if period is None:
        raise Http404
    count = services.period_finalize(actor=request.user, period=period,
                                     dealers=visible_dealers(request.user))
    messages.success(request, _("%(n)d scorecards of %(period)s are final.") % {
        "n": count, "period": period.label})
    return redirect(f"{reverse('evaluation:scorecard_list')}?{urlencode({'period': period.key})}")


def _dealer(request, pk: int) -> Any:
    return get_object_or_404(visible_dealers(request.user), pk=pk)


def _card(request, pk: int) -> Scorecard:
    try:
        return queries.scorecard_get(user=request.user, pk=pk)
    except Scorecard.DoesNotExist:
        raise Http404 from None


def _dealer_url(card: Scorecard) -> str:
    period = Period(card.period_kind, card.period_start)
    return (f"{reverse('evaluation:dealer_scorecard', args=[card.dealer_id])}?"
            f"{urlencode({'period': period.key})}")


def _scorecard_context(request, card: Scorecard) -> dict[str, Any]:
    return {"card": card, "rows": queries.line_rows(card), "radar": queries.radar(card),
            "trend": queries.trend(user=request.user, card=card),
            "period": Period(card.period_kind, card.period_start)}


def _dealer_page(request, dealer: Any, period: Period | None, *,
                 forms: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    card = queries.scorecard_for(user=request.user, dealer=dealer, period=period)
    if card is None and period is not None:
        raise Http404
    context: dict[str, Any] = {
        "dealer": dealer, "card": card, "active_nav": NAV, "forms": forms or {},
        "cards": queries.dealer_scorecards(user=request.user, dealer=dealer),
        "compute_form": ComputeForm(initial={"kind": PeriodKind.QUARTER,
                                             "day": last_complete(PeriodKind.QUARTER).start}),
    }
    if card is not None:
        context |= _scorecard_context(request, card)
        for row in context["rows"]:
            row["form"] = context["forms"].get(row["dimension"]) or HandScoreForm(initial={
                "dimension": row["dimension"], "score": row["line"].hand_score,
                "note": row["line"].hand_note})
    return render(request, "evaluation/dealer_scorecard.html", context, status=status)


@login_required
@permission_required("evaluation.view_scorecard", raise_exception=True)
def dealer_scorecard(request, pk: int):
    """A dealer's scorecard: the latest period by default, a period selector, each
    dimension with its score, weight and formula, hand scoring, radar and trend."""
    dealer = _dealer(request, pk)
    return _dealer_page(request, dealer, _period_from(request.GET.get("period", "")))


@login_required
@permission_required("evaluation.score_scorecard", raise_exception=True)
@require_POST
def hand_score(request, pk: int):
    """Score one dimension by hand (or clear it); errors show on the dimension's form."""
    card = _card(request, pk)
    form = HandScoreForm(request.POST)
    if card.is_final:
        messages.error(request, ScorecardFrozen.message_for(card))
        return redirect(_dealer_url(card))
    if form.is_valid():
        try:
            line = services.hand_score_set(
                actor=request.user, scorecard=card, dimension=form.cleaned_data["dimension"],
                score=form.cleaned_data["score"], note=form.cleaned_data["note"])
        except DomainError as exc:
            for field, message in (getattr(exc, "errors", None) or {"": exc.message}).items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("%(dimension)s scored: %(score)s.") % {
                "dimension": line.get_dimension_display(),
                "score": line.hand_score if line.hand_score is not None else "—"})
            return redirect(_dealer_url(card))
    return _dealer_page(request, card.dealer, Period(card.period_kind, card.period_start),
                        forms={request.POST.get("dimension", ""): form}, status=400)


@login_required
@permission_required("evaluation.score_scorecard", raise_exception=True)
@require_POST
def scorecard_finalize(request, pk: int):
    card = _card(request, pk)
    try:
        services.scorecard_finalize(actor=request.user, scorecard=card)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The scorecard is final."))
    return redirect(_dealer_url(card))


@login_required
@permission_required("evaluation.score_scorecard", raise_exception=True)
@require_POST
def dealer_compute(request, pk: int):
    """Compute (or recompute) one dealer's scorecard of a period; hand scores are kept."""
    dealer = _dealer(request, pk)
    period = _period_from(request.POST.get("period", ""))
    if period is None:
        form = ComputeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a period and a day in it."))
            return redirect("evaluation:dealer_scorecard", pk=dealer.pk)
        period = services.period_for(form.cleaned_data["kind"], form.cleaned_data["day"])
    try:
        run = services.run_start(actor=request.user, period=period, dealer=dealer)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:dealer_scorecard", pk=dealer.pk)
    run.refresh_from_db()
    if run.is_active:
        return redirect("evaluation:run_detail", pk=run.pk)
    messages.success(request, _("Scorecard computed."))
    url = reverse("evaluation:dealer_scorecard", args=[dealer.pk])
    return redirect(f"{url}?{urlencode({'period': period.key})}")


@login_required
@permission_required("evaluation.view_scorecard", raise_exception=True)
def scorecard_pdf(request, pk: int):
    """The scorecard as a printable PDF (WeasyPrint, CJK font embedded)."""
    from weasyprint import HTML

    card = _card(request, pk)
    html = render_to_string("evaluation/scorecard_print.html",
                            {**_scorecard_context(request, card),
                             "printed_at": timezone.localtime()}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"scorecard-{card.dealer.code}-{card.period_label}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@permission_required("evaluation.view_scorecard", raise_exception=True)
def weights(request):
    """Each channel level's weights; HQ and the director change them (must sum to 1.00)."""
    table = queries.weights_table()
    can_change = request.user.has_perm("evaluation.change_weights")
    forms_by_level = {row["level"]: WeightsForm(
        prefix=row["level"], initial_weights={d: w for d, _l, w in row["weights"]})
        for row in table} if can_change else {}
    if request.method == "POST":
        if not can_change:
            return HttpResponse(status=403)
        level = request.POST.get("level", "")
        if level not in forms_by_level:
            raise Http404
        form = WeightsForm(request.POST, prefix=level)
        forms_by_level[level] = form
        if form.is_valid():
            try:
                services.weights_set(actor=request.user, channel_level=level,
                                     weights=form.cleaned_data)
            except DomainError as exc:
                for field, message in (getattr(exc, "errors", None) or {}).items():
                    form.add_error(field if field in form.fields else None, message)
                if not getattr(exc, "errors", None):
                    form.add_error(None, exc.message)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Weights of %(level)s saved.") % {
                    "level": ChannelLevel(level).label})
                return redirect("evaluation:weights")
    for row in table:
        row["form"] = forms_by_level.get(row["level"])
    return render(request, "evaluation/weights.html",
                  {"table": table, "can_change": can_change, "active_nav": NAV,
                   "dimensions": DIMENSIONS},
                  status=400 if request.method == "POST" else 200)
