"""The distributor agreement (经销协议): parties, scope, obligations, incentives and controls."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.agreements.choices import (
    AgreementStatus,
    AgreementType,
    AttachmentKind,
    FreightBearer,
    PaymentMethod,
    PickupMethod,
    SettlementMethod,
)
from qudao.catalog.models import PriceLevel
from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel


class Agreement(TimeStampedModel):
    """One version of a dealer's agreement with the manufacturer.

    Renewal creates a new version (`previous` points to the one it renews) and keeps the
    old one. At most one agreement per dealer and product scope is active at a time
    (checked by the activation service, since scopes are sets of categories and products).
    """

    number = models.CharField(_("agreement number"), max_length=32, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", verbose_name=_("renews"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="renewals")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="agreements")
    agreement_type = models.CharField(_("authorization type"), max_length=16,
                                      choices=AgreementType.choices,
                                      default=AgreementType.DISTRIBUTION)
    status = models.CharField(_("status"), max_length=16, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT)
    start_date = models.DateField(_("effective from"))
    end_date = models.DateField(_("effective until"))

    # General clauses: the parties (snapshots: the contract keeps what was signed).
    manufacturer_name = models.CharField(_("manufacturer"), max_length=160, blank=True)
    manufacturer_legal_representative = models.CharField(
        _("manufacturer's legal representative"), max_length=40, blank=True)
    manufacturer_address = models.CharField(_("manufacturer's address"), max_length=200,
                                            blank=True)
    manufacturer_phone = models.CharField(_("manufacturer's phone"), max_length=32, blank=True)
    manufacturer_bank_account = models.CharField(_("manufacturer's bank account"),
                                                 max_length=80, blank=True)
    dealer_legal_name = models.CharField(_("dealer's legal entity"), max_length=160, blank=True)
    dealer_legal_representative = models.CharField(_("dealer's legal representative"),
                                                   max_length=40, blank=True)
    dealer_address = models.CharField(_("dealer's address"), max_length=200, blank=True)
    dealer_phone = models.CharField(_("dealer's phone"), max_length=32, blank=True)
    dealer_bank_account = models.CharField(_("dealer's bank account"), max_length=80,
                                           blank=True)
    all_products = models.BooleanField(_("covers all products"), default=False)
    categories = models.ManyToManyField("catalog.Category", verbose_name=_("product categories"),
                                        blank=True, related_name="agreements")
    products = models.ManyToManyField("catalog.Product", verbose_name=_("products"), blank=True,
                                      related_name="agreements")
    renewal_terms = models.TextField(_("renewal conditions"), blank=True)
    termination_terms = models.TextField(_("termination conditions"), blank=True)
    dispute_resolution_days = models.PositiveIntegerField(_("dispute resolution deadline (days)"),
                                                          null=True, blank=True)
    dispute_venue = models.CharField(_("arbitration or court venue"), max_length=120,
                                     blank=True)
    copies = models.PositiveSmallIntegerField(_("number of copies"), null=True, blank=True)
    copies_holders = models.CharField(_("copies held by"), max_length=120, blank=True)
    supplementary_terms = models.TextField(_("supplementary agreements and other matters"),
                                           blank=True)

    # Dealer obligations.
    territories = models.ManyToManyField("territories.Territory",
                                         verbose_name=_("authorized territory"), blank=True,
                                         related_name="agreements")
    territory_protection = models.BooleanField(_("territory protection"), default=True)
    price_level = models.CharField(_("supply price level"), max_length=16,
                                   choices=PriceLevel.choices, default=PriceLevel.TIER1)
    discount_percent = models.DecimalField(
        _("price discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))])
    delivery_obligation = models.TextField(_("delivery to downstream customers"), blank=True)
    coverage_target_count = models.PositiveIntegerField(
        _("coverage target (sub-dealers and terminals)"), null=True, blank=True)
    coverage_target_days = models.PositiveIntegerField(_("coverage target within (days)"),
                                                       null=True, blank=True)
    safety_stock_days = models.PositiveIntegerField(_("safety stock (days of sales)"),
                                                    null=True, blank=True)
    max_stock_days = models.PositiveIntegerField(_("maximum stock (days of sales)"), null=True,
                                                 blank=True)
    flow_report_day = models.PositiveSmallIntegerField(
        _("stock and flow report due (day of next month)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)])
    channel_management_terms = models.TextField(_("channel management duties"), blank=True)

    # Incentives.
    credit_limit = MoneyField(_("credit limit"))
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=30)
    settlement_method = models.CharField(_("settlement method"), max_length=16,
                                         choices=SettlementMethod.choices,
                                         default=SettlementMethod.CREDIT)
    payment_method = models.CharField(_("payment method"), max_length=16,
                                      choices=PaymentMethod.choices,
                                      default=PaymentMethod.BANK_TRANSFER)
    initial_stock_amount = MoneyField(_("initial stocking amount (铺货量)"))
    rebate_percent = models.DecimalField(_("rebate points (%)"), max_digits=5, decimal_places=2,
                                         default=Decimal("0.00"))
    rebate_terms = models.TextField(_("rebate policy"), blank=True)
    promotion_fund = MoneyField(_("promotion fund"))
    promotion_support = models.TextField(
        _("promotion support (media, staff, samples, materials)"), blank=True)
    over_target_reward = models.TextField(_("over-target reward"), blank=True)
    quality_terms = models.TextField(_("quality liability, returns and exchanges"), blank=True)
    lead_time_days = models.PositiveIntegerField(_("shortest delivery lead time (days)"),
                                                 null=True, blank=True)
    pickup_method = models.CharField(_("pickup method"), max_length=16,
                                     choices=PickupMethod.choices, default=PickupMethod.DELIVERY)
    freight_bearer = models.CharField(_("freight paid by"), max_length=16,
                                      choices=FreightBearer.choices,
                                      default=FreightBearer.MANUFACTURER)

    # Controls.
    annual_target = MoneyField(_("annual sales target"))
    target_reward = models.TextField(_("reward when the target is met"), blank=True)
    target_miss_consequence = models.TextField(_("benefits lost when the target is missed"),
                                               blank=True)
    deposit_amount = MoneyField(_("market deposit (保证金)"))
    cross_region_penalty = MoneyField(_("penalty per cross-region selling case"))
    price_violation_penalty = MoneyField(_("penalty per price violation"))
    exclusivity = models.BooleanField(_("no competing products"), default=False)
    exclusivity_reward = models.TextField(_("exclusive-sale reward"), blank=True)

    not_applicable = models.JSONField(_("clauses marked not applicable"), default=list,
                                      blank=True)

    # Lifecycle.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("termination reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-start_date", "-number"]
        indexes = [models.Index(fields=["dealer", "status"]),
                   models.Index(fields=["status", "end_date"]),
                   models.Index(fields=["-start_date", "-number"])]
        constraints = [
            models.CheckConstraint(name="agreement_term_ordered",
                                   condition=models.Q(end_date__gte=models.F("start_date"))),
            models.CheckConstraint(name="agreement_money_not_negative",
                                   condition=models.Q(credit_limit__gte=0, deposit_amount__gte=0,
                                                      annual_target__gte=0)),
            models.UniqueConstraint(fields=["previous"], name="agreement_one_renewal",
                                    condition=models.Q(previous__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"


class AgreementTarget(models.Model):
    """The annual sales target broken down by month (amount in CNY)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    month = models.DateField(_("month"))
    amount = MoneyField(_("target amount"))

    class Meta:
        verbose_name = _("monthly target")
        verbose_name_plural = _("monthly targets")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "month"], name="target_one_per_month"),
            models.CheckConstraint(name="target_month_first_day",
                                   condition=models.Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} {self.month:%Y-%m}"


class AgreementAttachment(TimeStampedModel):
    """A document kept with the agreement: power of attorney, pickup proof, signed scan."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE,
                                  related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices,
                            default=AttachmentKind.OTHER)
    file = models.FileField(_("file"), upload_to="agreements/%Y/%m/")
    name = models.CharField(_("name"), max_length=120)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
