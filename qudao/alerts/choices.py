from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    INFO = "info", _("Notice")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Comparison(models.TextChoices):
    VERTICAL = "vertical", _("Against its own history")
    HORIZONTAL = "horizontal", _("Against peers")
    BOTH = "both", _("Both")


class AlertStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACTION_TAKEN = "action_taken", _("Action taken")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATUSES = [AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.ACTION_TAKEN]
CLOSED_STATUSES = [AlertStatus.RESOLVED, AlertStatus.DISMISSED]


class ActionKind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")


class ScanKind(models.TextChoices):
    FULL = "full", _("Full scan")
    INCREMENTAL = "incremental", _("Incremental scan")
    DEALER = "dealer", _("One dealer")
