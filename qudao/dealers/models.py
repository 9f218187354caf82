"""Dealers: the network of distributors, sub-distributors and terminals, and their contacts."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.dealers.choices import (
    ChannelLevel,
    CreditRating,
    DealerStatus,
    DistributionMode,
    ExitReason,
    Grade,
    OwnershipType,
    Rating,
    RetailerType,
)


class Tag(models.Model):
    """A free label HQ or the sales team puts on dealers (e.g. 重点客户, 新开发)."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dealer(TimeStampedModel):
    """A dealer of any channel level: the master record (经销商档案 / 代理商档案).

    The network is a tree: a tier-2 sub-distributor sits under a tier-1 distributor, a
    terminal under either. Status moves only along STATUS_TRANSITIONS, through the
    `dealer_status_change` service, which logs who, when and why.
    """

    code = models.CharField(_("dealer code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    legal_name = models.CharField(_("legal entity"), max_length=160, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=40,
                                            blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    channel_level = models.CharField(_("channel level"), max_length=16,
                                     choices=ChannelLevel.choices)
    distribution_mode = models.CharField(_("distribution mode"), max_length=16,
                                         choices=DistributionMode.choices,
                                         default=DistributionMode.DEALERSHIP)
    retailer_type = models.CharField(_("retailer type"), max_length=16,
                                     choices=RetailerType.choices, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("parent dealer"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  on_delete=models.PROTECT, related_name="dealers")
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    assigned_rep = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="assigned_dealers")
    # Capability profile (硬件 and 资金).
    vehicles = models.PositiveIntegerField(_("vehicles"), null=True, blank=True)
    warehouse_area = models.PositiveIntegerField(_("warehouse area (m²)"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    registered_capital = MoneyField(_("registered capital (CNY)"), null=True, blank=True,
                                    default=None, validators=[MinValueValidator(0)])
    credit_rating = models.CharField(_("credit rating"), max_length=4,
                                     choices=CreditRating.choices, blank=True)
    office_system = models.CharField(_("office system"), max_length=80, blank=True,
                                     help_text=_("ERP, invoicing or office software in use."))
    ownership_type = models.CharField(_("ownership type"), max_length=16,
                                      choices=OwnershipType.choices, blank=True)
    # Qualitative profile, rated 1-5 by the sales team.
    province_sales_rank = models.PositiveIntegerField(_("sales rank in province"), null=True,
                                                      blank=True)
    reputation = models.PositiveSmallIntegerField(_("reputation downstream"), null=True,
                                                  blank=True, choices=Rating.choices)
    financial_strength = models.PositiveSmallIntegerField(_("financial strength"), null=True,
                                                          blank=True, choices=Rating.choices)
    payment_speed = models.PositiveSmallIntegerField(_("commercial credit / payment speed"),
                                                     null=True, blank=True,
                                                     choices=Rating.choices)
    boss_capability = models.PositiveSmallIntegerField(_("owner's capability and sincerity"),
                                                       null=True, blank=True,
                                                       choices=Rating.choices)
    business_categories = models.CharField(_("business categories"), max_length=200,
                                           blank=True)
    competing_brands = models.CharField(_("competing brands carried"), max_length=200,
                                        blank=True)
    main_customers = models.TextField(_("main customers"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="dealers")
    status = models.CharField(_("status"), max_length=16, choices=DealerStatus.choices,
                              default=DealerStatus.PROSPECT)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=20, choices=ExitReason.choices,
                                   blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["status", "code"]),
            models.Index(fields=["channel_level", "code"]),
            models.Index(fields=["grade", "code"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(name="dealer_not_own_parent",
                                   condition=~models.Q(parent=models.F("pk"))),
            models.CheckConstraint(name="dealer_grade_valid",
                                   condition=models.Q(grade__in=["", "A", "B", "C"])),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Contact(TimeStampedModel):
    """A person at a dealer the manufacturer talks to: the boss, a buyer, finance, a warehouse."""

    dealer = models.ForeignKey(Dealer, verbose_name=_("dealer"), on_delete=models.CASCADE,
                               related_name="contacts")
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(_("position"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class DealerStatusChange(models.Model):
    """One move of a dealer's lifecycle status: from, to, who, when and why."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=DealerStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=DealerStatus.choices)
    reason = models.TextField(_("reason"))
    exit_reason = models.CharField(_("exit reason"), max_length=20, choices=ExitReason.choices,
                                   blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dealer_id}: {self.from_status} -> {self.to_status}"
