"""Retailer (terminal) management (R-RT): qualification conditions and support entitlements
per retailer type and grade, each store's profile, registration applications and the
authorization certificates they lead to, store-entry negotiations and in-store audits.

A retailer is a Dealer of level terminal (or a key-account store): its type, grade and
supplying dealer live on the Dealer row; this app adds what only retail needs."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.dealers.choices import Grade, Rating, RetailerType
from qudao.retail.choices import (
    APPLICATION_BADGE,
    CERTIFICATE_BADGE,
    OUTCOME_BADGE,
    ApplicationStatus,
    CertificateState,
    Commitment,
    EntitlementKind,
    Outcome,
)

EXPIRING_DAYS = 30


class QualificationCondition(TimeStampedModel):
    """What a retailer of one type and grade must show (R-RT-03): 12-month sales, store
    area, staff, store environment (its latest audit score) and management capability.
    An empty threshold is not required. Set by head office; seeded with defaults."""

    retailer_type = models.CharField(_("retailer type"), max_length=16,
                                     choices=RetailerType.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    min_volume = MoneyField(_("12-month sales at least (CNY)"), null=True, blank=True,
                            default=None)
    min_area = models.PositiveIntegerField(_("store area at least (m²)"), null=True, blank=True)
    min_staff = models.PositiveIntegerField(_("staff at least"), null=True, blank=True)
    min_audit_score = models.DecimalField(_("store audit score at least"), max_digits=5,
                                          decimal_places=2, null=True, blank=True)
    min_management = models.PositiveSmallIntegerField(_("management capability at least"),
                                                      null=True, blank=True,
                                                      choices=Rating.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("qualification condition")
        verbose_name_plural = _("qualification conditions")
        ordering = ["retailer_type", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["retailer_type", "grade"],
                                    name="retail_condition_once"),
            models.CheckConstraint(name="retail_condition_volume_not_negative",
                                   condition=Q(min_volume__isnull=True) | Q(min_volume__gte=0)),
            models.CheckConstraint(name="retail_condition_score_0_100",
                                   condition=Q(min_audit_score__isnull=True)
                                   | Q(min_audit_score__gte=0, min_audit_score__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.get_retailer_type_display()} {self.grade}"


class Entitlement(TimeStampedModel):
    """One support a retailer of a type and grade may get (R-RT-05), e.g. the special fund
    of 5,000 CNY a year for A-grade exclusive stores. Set by head office."""

    retailer_type = models.CharField(_("retailer type"), max_length=16,
                                     choices=RetailerType.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    kind = models.CharField(_("support"), max_length=16, choices=EntitlementKind.choices)
    description = models.CharField(_("what it is"), max_length=200)
    amount = MoneyField(_("amount (CNY)"), null=True, blank=True, default=None)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("support entitlement")
        verbose_name_plural = _("support entitlements")
        ordering = ["retailer_type", "grade", "kind", "id"]
        indexes = [models.Index(fields=["retailer_type", "grade"], name="retail_ent_type_grade")]
        constraints = [
            models.CheckConstraint(name="retail_entitlement_amount_not_negative",
                                   condition=Q(amount__isnull=True) | Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class RetailerProfile(TimeStampedModel):
    """What retail adds to a terminal's master record: its store area and the management
    capability the sales team rates (1-5). Staff count is the Dealer's own field."""

    retailer = models.OneToOneField("dealers.Dealer", verbose_name=_("retailer"),
                                    on_delete=models.CASCADE, related_name="retail_profile")
    store_area = models.PositiveIntegerField(_("store area (m²)"), null=True, blank=True)
    management_rating = models.PositiveSmallIntegerField(_("management capability"),
                                                         null=True, blank=True,
                                                         choices=Rating.choices)

    class Meta:
        verbose_name = _("retailer profile")
        verbose_name_plural = _("retailer profiles")

    def __str__(self) -> str:
        return str(self.retailer_id)


