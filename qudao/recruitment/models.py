"""Dealer recruitment (招商) and weighted selection: leads and their follow-ups by period,
mobilization campaigns, candidates with their profile, the criteria sets they are scored
on, the evaluators' scores, and the decision that may create the dealer (R-RS-01..11,
R-DM-10..12)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import BilingualName, TimeStampedModel
from qudao.dealers.choices import ChannelLevel
from qudao.recruitment.choices import (
    CANDIDATE_BADGE,
    LEAD_BADGE,
    CampaignMethod,
    CampaignStatus,
    CandidateStatus,
    Fit,
    FollowUpKind,
    LeadSource,
    LeadStatus,
)


class CriteriaSet(BilingualName, TimeStampedModel):
    """A named set of weighted selection criteria (评价因素 and 权数, R-RS-02..04, -07).

    Its weights add up to exactly 1.00 (checked by criteria_set_save). Once a candidate has
    a score on it, its criteria are frozen: a changed standard is a copy, so every past
    selection can still be read against the standard it was made on (R-RS-11).
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default for new candidates"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    copied_from = models.ForeignKey("self", verbose_name=_("copied from"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="one_default_criteria_set"),
        ]

    def __str__(self) -> str:
        return self.display_name


class Criterion(BilingualName, models.Model):
    """One criterion of a set, with its weight (0.01 to 1.00)."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE,
                                     related_name="criteria")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=3, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01")),
                                             MaxValueValidator(Decimal("1.00"))])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    guidance = models.CharField(_("what to look at"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"],
                                    name="criterion_code_once_per_set"),
            models.CheckConstraint(name="criterion_weight_0_to_1",
                                   condition=Q(weight__gt=0) & Q(weight__lte=1)),
        ]

    def __str__(self) -> str:
        return self.display_name


class Campaign(TimeStampedModel):
    """A dealer mobilization campaign (经销商发动, R-DM-12): a target list of leads, the
    planned method, and how far the targets got (figures from the leads' own dates)."""

    name = models.CharField(_("name"), max_length=120)
    method = models.CharField(_("planned method"), max_length=12,
                              choices=CampaignMethod.choices)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.PLANNED)
    plan = models.TextField(_("plan"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="+")
    leads = models.ManyToManyField("Lead", verbose_name=_("target leads"), blank=True,
                                   related_name="campaigns")

    class Meta:
        verbose_name = _("mobilization campaign")
        verbose_name_plural = _("mobilization campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(name="campaign_ends_after_start",
                                   condition=Q(ends_on__gte=models.F("starts_on"))),
        ]

    def __str__(self) -> str:
        return self.name


class Lead(TimeStampedModel):
    """A prospective dealer (线索): where it came from, who it is, which region and which
    rep works it, and how far it got.

    `period` is the opportunity period (a month, its first day) the lead counts in; a
    qualified lead not converted by the end of its period carries over into the next one
    (R-DM-11): `carried_from` keeps the period it came from, `first_period` the one it
    entered in (the funnel counts leads there). The dates of each step reached stay set
    when a lead is lost later, so the funnel counts how far every lead got.
    """

    source = models.CharField(_("source"), max_length=16, choices=LeadSource.choices)
    company = models.CharField(_("company"), max_length=120)
    contact_person = models.CharField(_("contact person"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  on_delete=models.PROTECT, related_name="+")
    channel_level = models.CharField(_("intended channel level"), max_length=16,
                                     choices=ChannelLevel.choices, default=ChannelLevel.TIER1)
    assigned_rep = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="recruitment_leads")
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices,
                              default=LeadStatus.NEW)
    lost_reason = models.CharField(_("reason lost"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    first_period = models.DateField(_("first period"))
    period = models.DateField(_("opportunity period"))
    carried_from = models.DateField(_("carried over from"), null=True, blank=True)
    times_carried = models.PositiveSmallIntegerField(_("times carried over"), default=0)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    qualified_at = models.DateTimeField(_("qualified at"), null=True, blank=True)
    converted_at = models.DateTimeField(_("became a candidate at"), null=True, blank=True)
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["assigned_rep", "status"], name="recruit_lead_rep"),
            models.Index(fields=["period", "status"], name="recruit_lead_period"),
            models.Index(fields=["first_period"], name="recruit_lead_first_period"),
            models.Index(fields=["-created_at", "-id"], name="recruit_lead_created"),
        ]
        constraints = [
            models.CheckConstraint(name="lead_status_valid",
                                   condition=Q(status__in=LeadStatus.values)),
            models.CheckConstraint(name="lead_lost_has_reason",
                                   condition=~Q(status="lost") | ~Q(lost_reason="")),
        ]

    def __str__(self) -> str:
        return self.company

    @property
    def status_badge(self) -> str:
        return LEAD_BADGE.get(self.status, "")


