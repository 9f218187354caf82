"""Choices of channel performance and the reps' KPI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class ExpenseCategory(models.TextChoices):
    PROMOTION = "promotion", _("Promotion")
    REBATES = "rebates", _("Rebates")
    LOGISTICS = "logistics", _("Logistics")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


class KpiGroup(models.TextChoices):
    DEVELOPMENT = "development", _("Channel development")
    MAINTENANCE = "maintenance", _("Channel maintenance")
    RATING = "rating", _("Dealers' rating")


class Score(models.IntegerChoices):
    """A hand score of 1 to 5 (a rating, a non-quantitative indicator)."""

    VERY_POOR = 1, _("1 - very poor")
    POOR = 2, _("2 - poor")
    FAIR = 3, _("3 - fair")
    GOOD = 4, _("4 - good")
    EXCELLENT = 5, _("5 - excellent")
