"""Tiers (A/B/C) and the dealer lifecycle (R-RT-01, R-RT-10, R-DM-06 to -09, R-DM-13,
R-DM-15, R-EV-21): the rules per channel level, the policies per tier, the quarterly review
and its suggestions, the history of grades, and the lifecycle actions that follow."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.dealers.choices import ChannelLevel
from qudao.tiers.choices import (
    ACTION_BADGE,
    GRADES,
    ActionKind,
    ActionStatus,
    Direction,
    Entitlement,
    ReviewStatus,
    SuggestionStatus,
    TerminationReason,
)

GRADE_CHOICES = [(g, g) for g in GRADES]


class TierRule(TimeStampedModel):
    """The A and B thresholds of one channel level: a dealer meeting both A thresholds is
    A, else both B thresholds B, else C (R-RT-01). Volume is the sales of the last 12
    complete months (CNY); cooperation the 0-100 score of qudao.tiers.scoring."""

    channel_level = models.CharField(_("channel level"), max_length=16, unique=True,
                                     choices=ChannelLevel.choices)
    a_volume = MoneyField(_("A: sales of 12 months at least (CNY)"))
    a_cooperation = models.PositiveSmallIntegerField(_("A: cooperation at least"), default=0)
    b_volume = MoneyField(_("B: sales of 12 months at least (CNY)"))
    b_cooperation = models.PositiveSmallIntegerField(_("B: cooperation at least"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="tier_rule_not_negative",
                                   condition=Q(a_volume__gte=0) & Q(b_volume__gte=0)),
            models.CheckConstraint(name="tier_rule_a_at_least_b",
                                   condition=Q(a_volume__gte=F("b_volume"))
                                   & Q(a_cooperation__gte=F("b_cooperation"))),
            models.CheckConstraint(name="tier_rule_cooperation_0_100",
                                   condition=Q(a_cooperation__lte=100)),
        ]

    def __str__(self) -> str:
        return self.get_channel_level_display()

    def thresholds(self) -> dict[str, object]:
        return {"a_volume": self.a_volume, "a_cooperation": self.a_cooperation,
                "b_volume": self.b_volume, "b_cooperation": self.b_cooperation}


class TierPolicy(TimeStampedModel):
    """How dealers of one tier and channel level are managed (R-DM-06, R-DM-13, R-RT-05):
    how often the rep visits, the support they are entitled to, their nurturing program."""

    channel_level = models.CharField(_("channel level"), max_length=16,
                                     choices=ChannelLevel.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=GRADE_CHOICES)
    visit_every_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    entitlements = models.JSONField(_("support entitlements"), default=list, blank=True)
    nurturing = models.TextField(_("nurturing program"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("tier policy")
        verbose_name_plural = _("tier policies")
        ordering = ["channel_level", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["channel_level", "grade"],
                                    name="one_policy_per_tier_and_level"),
            models.CheckConstraint(name="tier_policy_visit_positive",
                                   condition=Q(visit_every_days__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_level_display()} {self.grade}"

    @property
    def entitlement_labels(self) -> list[str]:
        labels = dict(Entitlement.choices)
        return [str(labels[code]) for code in self.entitlements if code in labels]


class TierReview(TimeStampedModel):
    """The tier review of one quarter: suggestions for every dealer in the runner's scope
    whose grade should change. Run again, it updates its pending suggestions; decided ones
    stay as they were. `dealers_done` advances while it runs, for the progress bar."""

    period = models.DateField(_("quarter (first day)"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.QUEUED)
    dealers_total = models.PositiveIntegerField(_("dealers judged"), default=0)
    dealers_done = models.PositiveIntegerField(_("dealers done"), default=0)
    changes = models.PositiveIntegerField(_("changes suggested"), default=0)
    error = models.TextField(_("error"), blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("run by"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tier review")
        verbose_name_plural = _("tier reviews")
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.period.year}Q{(self.period.month - 1) // 3 + 1}"

    @property
    def is_active(self) -> bool:
        return self.status in (ReviewStatus.QUEUED, ReviewStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.dealers_total:
            return 100 if self.status == ReviewStatus.DONE else 0
        return min(100, self.dealers_done * 100 // self.dealers_total)


class TierSuggestion(TimeStampedModel):
    """A dealer whose grade the review would change, with the figures behind it: sales of
    the 12 months, the cooperation score and its four parts, the thresholds applied."""

    review = models.ForeignKey(TierReview, verbose_name=_("review"), on_delete=models.CASCADE,
                               related_name="suggestions", db_index=False)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="tier_suggestions")
    current_grade = models.CharField(_("current grade"), max_length=1, blank=True)
    suggested_grade = models.CharField(_("suggested grade"), max_length=1,
                                       choices=GRADE_CHOICES)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    stage = models.CharField(_("lifecycle stage"), max_length=12, blank=True)
    sales = MoneyField(_("sales of 12 months"))
    cooperation = models.DecimalField(_("cooperation"), max_digits=4, decimal_places=1)
    parts = models.JSONField(_("cooperation parts"), default=dict)
    thresholds = models.JSONField(_("thresholds applied"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=SuggestionStatus.choices,
                              default=SuggestionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tier suggestion")
        verbose_name_plural = _("tier suggestions")
        ordering = ["review_id", "dealer_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "dealer"],
                                    name="one_suggestion_per_dealer_and_review"),
        ]
        indexes = [models.Index(fields=["review", "status"], name="tiers_suggestion_status")]

    def __str__(self) -> str:
        return f"{self.dealer_id}: {self.current_grade or '-'} -> {self.suggested_grade}"

    @property
    def reasons(self) -> list[str]:
        from qudao.tiers.scoring import reasons

        return reasons(grade=self.suggested_grade, sales=self.sales,
                       cooperation=self.cooperation, thresholds=self.thresholds)


class GradeChange(models.Model):
    """One change of a dealer's grade: from, to, why, the suggestion it came from (if any),
    who and when."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="grade_changes",
                               db_index=False)
    from_grade = models.CharField(_("from"), max_length=1, blank=True)
    to_grade = models.CharField(_("to"), max_length=1, choices=GRADE_CHOICES)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    reason = models.TextField(_("reason"))
    suggestion = models.OneToOneField(TierSuggestion, verbose_name=_("suggestion"), null=True,
                                      blank=True, on_delete=models.SET_NULL,
                                      related_name="grade_change")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["dealer", "-changed_at"], name="tiers_gradechange_dealer"),
            models.Index(fields=["-changed_at", "-id"], name="tiers_gradechange_at"),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id}: {self.from_grade or '-'} -> {self.to_grade}"


