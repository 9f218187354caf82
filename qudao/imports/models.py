"""Import jobs of historical orders and payments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.models import TimeStampedModel
from qudao.imports.choices import JobKind, JobPhase, JobStatus


class ImportJob(TimeStampedModel):
    """One uploaded file of historical orders or payments and what importing it did.

    The import is all-or-nothing: `errors` holds the first MAX_ERRORS row errors
    ({row, column, message}) and a job with any error saved nothing. Documents already
    imported (same dealer and external reference) are skipped, so the same file twice
    adds nothing. `rows_done` advances while the file is read, for the progress bar.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    phase = models.CharField(_("phase"), max_length=10, choices=JobPhase.choices,
                             default=JobPhase.READING)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("documents created"), default=0)
    skipped_count = models.PositiveIntegerField(_("documents skipped (already imported)"),
                                                default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
