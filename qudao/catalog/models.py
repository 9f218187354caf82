"""Products (SKUs) and the price system (价格体系) per channel level."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel


class Category(MP_Node, TimeStampedModel):
    """A product category; categories form a tree (e.g. 饮料 -> 茶饮料 -> 绿茶)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Brand(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("On sale")
    DISCONTINUED = "discontinued", _("Discontinued")


class Product(TimeStampedModel):
    """A SKU the manufacturer sells through its channel."""

    sku = models.CharField(_("SKU"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    spec = models.CharField(_("specification"), max_length=80, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="products")
    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.PROTECT,
                              related_name="products")
    unit = models.CharField(_("unit"), max_length=10, default="件")
    units_per_case = models.PositiveIntegerField(_("units per case"), default=1,
                                                 validators=[MinValueValidator(1)])
    order_multiple = models.PositiveIntegerField(
        _("order in multiples of"), default=1, validators=[MinValueValidator(1)],
        help_text=_("Quantities are ordered in multiples of this, e.g. a full case of pieces."))
    barcode = models.CharField(_("barcode"), max_length=14, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProductStatus.choices,
                              default=ProductStatus.ACTIVE)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        indexes = [models.Index(fields=["status", "sku"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(name="product_units_per_case_positive",
                                   condition=models.Q(units_per_case__gte=1)),
            models.CheckConstraint(name="product_order_multiple_positive",
                                   condition=models.Q(order_multiple__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class PriceLevel(models.TextChoices):
    """The price system: what each channel level pays, and the price terminals must keep."""

    TIER1 = "tier1", _("Factory → tier-1 price")
    TIER2 = "tier2", _("Tier-1 → tier-2 price")
    TERMINAL = "terminal", _("Tier-2 → terminal price")
    RETAIL = "retail", _("Limited retail price (限定零售价)")


class ProductPrice(TimeStampedModel):
    """One price of a SKU at one level for a period; periods of one SKU and level never overlap.

    `valid_to` is the last day the price applies (inclusive); empty means open-ended.
    """

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="prices")
    level = models.CharField(_("price level"), max_length=16, choices=PriceLevel.choices)
    unit_price = MoneyField(_("unit price (CNY)"), validators=[MinValueValidator(0)])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["product", "level", "-valid_from"]
        indexes = [models.Index(fields=["product", "level", "valid_from"])]
        constraints = [
            models.CheckConstraint(name="price_not_negative",
                                   condition=models.Q(unit_price__gte=0)),
            models.CheckConstraint(
                name="price_period_ordered",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.level} {self.unit_price}"
