"""Reads of import jobs: a user sees the jobs it started; the HQ admin sees every job."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from qudao.accounts.choices import Role
from qudao.accounts.models import User
from qudao.imports.models import ImportJob


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """Jobs the user may see, newest first (the HQ admin sees everyone's)."""
    jobs = ImportJob.objects.select_related("created_by").defer("errors")
    if user.role != Role.HQ_ADMIN:
        jobs = jobs.filter(created_by=user)
    return jobs.order_by("-created_at", "-id")


def import_job_get(*, user: User, pk: int) -> ImportJob:
    """One job the user may see, else 404."""
    jobs = ImportJob.objects.select_related("created_by")
    if user.role != Role.HQ_ADMIN:
        jobs = jobs.filter(created_by=user)
    return get_object_or_404(jobs, pk=pk)
