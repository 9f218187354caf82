"""History imports: accept a file as a job, then run it (a Celery task calls import_job_run).

Running a job reads the file in chunks, checks every row, stages the good rows in a
temporary table, checks codes and order headers set-based, and only when no row has an
error writes every order (or payment) in one transaction. Importing the same file again
skips what is already there, so it adds nothing.
"""

import contextlib
import gc
import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.accounts.models import User
from qudao.core import audit
from qudao.core.excel import RowError
from qudao.core.exceptions import DomainError, NotAllowed
from qudao.imports import formats
from qudao.imports.choices import MAX_ERRORS, JobKind, JobPhase, JobStatus
from qudao.imports.loader import Loader
from qudao.imports.models import ImportJob

log = logging.getLogger(__name__)

PERMISSION = {JobKind.ORDERS: "orders.import_order", JobKind.PAYMENTS: "finance.import_finance"}


class ImportFileInvalid(DomainError):
    """The upload cannot become an import job (kind, type or size)."""

    code = "import_file_invalid"


def may_import(user: Any, kind: str | None = None) -> bool:
    """Whether the user may import `kind` (or any kind at all)."""
    kinds = [kind] if kind else list(PERMISSION)
    return any(k in PERMISSION and user.has_perm(PERMISSION[k]) for k in kinds)


def import_job_create(*, user: User, kind: str, upload: Any) -> ImportJob:
    """Keep the uploaded file as a queued job and start it (at once when tasks run eagerly).

    Raises NotAllowed without the kind's import permission and ImportFileInvalid for an
    unknown kind, an empty or oversized file, or a type other than CSV or .xlsx.
    """
    if kind not in PERMISSION:
        raise ImportFileInvalid(_("Choose what the file holds: orders or payments."))
    if not user.has_perm(PERMISSION[kind]):
        raise NotAllowed(_("Your role may not import this."))
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
        raise ImportFileInvalid(_("Upload a CSV (.csv) or Excel (.xlsx) file."))
    size = getattr(upload, "size", None)
    if not size:
        raise ImportFileInvalid(_("The file is empty."))
    if size > settings.HISTORY_IMPORT_MAX_BYTES:
        raise ImportFileInvalid(_("The file is larger than the import limit."))
    job = ImportJob.objects.create(kind=kind, created_by=user, original_name=name[-200:])
    job.file.save(name.rsplit("/", 1)[-1], upload, save=True)
    from qudao.imports import tasks

    transaction.on_commit(lambda: tasks.import_job_run.delay(job.pk))
    return job


def _progress(job: ImportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _fail(job: ImportJob, errors: list[RowError], count: int) -> ImportJob:
    errors = sorted(errors, key=lambda e: (e.row, e.column))[:MAX_ERRORS]
    _progress(job, status=JobStatus.FAILED, phase=JobPhase.FINISHED, error_count=count,
              errors=[e.as_dict() for e in errors], finished_at=timezone.now())
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job to the end: done with counts, or failed with its row errors.

    Safe to run twice: a job that is not queued is left as it is. Nothing is written to
    orders or payments unless the whole file is free of errors.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job
    _progress(job, status=JobStatus.RUNNING, phase=JobPhase.READING, started_at=timezone.now())
    loader = Loader(job.kind, job.pk)
    try:
        with job.file.open("rb") as stream:
            _progress(job, rows_total=formats.estimate_rows(stream, job.original_name))
            return _run(job, loader, stream)
    except formats.FileUnreadable as exc:
        return _fail(job, [RowError(0, "", str(exc))], 1)
    except DatabaseError as exc:
        # A concurrent import of the same documents, or a value the database refused.
        log.exception("import job %s failed", job.pk)
        return _fail(job, [RowError(0, "", _("The database refused the import: %(why)s")
                                    % {"why": str(exc).splitlines()[0]})], 1)
    finally:
        # If the connection is gone, its temporary tables went with it.
        with contextlib.suppress(DatabaseError):
            loader.drop()


def _run(job: ImportJob, loader: Loader, stream: Any) -> ImportJob:
    header, chunks = formats.open_chunks(stream, job.original_name)
    positions, shown = formats.header_positions(job.kind, header)
    checker = formats.RowChecker(job.kind, positions, shown)
    errors: list[RowError] = []
    loader.create()
    # Millions of short-lived cells would trigger the cyclic garbage collector over and
    # over (half the reading time); chunks are freed by reference counting anyway.
    collecting = gc.isenabled()
    gc.disable()
    try:
        done, error_count = _stage(job, loader, checker, chunks, errors)
    finally:
        if collecting:
            gc.enable()
    _progress(job, rows_total=done, phase=JobPhase.MATCHING)
    if done == 0:
        return _fail(job, [RowError(0, "", _("The file has no data rows."))], 1)
    found, count = loader.problems(shown)
    errors += found
    error_count += count
    if error_count:
        return _fail(job, errors, error_count)
    _progress(job, phase=JobPhase.WRITING)
    with transaction.atomic():
        counts = loader.write(user_id=job.created_by_id, now=timezone.now())
        audit.record(actor=job.created_by, target=job, event=f"import.{job.kind}",
                     data={"file": job.original_name, **counts})
    _progress(job, status=JobStatus.DONE, phase=JobPhase.FINISHED, finished_at=timezone.now(),
              **counts)
    return job


def _stage(job: ImportJob, loader: Loader, checker: Any, chunks: Any,
           errors: list[RowError]) -> tuple[int, int]:
    """Check and stage every chunk, keeping the first MAX_ERRORS row errors in `errors`.
    Returns how many rows were read and how many errors they had."""
    error_count = 0
    done = 0
    for first, rows in chunks:
        good, bad = checker.check(first, rows)
        error_count += len(bad)
        if len(errors) < MAX_ERRORS:
            errors += bad[:MAX_ERRORS - len(errors)]
        # Each chunk is its own short transaction so the progress is visible to the
        # page polling it; the staging table is temporary and outlives the commits.
        with transaction.atomic():
            loader.add(good)
        done += len(good) + len({e.row for e in bad})
        _progress(job, rows_done=done, rows_total=max(job.rows_total, done))
    return done, error_count