class LifecycleAction(TimeStampedModel):
    """A decision about a dealer after its review (R-EV-21, R-DM-08, R-DM-15): grow it
    (territory, credit), put it on probation, terminate it, or keep it. Proposed by a rep
    or manager, approved by another user; the effects go through the owning apps' services."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="lifecycle_actions",
                               db_index=False)
    kind = models.CharField(_("action"), max_length=16, choices=ActionKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.PROPOSED)
    reason = models.TextField(_("why"))
    suggestion = models.ForeignKey(TierSuggestion, verbose_name=_("from the review"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="actions")
    territories = models.ManyToManyField("territories.Territory",
                                         verbose_name=_("territories to add"), blank=True,
                                         related_name="+")
    current_credit_limit = MoneyField(_("credit limit when proposed"), null=True, blank=True,
                                      default=None)
    new_credit_limit = MoneyField(_("new credit limit"), null=True, blank=True, default=None)
    conditions = models.TextField(_("probation conditions"), blank=True)
    deadline = models.DateField(_("probation deadline"), null=True, blank=True)
    termination_reason = models.CharField(_("termination reason"), max_length=16,
                                          choices=TerminationReason.choices, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    verdict_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verdict by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    verdict_at = models.DateTimeField(_("verdict at"), null=True, blank=True)
    verdict_note = models.CharField(_("verdict note"), max_length=200, blank=True)
    follow_up = models.OneToOneField("self", verbose_name=_("follow-up"), null=True,
                                     blank=True, on_delete=models.SET_NULL,
                                     related_name="follows")

    class Meta:
        verbose_name = _("lifecycle action")
        verbose_name_plural = _("lifecycle actions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["dealer", "-created_at"], name="tiers_action_dealer"),
            models.Index(fields=["status", "deadline"], name="tiers_action_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "kind"],
                                    condition=Q(status=ActionStatus.PROPOSED),
                                    name="one_proposal_per_dealer_and_kind"),
            models.CheckConstraint(name="tier_action_credit_not_negative",
                                   condition=Q(new_credit_limit__isnull=True)
                                   | Q(new_credit_limit__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.dealer_id}"

    @property
    def status_badge(self) -> str:
        return ACTION_BADGE.get(self.status, "")

    @property
    def is_probation_running(self) -> bool:
        return self.kind == ActionKind.PROBATION and self.status in (ActionStatus.RUNNING,
                                                                     ActionStatus.OVERDUE)
