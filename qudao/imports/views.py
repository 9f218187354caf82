"""History import pages: the upload with the file format, the job list, the job page whose
progress bar polls until the job is done, and the error report as Excel."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qudao.core.excel import Column, export_response
from qudao.core.exceptions import DomainError
from qudao.core.pagination import paginate
from qudao.imports import formats, queries, services
from qudao.imports.choices import JobKind
from qudao.imports.forms import ImportJobForm


def _kinds(user) -> list[str]:
    kinds = [kind for kind in JobKind.values if services.may_import(user, kind)]
    if not kinds:
        raise PermissionDenied
    return kinds


@login_required
def job_list(request):
    """The user's import jobs (the HQ admin sees everyone's), newest first."""
    kinds = _kinds(request.user)
    page = paginate(request, queries.import_job_list(user=request.user))
    return render(request, "imports/job_list.html",
                  {"page": page, "kinds": kinds, "query": "", "active_nav": "imports"})


@login_required
def job_create(request):
    """Upload a file of historical orders or payments; the format is explained beside it."""
    kinds = _kinds(request.user)
    initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in kinds else kinds[0]}
    form = ImportJobForm(request.POST or None, request.FILES or None, kinds=kinds,
                         initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(user=request.user, kind=form.cleaned_data["kind"],
                                             upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("imports:job_detail", pk=job.pk)
    formats_shown = [(kind, JobKind(kind).label, formats.FIELDS[kind]) for kind in kinds]
    return render(request, "imports/job_create.html",
                  {"form": form, "formats": formats_shown, "active_nav": "imports"})


@login_required
def job_detail(request, pk: int):
    """The job: a progress bar while it runs (polled every second), then counts and errors."""
    _kinds(request.user)
    job = queries.import_job_get(user=request.user, pk=pk)
    template = "imports/_job_status.html" if request.htmx else "imports/job_detail.html"
    return render(request, template, {"job": job, "active_nav": "imports"})


@login_required
def job_errors(request, pk: int):
    """The job's row errors as an Excel sheet, to fix the file row by row."""
    _kinds(request.user)
    job = queries.import_job_get(user=request.user, pk=pk)
    columns = [Column("row", _("Row")), Column("column", _("Column")),
               Column("message", _("Problem"))]
    rows = ([e["row"], e["column"], e["message"]] for e in job.errors)
    return export_response(filename=f"import-{job.pk}-errors", columns=columns, rows=rows)


@login_required
def job_template(request, kind: str):
    """An Excel file with the headers of `kind` and one example row."""
    if kind not in _kinds(request.user):
        raise PermissionDenied
    fields = formats.FIELDS[kind]
    chinese = get_language().startswith("zh")
    columns = [Column(f.key, f.chinese if chinese else f.label) for f in fields]
    return export_response(filename=f"{kind}-history-template", columns=columns,
                           rows=[[f.example for f in fields]])