class Application(TimeStampedModel):
    """A retailer's registration (申请书): its store data, the type it asks for and its
    acceptance of the application terms (申请条款), filed by a rep or the supplying dealer
    on the store's behalf. A rep reviews it, a manager (neither the applicant nor the
    reviewer) approves it, which creates or updates the terminal and issues a certificate.
    `qualification` keeps the check shown to the approver, as it was then."""

    number = models.CharField(_("number"), max_length=20, blank=True, db_index=True)
    retailer = models.ForeignKey("dealers.Dealer", verbose_name=_("retailer"), null=True,
                                 blank=True, on_delete=models.PROTECT,
                                 related_name="retail_applications")
    store_name = models.CharField(_("store name"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("dealers.Dealer", verbose_name=_("supplying dealer"),
                               null=True, blank=True, on_delete=models.PROTECT,
                               related_name="retail_applications_below")
    contact_name = models.CharField(_("contact person"), max_length=40)
    phone = models.CharField(_("phone"), max_length=32)
    store_area = models.PositiveIntegerField(_("store area (m²)"))
    staff_count = models.PositiveIntegerField(_("staff"))
    management_rating = models.PositiveSmallIntegerField(_("management capability"),
                                                         choices=Rating.choices)
    retailer_type = models.CharField(_("type applied for"), max_length=16,
                                     choices=RetailerType.choices)
    business_categories = models.CharField(_("business categories"), max_length=200,
                                           blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    terms_accepted = models.BooleanField(_("application terms accepted"), default=False)
    terms_version = models.CharField(_("terms version"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"),
                                  on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("filed at"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=400, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=400, blank=True)
    qualification = models.JSONField(_("qualification check"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retailer application")
        verbose_name_plural = _("retailer applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "-submitted_at"], name="retail_app_status")]
        constraints = [
            models.CheckConstraint(name="retail_application_terms_accepted",
                                   condition=Q(terms_accepted=True)),
            models.CheckConstraint(name="retail_application_status_valid",
                                   condition=Q(status__in=ApplicationStatus.values)),
            models.CheckConstraint(name="retail_application_management_1_5",
                                   condition=Q(management_rating__gte=1,
                                               management_rating__lte=5)),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def status_badge(self) -> str:
        return APPLICATION_BADGE.get(self.status, "")

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED)


class Certificate(TimeStampedModel):
    """An authorization certificate (授权证书): the retailer, the type and grade it is
    authorized as, and its validity. Issued on approval; a newer certificate revokes the
    one still in force, so a retailer holds at most one valid certificate."""

    number = models.CharField(_("certificate number"), max_length=20, blank=True,
                              db_index=True)
    retailer = models.ForeignKey("dealers.Dealer", verbose_name=_("retailer"),
                                 on_delete=models.CASCADE, related_name="retail_certificates",
                                 db_index=False)  # led by the (retailer, valid_until) index
    application = models.OneToOneField(Application, verbose_name=_("application"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="certificate")
    retailer_type = models.CharField(_("authorized as"), max_length=16,
                                     choices=RetailerType.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("authorization certificate")
        verbose_name_plural = _("authorization certificates")
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(fields=["retailer", "-valid_until"], name="retail_cert_retailer"),
            models.Index(fields=["valid_until"], name="retail_cert_until"),
        ]
        constraints = [
            models.CheckConstraint(name="retail_certificate_dates",
                                   condition=Q(valid_until__gte=models.F("valid_from"))),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def state_on(self, day: datetime.date) -> str:
        if self.revoked_on is not None and self.revoked_on <= day:
            return CertificateState.EXPIRED
        if self.valid_until < day:
            return CertificateState.EXPIRED
        if self.valid_until <= day + datetime.timedelta(days=EXPIRING_DAYS):
            return CertificateState.EXPIRING
        return CertificateState.VALID

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def state_label(self) -> str:
        return CertificateState(self.state).label

    @property
    def state_badge(self) -> str:
        return CERTIFICATE_BADGE.get(self.state, "")


class ChecklistItem(TimeStampedModel):
    """One line of the in-store audit checklist (R-RT-08, -09): image standards, display,
    price tags, stock on shelf, staff knowledge, cleanliness ... scored 0 to `max_score`.
    `commitment` names the retailer commitment the line evidences, if any. Set by head
    office; an item taken out of use stays on the audits that scored it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("item"), max_length=80)
    guidance = models.CharField(_("what to look for"), max_length=300, blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10,
                                                 validators=[MinValueValidator(1),
                                                             MaxValueValidator(100)])
    commitment = models.CharField(_("evidences commitment"), max_length=16,
                                  choices=Commitment.choices, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(name="retail_checklist_max_positive",
                                   condition=Q(max_score__gte=1, max_score__lte=100)),
        ]

    def __str__(self) -> str:
        return self.name


class StoreAudit(TimeStampedModel):
    """One in-store audit of a retailer by a rep (终端店内表现): a score per checklist item,
    photos, and the total as a share of the maximum, 0-100 (two places). `month` is the
    first day of the audit's month, kept by the service, for monthly counts."""

    retailer = models.ForeignKey("dealers.Dealer", verbose_name=_("retailer"),
                                 on_delete=models.CASCADE, related_name="store_audits",
                                 db_index=False)  # led by the (retailer, audited_on) index
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("audited by"),
                                on_delete=models.PROTECT, related_name="+")
    audited_on = models.DateField(_("audited on"))
    month = models.DateField(_("month"))
    total_score = models.DecimalField(_("total score"), max_digits=5, decimal_places=2)
    points = models.PositiveIntegerField(_("points"), default=0)
    max_points = models.PositiveIntegerField(_("of points"), default=0)
    counterfeit_found = models.BooleanField(_("counterfeit goods found"), default=False)
    notes = models.TextField(_("findings"), blank=True)

    class Meta:
        verbose_name = _("store audit")
        verbose_name_plural = _("store audits")
        ordering = ["-audited_on", "-id"]
        indexes = [
            models.Index(fields=["retailer", "-audited_on", "-id"], name="retail_audit_retailer"),
            models.Index(fields=["month", "retailer"], name="retail_audit_month"),
            models.Index(fields=["-audited_on", "-id"], name="retail_audit_day"),
        ]
        constraints = [
            models.CheckConstraint(name="retail_audit_score_0_100",
                                   condition=Q(total_score__gte=0, total_score__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.retailer_id} {self.audited_on:%Y-%m-%d}"


class AuditScore(models.Model):
    """One checklist item's score on an audit; the item's name, maximum and commitment are
    copied so later changes to the checklist leave past audits as they were."""

    audit = models.ForeignKey(StoreAudit, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("item"), max_length=80)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    score = models.PositiveSmallIntegerField(_("score"))
    commitment = models.CharField(_("evidences commitment"), max_length=16,
                                  choices=Commitment.choices, blank=True)
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit score")
        verbose_name_plural = _("audit scores")
        ordering = ["audit_id", "id"]
        constraints = [
            models.CheckConstraint(name="retail_score_within_max",
                                   condition=Q(score__lte=models.F("max_score"))),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.score}/{self.max_score}"


class AuditPhoto(models.Model):
    """A photo taken at an audit (the shelf, the display, the shop front), stored under
    MEDIA_ROOT and served only through the audit's page."""

    audit = models.ForeignKey(StoreAudit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="retail/%Y/%m/")
    name = models.CharField(_("name"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit photo")
        verbose_name_plural = _("audit photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class Negotiation(TimeStampedModel):
    """One round of a store-entry negotiation (进场谈判) with a terminal or key-account
    store: when, the terms asked, the fees (entry, shelf, promotion) and where it left
    things (R-RT-07)."""

    retailer = models.ForeignKey("dealers.Dealer", verbose_name=_("store"),
                                 on_delete=models.CASCADE, related_name="negotiations",
                                 db_index=False)  # led by the (retailer, held_on) index
    held_on = models.DateField(_("held on"))
    terms = models.TextField(_("terms asked"))
    entry_fee = MoneyField(_("entry fee (CNY)"))
    shelf_fee = MoneyField(_("shelf fee (CNY)"))
    promotion_fee = MoneyField(_("promotion fee (CNY)"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices,
                               default=Outcome.PENDING)
    notes = models.CharField(_("notes"), max_length=400, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("store-entry negotiation")
        verbose_name_plural = _("store-entry negotiations")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["retailer", "-held_on"], name="retail_nego_retailer")]
        constraints = [
            models.CheckConstraint(name="retail_negotiation_fees_not_negative",
                                   condition=Q(entry_fee__gte=0, shelf_fee__gte=0,
                                               promotion_fee__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.retailer_id} {self.held_on:%Y-%m-%d}"

    @property
    def total_fees(self):
        return self.entry_fee + self.shelf_fee + self.promotion_fee

    @property
    def outcome_badge(self) -> str:
        return OUTCOME_BADGE.get(self.outcome, "")
