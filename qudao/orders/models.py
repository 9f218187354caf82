"""Orders, their shipments (with batch numbers and product codes) and returns."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.orders.choices import (
    CodeKind,
    OrderChannel,
    OrderStatus,
    ReturnReason,
    ReturnStatus,
    ShipmentStatus,
)


class Order(TimeStampedModel):
    """A dealer's purchase order under its active agreement.

    Totals are the sums of the lines. `hold_reason` says why an order waits for finance
    (beyond available credit, or an overdue balance); it stays on the order once approved.
    """

    number = models.CharField(_("order number"), max_length=24, unique=True)
    # Indexed by (dealer, -ordered_on) below; a second index on dealer alone would only
    # slow down every insert.
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="orders", db_index=False)
    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("agreement"),
                                  on_delete=models.PROTECT, related_name="orders", null=True,
                                  blank=True)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices,
                              default=OrderStatus.DRAFT)
    channel = models.CharField(_("placed through"), max_length=10, choices=OrderChannel.choices,
                               default=OrderChannel.PORTAL)
    ordered_on = models.DateField(_("order date"))
    total_amount = MoneyField(_("amount"))
    total_quantity = models.PositiveIntegerField(_("quantity"), default=0)
    hold_reason = models.TextField(_("why it needs approval"), blank=True)
    decision_reason = models.TextField(_("reason (rejection or cancellation)"), blank=True)
    delivery_territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("delivery region"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Where the goods go; must lie inside the agreement's authorized territory."))
    delivery_address = models.CharField(_("delivery address"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    external_ref = models.CharField(_("external reference"), max_length=40, null=True,
                                    blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("placed by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_on", "-id"]
        indexes = [models.Index(fields=["dealer", "-ordered_on"]),
                   models.Index(fields=["status", "-ordered_on"]),
                   models.Index(fields=["-ordered_on", "-id"])]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "external_ref"],
                                    name="order_external_ref_once",
                                    condition=models.Q(external_ref__isnull=False)),
            models.CheckConstraint(name="order_total_not_negative",
                                   condition=models.Q(total_amount__gte=0)),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One SKU of an order. Dealer and date are repeated here so monthly facts group the
    lines without a join (millions of rows)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # dealer and product lead the two composite indexes below, which serve their foreign
    # keys too: millions of lines are cheaper to load with two indexes fewer.
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    ordered_on = models.DateField(_("order date"))
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="order_lines",
                                db_index=False)
    quantity = models.PositiveIntegerField(_("quantity"))
    list_price = MoneyField(_("list price"))
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"))
    shipped_quantity = models.PositiveIntegerField(_("shipped"), default=0)
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [models.Index(fields=["dealer", "ordered_on"]),
                   models.Index(fields=["product", "ordered_on"])]
        constraints = [
            models.CheckConstraint(name="order_line_quantity_positive",
                                   condition=models.Q(quantity__gt=0)),
            models.CheckConstraint(name="order_line_shipped_within_quantity",
                                   condition=models.Q(shipped_quantity__lte=models.F("quantity"))),
            models.CheckConstraint(
                name="order_line_returned_within_shipped",
                condition=models.Q(returned_quantity__lte=models.F("shipped_quantity"))),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.product_id}×{self.quantity}"


class Shipment(TimeStampedModel):
    """Goods leaving the manufacturer's warehouse for one order."""

    number = models.CharField(_("shipment number"), max_length=24, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="shipments")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="shipments")
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.SHIPPED)
    shipped_on = models.DateField(_("shipped on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    amount = MoneyField(_("amount"))
    code_kind = models.CharField(_("product codes"), max_length=8, choices=CodeKind.choices,
                                 blank=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_on", "-id"]
        indexes = [models.Index(fields=["dealer", "-shipped_on"]),
                   models.Index(fields=["-shipped_on", "-id"])]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    """A quantity of one order line shipped from one production batch."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT,
                                   related_name="shipment_lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    batch_number = models.CharField(_("batch number"), max_length=32)
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        indexes = [models.Index(fields=["batch_number"])]
        constraints = [models.CheckConstraint(name="shipment_line_quantity_positive",
                                              condition=models.Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.shipment_id}:{self.product_id}×{self.quantity} [{self.batch_number}]"


class ProductCode(models.Model):
    """A code printed on one unit or case, generated at shipment: whoever finds the item can
    tell which dealer it was shipped to (cross-region detection)."""

    code = models.CharField(_("product code"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CodeKind.choices)
    units = models.PositiveIntegerField(_("units"), default=1)
    shipment_line = models.ForeignKey(ShipmentLine, on_delete=models.CASCADE,
                                      related_name="codes")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("product code")
        verbose_name_plural = _("product codes")

    def __str__(self) -> str:
        return self.code


class ReturnRequest(TimeStampedModel):
    """A return or exchange of shipped goods: damaged, lost, quality accident."""

    number = models.CharField(_("return number"), max_length=24, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="returns")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="returns")
    reason = models.CharField(_("reason"), max_length=10, choices=ReturnReason.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReturnStatus.choices,
                              default=ReturnStatus.REQUESTED)
    amount = MoneyField(_("amount"))
    decision_reason = models.TextField(_("decision reason"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    """A quantity of one order line coming back."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE,
                                       related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = MoneyField(_("amount"))

    class Meta:
        constraints = [models.CheckConstraint(name="return_line_quantity_positive",
                                              condition=models.Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.return_request_id}:{self.order_line_id}×{self.quantity}"
