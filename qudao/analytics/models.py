"""Dealer-month facts: what every analytic module reads instead of the raw transactions."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField

OVERDUE_DAYS = 30


class DealerMonth(models.Model):
    """One dealer's month, summed from its orders, invoices, payments and targets.

    Derived rows: `facts_rebuild` writes them all, `facts_refresh` rewrites the months that
    changed since the last run. Never edited by hand.
    """

    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.CASCADE, related_name="+",
                               db_constraint=False)
    month = models.DateField(_("month"))
    order_amount = MoneyField(_("order amount"))
    list_amount = MoneyField(_("order amount at list price"))
    order_quantity = models.BigIntegerField(_("order quantity"), default=0)
    order_lines = models.IntegerField(_("order lines"), default=0)
    order_count = models.IntegerField(_("orders"), default=0)
    invoiced_amount = MoneyField(_("invoiced"))
    payment_amount = MoneyField(_("collected"))
    target_amount = MoneyField(_("target"))
    first_order_day = models.DateField(_("first order day"), null=True, blank=True)
    last_order_day = models.DateField(_("last order day"), null=True, blank=True)
    # Overdue balance as flows: it grows by what falls due unpaid in the month and shrinks
    # by late payments received in it; its running sum is the balance at each month end.
    overdue_added = MoneyField(_("fell due unpaid"))
    overdue_paid = MoneyField(_("paid late"))
    # The same for what is more than OVERDUE_DAYS past due: it fell due OVERDUE_DAYS
    # before the month it is counted in.
    overdue30_added = MoneyField(_("passed 30 days overdue"))
    overdue30_paid = MoneyField(_("paid over 30 days late"))
    allocated_amount = MoneyField(_("collected against invoices"))
    late_amount_days = models.DecimalField(_("amount × days paid late"), max_digits=20,
                                           decimal_places=2, default=0)
    # From the dealer's stock and flow report of the month (0 when it sent none).
    stock_reports = models.SmallIntegerField(_("stock reports"), default=0)
    stock_quantity = models.BigIntegerField(_("quantity on hand"), default=0)
    sold_quantity = models.BigIntegerField(_("quantity sold"), default=0)
    active_customers = models.IntegerField(_("customers sold to"), default=0)
    # Service requests the dealer raised in the month (all types; complaints and product
    # quality among them) and the contacts with it (calls both ways, visits).
    requests = models.IntegerField(_("service requests"), default=0)
    complaints = models.IntegerField(_("complaints"), default=0)
    quality_issues = models.IntegerField(_("product quality issues"), default=0)
    calls_in = models.IntegerField(_("calls from the dealer"), default=0)
    calls_out = models.IntegerField(_("calls to the dealer"), default=0)
    visits = models.IntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("dealer month")
        verbose_name_plural = _("dealer months")
        constraints = [
            models.UniqueConstraint(fields=["dealer", "month"], name="dealer_month_once"),
        ]
        indexes = [models.Index(fields=["month", "dealer"])]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.month:%Y-%m}"

    @property
    def unit_price(self) -> Decimal | None:
        """Average unit price of the month's orders (amount / quantity)."""
        if not self.order_quantity:
            return None
        return (self.order_amount / self.order_quantity).quantize(Decimal("0.0001"))

    @property
    def days_late(self) -> Decimal | None:
        """Average days past due of what was collected in the month (amount-weighted)."""
        if not self.allocated_amount:
            return None
        return (self.late_amount_days / self.allocated_amount).quantize(Decimal("0.1"))

    @property
    def price_index(self) -> Decimal | None:
        """Paid against list price (1 = full price): falls when prices are cut, whatever
        the mix of products."""
        if not self.list_amount:
            return None
        return (self.order_amount / self.list_amount).quantize(Decimal("0.0001"))


class FactsRun(models.Model):
    """One rebuild or refresh of the facts: the next refresh starts from its start time."""

    class Kind(models.TextChoices):
        REBUILD = "rebuild", _("Rebuild")
        REFRESH = "refresh", _("Refresh")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    dealer_months = models.IntegerField(_("dealer months written"), default=0)
    # The (dealer, month) pairs a refresh rewrote, as [[dealer id, "YYYY-MM-DD"], ...]: the
    # alert scan judges those dealers again without looking for changes a second time.
    changed = models.JSONField(_("dealer months changed"), default=list, blank=True)
    # Dealers with a month that went from ordering to not ordering or back in this refresh:
    # only their parents' sub-dealer networks look different (None: not recorded).
    ordering_flipped = models.JSONField(_("dealers whose ordering flipped"), null=True,
                                        blank=True)

    class Meta:
        verbose_name = _("facts run")
        verbose_name_plural = _("facts runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"
