"""API of history imports: thin handlers over the import services."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from qudao.core.exceptions import NotAllowed
from qudao.imports import queries, services
from qudao.imports.schemas import ImportJobOut

router = Router(tags=["Imports"])


def _require_any(request: HttpRequest) -> None:
    if not services.may_import(request.user):
        raise NotAllowed(_("Your role may not import history."))


@router.post("/imports", response={201: ImportJobOut})
def import_create(request, kind: Form[str], file: File[UploadedFile]):
    """Upload a CSV or .xlsx of historical `orders` or `payments`; answers the job (it runs
    at once when tasks are eager, else poll GET /api/imports/{id})."""
    _require_any(request)
    job = services.import_job_create(user=request.user, kind=kind, upload=file)
    return Status(201, queries.import_job_get(user=request.user, pk=job.pk))


@router.get("/imports", response=list[ImportJobOut])
@paginate(PageNumberPagination)
def import_list(request):
    """The caller's import jobs (the HQ admin sees every job), newest first."""
    _require_any(request)
    return queries.import_job_list(user=request.user).defer(None)


@router.get("/imports/{job_id}", response=ImportJobOut)
def import_get(request, job_id: int):
    _require_any(request)
    return queries.import_job_get(user=request.user, pk=job_id)
