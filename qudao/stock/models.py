"""Dealer stock and product flow (库存上报 / 流向): one report per dealer and month."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.models import TimeStampedModel


class ReportSource(models.TextChoices):
    PORTAL = "portal", _("Portal form")
    EXCEL = "excel", _("Excel upload")
    STAFF = "staff", _("Entered by staff")


class StockReport(TimeStampedModel):
    """What a dealer holds at the end of a month and where its goods went during it."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="stock_reports")
    period = models.DateField(_("month"))
    source = models.CharField(_("source"), max_length=8, choices=ReportSource.choices,
                              default=ReportSource.PORTAL)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("stock report")
        verbose_name_plural = _("stock reports")
        ordering = ["-period", "dealer"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "period"], name="stock_report_once"),
            models.CheckConstraint(name="stock_report_month_first_day",
                                   condition=models.Q(period__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.period:%Y-%m}"


class StockLine(models.Model):
    """Quantity of one SKU on hand at the end of the month."""

    report = models.ForeignKey(StockReport, on_delete=models.CASCADE, related_name="stock_lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity on hand"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "product"],
                                               name="stock_line_once_per_product")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.product_id}={self.quantity}"


class FlowLine(models.Model):
    """A sale by the dealer to a downstream customer (sub-dealer, terminal or end customer)."""

    report = models.ForeignKey(StockReport, on_delete=models.CASCADE, related_name="flow_lines")
    sold_on = models.DateField(_("date"))
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    customer = models.ForeignKey("dealers.Dealer", verbose_name=_("customer"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    customer_name = models.CharField(_("customer name"), max_length=120, blank=True)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    batch_number = models.CharField(_("batch number"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("flow line")
        verbose_name_plural = _("flow lines")
        constraints = [models.CheckConstraint(name="flow_line_quantity_positive",
                                              condition=models.Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.product_id}×{self.quantity}"
