"""Recruitment pages of candidates: the list (pick candidates to compare), a candidate's
profile, scores per evaluator, scoring form and decision; the comparison; criteria sets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qudao.core.excel import export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.core.views import list_render
from qudao.recruitment import excel, queries, services
from qudao.recruitment.choices import DECIDABLE, LeadStatus
from qudao.recruitment.filters import CandidateFilter
from qudao.recruitment.forms import (
    CandidateForm,
    CopyForm,
    CriteriaSetForm,
    DecisionForm,
    ScoreForm,
    criteria_rows,
)
from qudao.recruitment.models import Candidate, CriteriaSet
from qudao.recruitment.views import NAV, _lead, _staff, form_errors

EXPORT_LIMIT = 100_000
EXTRA_ROWS = 3  # empty criteria rows on the set form


def _candidate(request, pk: int) -> Candidate:
    try:
        return queries.candidate_get(user=request.user, pk=pk)
    except Candidate.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def candidate_list(request):
    """Candidates with their weighted totals; tick some to compare them."""
    _staff(request)
    page = paginate(request, queries.candidate_list(user=request.user, filters=request.GET))
    cards = queries.scorecards(list(page.object_list))
    context = {
        "page": page, "rows": [(c, cards[c.pk]) for c in page.object_list],
        "filter_form": CandidateFilter(request.GET or None,
                                       queryset=Candidate.objects.none()).form,
        "regions": queries.region_choices(request.user), "active_nav": NAV,
    }
    return list_render(request, context, template="recruitment/candidate_list.html",
                       partial="recruitment/_candidate_results.html")


@login_required
@permission_required("recruitment.export_lead", raise_exception=True)
def candidate_export(request):
    _staff(request)
    candidates = list(queries.candidate_list(user=request.user,
                                             filters=request.GET)[:EXPORT_LIMIT])
    cards = queries.scorecards(candidates)
    return export_response(filename="candidates", columns=excel.CANDIDATE_COLUMNS,
                           rows=(excel.candidate_row(c, cards[c.pk]) for c in candidates))


@login_required
@permission_required("recruitment.add_lead", raise_exception=True)
def candidate_add(request, lead_pk: int):
    """Make a qualified lead a candidate, with its profile."""
    lead = _lead(request, lead_pk)
    if lead.status != LeadStatus.QUALIFIED:
        messages.error(request, _("Only a qualified lead becomes a candidate."))
        return redirect("recruitment:lead_detail", pk=lead.pk)
    form = CandidateForm(request.POST or None, initial={"name": lead.company})
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_create(
                actor=request.user, lead=lead, values=form.service_values(),
                criteria_set=form.cleaned_data.get("criteria_set"))
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Candidate created: score it now."))
            return redirect("recruitment:candidate_detail", pk=candidate.pk)
    return render(request, "recruitment/form.html", {
        "form": form, "title": _("New candidate from %(lead)s") % {"lead": lead},
        "back": reverse("recruitment:lead_detail", args=[lead.pk]), "active_nav": NAV})


@login_required
@permission_required("recruitment.add_lead", raise_exception=True)
def candidate_edit(request, pk: int):
    candidate = _candidate(request, pk)
    initial = {name: getattr(candidate, name) for name in services.PROFILE_FIELDS}
    initial["criteria_set"] = candidate.criteria_set_id
    form = CandidateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_update(actor=request.user, candidate=candidate,
                                      values=form.service_values(),
                                      criteria_set=form.cleaned_data.get("criteria_set"))
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Candidate saved."))
            return redirect("recruitment:candidate_detail", pk=candidate.pk)
    return render(request, "recruitment/form.html", {
        "form": form, "title": _("Change candidate %(c)s") % {"c": candidate},
        "back": reverse("recruitment:candidate_detail", args=[candidate.pk]),
        "active_nav": NAV})


@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def candidate_detail(request, pk: int, score_form=None, decision_form=None):
    """A candidate: profile and fit, the scorecard (weight, score, weighted), every
    evaluator's scores, the user's scoring form, the decision (with confirmation)."""
    candidate = _candidate(request, pk)
    user = request.user
    detail = queries.candidate_scores(candidate=candidate)
    criteria = [line for line in detail["card"].lines]
    open_ = candidate.status in DECIDABLE
    if score_form is None:
        score_form = ScoreForm(criteria=list(candidate.criteria_set.criteria.all()),
                               initial_scores=queries.my_scores(candidate=candidate,
                                                                user=user))
    context = {
        "candidate": candidate, "lead": candidate.lead, **detail, "criteria": criteria,
        "score_form": score_form, "decision_form": decision_form or DecisionForm(),
        "can_score": open_ and user.has_perm("recruitment.score_candidate"),
        "can_decide": open_ and user.has_perm("recruitment.decide_candidate"),
        "can_edit": open_ and user.has_perm("recruitment.add_lead"),
        "history": queries.history(target=candidate)[:20], "active_nav": NAV,
    }
    return render(request, "recruitment/candidate_detail.html", context)


@login_required
@require_POST
@permission_required("recruitment.score_candidate", raise_exception=True)
def candidate_score(request, pk: int):
    candidate = _candidate(request, pk)
    form = ScoreForm(request.POST, criteria=list(candidate.criteria_set.criteria.all()),
                     initial_scores={})
    if form.is_valid():
        try:
            services.score_submit(actor=request.user, candidate=candidate,
                                  scores=form.scores())
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("recruitment:candidate_detail", pk=candidate.pk)
    return candidate_detail(request, pk, score_form=form)


@login_required
@require_POST
@permission_required("recruitment.decide_candidate", raise_exception=True)
def candidate_decide(request, pk: int):
    candidate = _candidate(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            candidate = services.candidate_decide(
                actor=request.user, candidate=candidate,
                decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded: %(status)s.") % {
                "status": candidate.get_status_display()})
            return redirect("recruitment:candidate_detail", pk=candidate.pk)
    return candidate_detail(request, pk, decision_form=form)


@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def compare(request):
    """Candidates side by side with the radar chart (R-RS-06); ?ids=1&ids=2 or ids=1,2."""
    _staff(request)
    ids = []
    for value in request.GET.getlist("ids"):
        ids.extend(int(part) for part in value.split(",") if part.strip().isdigit())
    try:
        data = queries.comparison(user=request.user, ids=ids)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("recruitment:candidate_list")
    return render(request, "recruitment/compare.html", {
        **data, "can_decide": request.user.has_perm("recruitment.decide_candidate"),
        "decision_form": DecisionForm(), "active_nav": NAV})


# -- criteria sets ------------------------------------------------------------------------

@login_required
@permission_required("recruitment.view_lead", raise_exception=True)
def criteria_list(request):
    _staff(request)
    return render(request, "recruitment/criteria_list.html", {
        "sets": queries.criteria_sets(), "copy_form": CopyForm(), "active_nav": NAV})


@login_required
@permission_required("recruitment.change_criteria", raise_exception=True)
def criteria_form(request, pk: int | None = None):
    """Create or change a criteria set: its header and its weighted criteria."""
    criteria_set = None
    rows: list[dict] = []
    initial = {"is_active": True}
    if pk is not None:
        criteria_set = CriteriaSet.objects.filter(pk=pk).first()
        if criteria_set is None:
            raise Http404
        initial = {name: getattr(criteria_set, name) for name in
                   ("code", "name", "name_en", "description", "is_default", "is_active")}
        rows = [{"code": c.code, "name": c.name, "name_en": c.name_en, "weight": c.weight,
                 "guidance": c.guidance} for c in criteria_set.criteria.all()]
    form = CriteriaSetForm(request.POST or None, initial=initial)
    if request.method == "POST":
        count = int(request.POST.get("rows") or 0)
        rows = criteria_rows(request.POST, min(count, 30))
        if form.is_valid():
            try:
                saved = services.criteria_set_save(actor=request.user, values=form.cleaned_data,
                                                   criteria=rows, criteria_set=criteria_set)
            except DomainError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Criteria set saved."))
                return redirect(reverse("recruitment:criteria_list") + f"#set-{saved.pk}")
    rows = rows + [{} for _n in range(EXTRA_ROWS)]
    return render(request, "recruitment/criteria_form.html", {
        "form": form, "rows": rows, "criteria_set": criteria_set,
        "in_use": criteria_set is not None and queries.criteria_set_in_use(criteria_set),
        "active_nav": NAV})


@login_required
@require_POST
@permission_required("recruitment.change_criteria", raise_exception=True)
def criteria_copy(request, pk: int):
    criteria_set = CriteriaSet.objects.filter(pk=pk).first()
    if criteria_set is None:
        raise Http404
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            copy = services.criteria_set_copy(actor=request.user, criteria_set=criteria_set,
                                              code=form.cleaned_data["code"],
                                              name=form.cleaned_data["name"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Copied: change the copy's criteria."))
            return redirect("recruitment:criteria_edit", pk=copy.pk)
    else:
        messages.error(request, _("Give the copy a code and a name."))
    return redirect("recruitment:criteria_list")
