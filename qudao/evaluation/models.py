"""Dealer scorecards (R-EV-13..21, R-DM-16): a dealer's score on seven dimensions for a
month, a quarter or a year, weighted by its channel level's weights and ranked among the
dealers of its region and level."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.models import TimeStampedModel
from qudao.dealers.choices import ChannelLevel
from qudao.evaluation.choices import (
    HAND_COMPONENT,
    STATUS_BADGE,
    Dimension,
    LineSource,
    PeriodKind,
    RunStatus,
    ScorecardStatus,
)

SCORE = {"max_digits": 5, "decimal_places": 1}
WEIGHT = {"max_digits": 3, "decimal_places": 2}


class ScorecardWeight(models.Model):
    """The weight of one dimension for one channel level; a level's seven weights add up
    to 1.00 (checked by `weights_set`, which writes all seven at once)."""

    channel_level = models.CharField(_("channel level"), max_length=16,
                                     choices=ChannelLevel.choices)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    weight = models.DecimalField(_("weight"), **WEIGHT)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("scorecard weight")
        verbose_name_plural = _("scorecard weights")
        ordering = ["channel_level", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["channel_level", "dimension"],
                                    name="scorecard_weight_once"),
            models.CheckConstraint(name="scorecard_weight_0_to_1",
                                   condition=Q(weight__gte=0) & Q(weight__lte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.channel_level}/{self.dimension}={self.weight}"


class Scorecard(TimeStampedModel):
    """One dealer's evaluation for one period.

    `total` is the weighted mean of the dimensions scored (by data or by hand) over the
    weights of those dimensions (`scored_weight`, 1.00 when all seven are scored); it is
    empty while no dimension is scored. `rank` is its place among the scorecards of the
    same period, region (top-level territory) and channel level, by total. A final
    scorecard is frozen: it is neither recomputed nor scored by hand again.
    """

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="scorecards",
                               db_index=False)  # led by the (dealer, period) index
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=8, choices=ScorecardStatus.choices,
                              default=ScorecardStatus.DRAFT)
    region = models.ForeignKey("territories.Territory", verbose_name=_("region"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    channel_level = models.CharField(_("channel level"), max_length=16,
                                     choices=ChannelLevel.choices)
    total = models.DecimalField(_("total score"), null=True, blank=True, **SCORE)
    scored_weight = models.DecimalField(_("weight scored"), default=Decimal("0"), **WEIGHT)
    dimensions_scored = models.PositiveSmallIntegerField(_("dimensions scored"), default=0)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_size = models.PositiveIntegerField(_("ranked among"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("finalized by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-period_end", "rank", "dealer_id"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "period_kind", "period_start"],
                                    name="scorecard_once_per_period"),
            models.CheckConstraint(name="scorecard_status_valid",
                                   condition=Q(status__in=ScorecardStatus.values)),
            models.CheckConstraint(name="scorecard_total_0_to_100",
                                   condition=Q(total__isnull=True)
                                   | (Q(total__gte=0) & Q(total__lte=100))),
        ]
        indexes = [
            models.Index(fields=["dealer", "-period_end"], name="evaluation_card_dealer"),
            models.Index(fields=["period_kind", "period_start", "region", "channel_level"],
                         name="evaluation_card_period"),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.period_label}"

    @property
    def period_label(self) -> str:
        from qudao.evaluation.periods import Period

        return Period(self.period_kind, self.period_start).label

    @property
    def is_final(self) -> bool:
        return self.status == ScorecardStatus.FINAL

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "")


class ScorecardLine(models.Model):
    """One dimension of a scorecard: the score computed from data (with the inputs its
    formula used, shown on the page), the hand score and its note, and the score that
    counts, its weight and weighted points.

    The score that counts is the computed one; where there is no data, the hand score;
    for loyalty (HAND_COMPONENT) the mean of both when both are given. A recomputation
    rewrites the computed part and keeps the hand part.
    """

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines",
                                  db_index=False)  # led by the unique pair
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    weight = models.DecimalField(_("weight"), **WEIGHT)
    computed_score = models.DecimalField(_("computed score"), null=True, blank=True, **SCORE)
    inputs = models.JSONField(_("formula inputs"), default=dict, blank=True)
    hand_score = models.DecimalField(_("hand score"), null=True, blank=True, **SCORE)
    hand_note = models.CharField(_("note"), max_length=300, blank=True)
    hand_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scored by"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    hand_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    score = models.DecimalField(_("score"), null=True, blank=True, **SCORE)
    weighted = models.DecimalField(_("weighted points"), max_digits=6, decimal_places=2,
                                   null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        ordering = ["scorecard_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "dimension"],
                                    name="scorecard_line_once"),
            models.CheckConstraint(name="scorecard_hand_0_to_100",
                                   condition=Q(hand_score__isnull=True)
                                   | (Q(hand_score__gte=0) & Q(hand_score__lte=100))),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id}:{self.dimension}"

    @property
    def has_data(self) -> bool:
        return self.computed_score is not None

    @property
    def hand_allowed(self) -> bool:
        """Whether this dimension takes a hand score: no data, or a hand part by design."""
        return self.computed_score is None or self.dimension in HAND_COMPONENT

    @property
    def source(self) -> str:
        if self.score is None:
            return LineSource.NONE
        if self.computed_score is not None and self.hand_score is not None \
                and self.dimension in HAND_COMPONENT:
            return LineSource.BOTH
        return LineSource.COMPUTED if self.computed_score is not None else LineSource.HAND

    def get_source_display(self) -> str:
        return str(LineSource(self.source).label)


class ComputeRun(models.Model):
    """One computation of a period's scorecards for the dealers a user may see (or one
    dealer): queued, running with its progress, done with its counts, or failed."""

    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("only this dealer"), null=True,
                               blank=True, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    dealers_total = models.PositiveIntegerField(_("dealers"), default=0)
    dealers_done = models.PositiveIntegerField(_("dealers done"), default=0)
    written = models.PositiveIntegerField(_("scorecards written"), default=0)
    kept_final = models.PositiveIntegerField(_("final scorecards left as they were"),
                                             default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"),
                                   on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard computation")
        verbose_name_plural = _("scorecard computations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period_kind} {self.period_start} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.dealers_total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, round(100 * self.dealers_done / self.dealers_total))

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def period_label(self) -> str:
        from qudao.evaluation.periods import Period

        return Period(self.period_kind, self.period_start).label
