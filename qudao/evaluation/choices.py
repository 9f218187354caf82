"""Choices of dealer scorecards: the seven dimensions (R-EV-13..19), periods, statuses."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """The seven dimensions a dealer is evaluated on (seed 001: 评估经销商 (1)..(7))."""

    SALES = "sales", _("Sales performance")
    FINANCIAL = "financial", _("Financial performance")
    LOYALTY = "loyalty", _("Loyalty")
    GROWTH = "growth", _("Growth")
    INNOVATION = "innovation", _("Innovation")
    COMPETITIVENESS = "competitiveness", _("Competitiveness")
    SATISFACTION = "satisfaction", _("Customer satisfaction")


DIMENSIONS: list[str] = list(Dimension.values)

# Short labels for narrow columns and the radar chart.
SHORT_LABELS = {
    Dimension.SALES: _("Sales"),
    Dimension.FINANCIAL: _("Finance"),
    Dimension.LOYALTY: _("Loyalty"),
    Dimension.GROWTH: _("Growth"),
    Dimension.INNOVATION: _("Innovation"),
    Dimension.COMPETITIVENESS: _("Competition"),
    Dimension.SATISFACTION: _("Satisfaction"),
}

# Dimensions whose computed part is combined with a hand score (the average of both):
# loyalty's compliance and competing brands are judged by the people who visit the dealer.
HAND_COMPONENT = {Dimension.LOYALTY}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year (annual re-evaluation)")


PERIOD_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


class ScorecardStatus(models.TextChoices):
    """Draft (recomputed as data changes, hand scores given) -> final (frozen)."""

    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class LineSource(models.TextChoices):
    COMPUTED = "computed", _("Computed from data")
    HAND = "hand", _("Scored by hand")
    BOTH = "both", _("Data and hand score")
    NONE = "none", _("Not scored")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Default weights of each channel level (seeded by migration 0002; HQ may change them).
DEFAULT_WEIGHTS: dict[str, dict[str, Decimal]] = {
    level: {
        Dimension.SALES: Decimal("0.25"), Dimension.FINANCIAL: Decimal("0.20"),
        Dimension.LOYALTY: Decimal("0.15"), Dimension.GROWTH: Decimal("0.15"),
        Dimension.INNOVATION: Decimal("0.05"), Dimension.COMPETITIVENESS: Decimal("0.10"),
        Dimension.SATISFACTION: Decimal("0.10"),
    } for level in ("tier1", "tier2")
} | {
    level: {
        Dimension.SALES: Decimal("0.25"), Dimension.FINANCIAL: Decimal("0.20"),
        Dimension.LOYALTY: Decimal("0.10"), Dimension.GROWTH: Decimal("0.15"),
        Dimension.INNOVATION: Decimal("0.05"), Dimension.COMPETITIVENESS: Decimal("0.10"),
        Dimension.SATISFACTION: Decimal("0.15"),
    } for level in ("terminal", "key_account")
}

STATUS_BADGE = {ScorecardStatus.DRAFT: "status-prospect", ScorecardStatus.FINAL: "status-active"}
