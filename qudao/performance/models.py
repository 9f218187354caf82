"""Channel performance (渠道绩效评估) and the reps' KPI (业务人员考核): what is entered by hand.

The figures themselves are read from the dealer-month facts and the transactional apps;
only what exists nowhere else is kept here: the KPI weights HQ sets, channel expenses and
market sizes per region, the non-quantitative indicators recorded per region and period,
and the dealers' quarterly rating of their sales rep.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.performance.choices import ExpenseCategory, PeriodKind, Score

WEIGHT = {"max_digits": 4, "decimal_places": 2,
          "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]}
# The KPI items, in the order pages show them, with their default weights (sum 1.00).
KPI_ITEMS = ["new_dealers", "first_orders", "retention", "repeat_orders", "growth",
             "contact", "first_order_only", "sell_through", "rating"]
DEFAULT_WEIGHTS = {
    "new_dealers": Decimal("0.15"), "first_orders": Decimal("0.10"),
    "retention": Decimal("0.15"), "repeat_orders": Decimal("0.10"), "growth": Decimal("0.10"),
    "contact": Decimal("0.10"), "first_order_only": Decimal("0.05"),
    "sell_through": Decimal("0.10"), "rating": Decimal("0.15"),
}


class KpiWeights(models.Model):
    """One version of the rep KPI scheme HQ set (R-SK-01/02): the weight of each item
    (they sum to 1.00) and the development targets per month. The newest row is in force;
    older rows are the history."""

    new_dealers = models.DecimalField(_("new dealers signed"), **WEIGHT)
    first_orders = models.DecimalField(_("first orders"), **WEIGHT)
    retention = models.DecimalField(_("retention"), **WEIGHT)
    repeat_orders = models.DecimalField(_("repeat orders"), **WEIGHT)
    growth = models.DecimalField(_("sales growth on last year"), **WEIGHT)
    contact = models.DecimalField(_("call and visit compliance"), **WEIGHT)
    first_order_only = models.DecimalField(_("first-order-only share"), **WEIGHT)
    sell_through = models.DecimalField(_("sell-through against sell-in"), **WEIGHT)
    rating = models.DecimalField(_("dealers' rating"), **WEIGHT)
    new_dealers_per_month = models.DecimalField(
        _("new dealers expected per month"), max_digits=5, decimal_places=2,
        default=Decimal("1.00"), validators=[MinValueValidator(Decimal("0.01"))])
    first_orders_per_month = models.DecimalField(
        _("first orders expected per month"), max_digits=5, decimal_places=2,
        default=Decimal("1.00"), validators=[MinValueValidator(Decimal("0.01"))])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("KPI weights")
        verbose_name_plural = _("KPI weights")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"KPI weights {self.created_at:%Y-%m-%d %H:%M}"

    def weights(self) -> dict[str, Decimal]:
        return {item: getattr(self, item) for item in KPI_ITEMS}


class ChannelExpense(TimeStampedModel):
    """What the channel cost in one region and month, by category (R-EV-11): entered by
    hand or imported from Excel; set against the region's sales for the expense ratio."""

    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    category = models.CharField(_("category"), max_length=12, choices=ExpenseCategory.choices)
    amount = MoneyField(_("amount (CNY)"), validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("channel expense")
        verbose_name_plural = _("channel expenses")
        ordering = ["-month", "territory_id", "category", "-id"]
        indexes = [models.Index(fields=["month", "territory"], name="perf_expense_month")]
        constraints = [
            models.CheckConstraint(name="channel_expense_not_negative",
                                   condition=Q(amount__gte=0)),
            models.CheckConstraint(name="channel_expense_month_first_day",
                                   condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.territory_id} {self.month:%Y-%m} {self.category} {self.amount}"


class MarketSize(TimeStampedModel):
    """The size of a region's market in a year (CNY), entered by HQ: the denominator of
    the market share (R-EV-10)."""

    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                   MaxValueValidator(2100)])
    amount = MoneyField(_("market size (CNY)"), validators=[MinValueValidator(0)])
    note = models.CharField(_("source"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("market size")
        verbose_name_plural = _("market sizes")
        ordering = ["-year", "territory__path"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="market_size_once"),
            models.CheckConstraint(name="market_size_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.territory_id} {self.year}: {self.amount}"


class RegionIndicator(TimeStampedModel):
    """The non-quantitative indicators of one region (or the company: no region) and
    period, scored 1-5 by a manager (R-EV-06): the relationship and interaction with the
    members, their satisfaction, the channel's atmosphere (渠道氛围), with a note."""

    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    relationship = models.PositiveSmallIntegerField(_("relationship and interaction"),
                                                    choices=Score.choices)
    satisfaction = models.PositiveSmallIntegerField(_("member satisfaction"),
                                                    choices=Score.choices)
    atmosphere = models.PositiveSmallIntegerField(_("channel atmosphere"),
                                                  choices=Score.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("non-quantitative indicators")
        verbose_name_plural = _("non-quantitative indicators")
        constraints = [
            models.UniqueConstraint(fields=["territory", "period_kind", "period_start"],
                                    condition=Q(territory__isnull=False),
                                    name="indicator_once_per_region"),
            models.UniqueConstraint(fields=["period_kind", "period_start"],
                                    condition=Q(territory__isnull=True),
                                    name="indicator_once_for_company"),
            models.CheckConstraint(
                name="indicator_scores_1_to_5",
                condition=Q(relationship__gte=1, relationship__lte=5, satisfaction__gte=1,
                            satisfaction__lte=5, atmosphere__gte=1, atmosphere__lte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.territory_id or '-'} {self.period_kind} {self.period_start}"


class RepRating(models.Model):
    """A dealer's rating of its sales rep for one quarter (R-SK-02, R-SK-06): 1-5 on
    responsiveness, professionalism and help with sales, with a comment. One per dealer,
    rep and quarter; rating again within the quarter updates it. The rep sees averages
    only; managers see each dealer's rating in their regions."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="+")
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"),
                            on_delete=models.CASCADE, related_name="+")
    quarter = models.DateField(_("quarter"))
    responsiveness = models.PositiveSmallIntegerField(_("responsiveness"), choices=Score.choices)
    professionalism = models.PositiveSmallIntegerField(_("professionalism"),
                                                       choices=Score.choices)
    sales_help = models.PositiveSmallIntegerField(_("help with sales"), choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rating of a sales rep")
        verbose_name_plural = _("ratings of sales reps")
        ordering = ["-quarter", "rep_id", "dealer_id"]
        indexes = [models.Index(fields=["rep", "quarter"], name="perf_rating_rep_quarter")]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "rep", "quarter"],
                                    name="rep_rating_once_per_quarter"),
            models.CheckConstraint(
                name="rep_rating_scores_1_to_5",
                condition=Q(responsiveness__gte=1, responsiveness__lte=5,
                            professionalism__gte=1, professionalism__lte=5,
                            sales_help__gte=1, sales_help__lte=5)),
            models.CheckConstraint(name="rep_rating_quarter_start",
                                   condition=Q(quarter__day=1, quarter__month__in=[1, 4, 7,
                                                                                  10])),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} → {self.rep_id} {self.quarter:%Y-%m}"

    @property
    def overall(self) -> Decimal:
        """The mean of the three scores, to one decimal."""
        total = Decimal(self.responsiveness + self.professionalism + self.sales_help)
        return (total / 3).quantize(Decimal("0.01"))