class FollowUp(models.Model):
    """One follow-up of a lead: a call, a visit or a meeting, what came of it, what next."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="follow_ups")
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind.choices)
    note = models.TextField(_("note"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_on = models.DateField(_("next date"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


class Candidate(TimeStampedModel):
    """A qualified lead under evaluation: its profile, the fit assessment, the criteria set
    it is scored on, and the decision (who, when, why) with the dealer an acceptance made.

    The profile follows the selection standards of seeds 001 and 002: market coverage,
    reputation, experience, willingness, product mix, finances, location, promotion and
    hardware (vehicles, warehouse, staff, office system).
    """

    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.PROTECT,
                                related_name="candidate")
    name = models.CharField(_("company"), max_length=120)
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("criteria set"),
                                     on_delete=models.PROTECT, related_name="candidates")
    # Market coverage.
    cities_covered = models.CharField(_("cities covered"), max_length=200, blank=True)
    outlets_reached = models.PositiveIntegerField(_("outlets reached"), null=True, blank=True)
    reputation = models.TextField(_("reputation"), blank=True)
    years_experience = models.PositiveSmallIntegerField(_("years in the trade"), null=True,
                                                        blank=True)
    willingness = models.TextField(_("willingness to cooperate"), blank=True)
    brands_carried = models.CharField(_("brands carried"), max_length=200, blank=True)
    competing_brands = models.CharField(_("competing brands carried"), max_length=200,
                                        blank=True)
    registered_capital = MoneyField(_("registered capital (CNY)"), null=True, blank=True,
                                    default=None, validators=[MinValueValidator(0)])
    annual_turnover = MoneyField(_("annual turnover (CNY)"), null=True, blank=True,
                                 default=None, validators=[MinValueValidator(0)])
    address = models.CharField(_("location"), max_length=200, blank=True)
    promotion_ability = models.TextField(_("promotion ability"), blank=True)
    vehicles = models.PositiveIntegerField(_("vehicles"), null=True, blank=True)
    warehouse_area = models.PositiveIntegerField(_("warehouse area (m²)"), null=True,
                                                 blank=True)
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    office_system = models.CharField(_("office system"), max_length=80, blank=True)
    fit = models.CharField(_("fit with our expectations"), max_length=10, choices=Fit.choices,
                           blank=True)
    fit_note = models.CharField(_("fit note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CandidateStatus.choices,
                              default=CandidateStatus.EVALUATING)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    total_score = models.DecimalField(_("weighted total at decision"), max_digits=6,
                                      decimal_places=2, null=True, blank=True)
    dealer = models.OneToOneField("dealers.Dealer", verbose_name=_("dealer"), null=True,
                                  blank=True, on_delete=models.SET_NULL,
                                  related_name="recruitment_candidate")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="recruit_cand_status")]
        constraints = [
            models.CheckConstraint(name="candidate_status_valid",
                                   condition=Q(status__in=CandidateStatus.values)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def status_badge(self) -> str:
        return CANDIDATE_BADGE.get(self.status, "")


class Score(models.Model):
    """One evaluator's score (0-100) of one candidate on one criterion (打分)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluator"),
                                  on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["candidate_id", "criterion_id", "evaluator_id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "criterion", "evaluator"],
                                    name="one_score_per_evaluator_criterion"),
            models.CheckConstraint(name="score_0_to_100",
                                   condition=Q(value__gte=0) & Q(value__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}/{self.criterion_id}: {self.value}"
