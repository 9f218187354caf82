"""Choices of history import jobs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    ORDERS = "orders", _("Historical orders")
    PAYMENTS = "payments", _("Historical payments")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobPhase(models.TextChoices):
    """What a running job is doing: reading rows shows a progress bar, the rest is brief."""

    READING = "reading", _("Reading and checking rows")
    MATCHING = "matching", _("Matching dealer codes and SKUs")
    WRITING = "writing", _("Saving")
    FINISHED = "finished", _("Finished")


# How many row errors a job keeps and shows; counting goes on past it.
MAX_ERRORS = 1000
