"""Calls and visits: the contact log, its photos, and each rep's monthly plan (月行程计划)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.visits.choices import ContactKind, DistanceBasis, PlanKind, Purpose


class Contact(TimeStampedModel):
    """One call, visit or online message between the manufacturer's staff and a dealer.

    `month` is the first day of the local (Asia/Shanghai) month of `happened_at`, kept by
    the services, so monthly counts group on a stored column. A visit may carry the
    phone's check-in (what the browser's geolocation sent) and the distance from there to
    the dealer's address, measured when it was logged. Dealers never see these records:
    the notes are the reps' own.
    """

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="contact_log",
                               db_index=False)  # led by the (dealer, happened_at) index
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                              on_delete=models.PROTECT, related_name="dealer_contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    happened_at = models.DateTimeField(_("when"))
    month = models.DateField(_("month"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True,
                                                        blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    person = models.CharField(_("spoke with"), max_length=60, blank=True)
    notes = models.TextField(_("what was discussed and found"))
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    next_step_done_on = models.DateField(_("next step done on"), null=True, blank=True)
    latitude = models.DecimalField(_("check-in latitude"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    longitude = models.DecimalField(_("check-in longitude"), max_digits=9, decimal_places=6,
                                    null=True, blank=True)
    accuracy_m = models.DecimalField(_("check-in accuracy (m)"), max_digits=9,
                                     decimal_places=1, null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    distance_basis = models.CharField(_("distance to"), max_length=10,
                                      choices=DistanceBasis.choices, blank=True)
    alert = models.ForeignKey("alerts.Alert", verbose_name=_("alert"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="contacts")

    class Meta:
        verbose_name = _("call or visit")
        verbose_name_plural = _("calls and visits")
        ordering = ["-happened_at", "-id"]
        indexes = [
            # Last contact per dealer (compliance, the dealer panel) and the dealer-month
            # facts (counts by dealer, month and kind).
            models.Index(fields=["dealer", "happened_at"], name="visits_contact_dealer_at"),
            models.Index(fields=["staff", "-happened_at"], name="visits_contact_staff_at"),
            models.Index(fields=["-happened_at", "-id"], name="visits_contact_at"),
        ]
        constraints = [
            models.CheckConstraint(name="contact_check_in_complete",
                                   condition=models.Q(latitude__isnull=True,
                                                      longitude__isnull=True)
                                   | models.Q(latitude__isnull=False, longitude__isnull=False)),
            models.CheckConstraint(name="contact_duration_positive",
                                   condition=models.Q(duration_minutes__isnull=True)
                                   | models.Q(duration_minutes__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_at:%Y-%m-%d}"

    @property
    def is_call(self) -> bool:
        return self.kind in (ContactKind.CALL_OUT, ContactKind.CALL_IN)

    @property
    def next_step_open(self) -> bool:
        return bool(self.next_step) and self.next_step_done_on is None


class ContactPhoto(models.Model):
    """A photo taken at a visit (the shelf, the warehouse, a display), stored under
    MEDIA_ROOT and served only through the contact's page."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="visits/%Y/%m/")
    name = models.CharField(_("name"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class MonthPlan(TimeStampedModel):
    """A rep's itinerary for one month (月行程计划): the calls and visits he plans, compared
    with what he logged, and his manager's comments."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"),
                            on_delete=models.CASCADE, related_name="visit_plans")
    month = models.DateField(_("month"))
    notes = models.TextField(_("goals of the month"), blank=True)

    class Meta:
        verbose_name = _("month plan")
        verbose_name_plural = _("month plans")
        ordering = ["-month", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["rep", "month"], name="one_plan_per_rep_month"),
            models.CheckConstraint(name="plan_month_first_day",
                                   condition=models.Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.rep} {self.month:%Y-%m}"


class PlanItem(models.Model):
    """One planned call or visit: which dealer, which day, what for."""

    plan = models.ForeignKey(MonthPlan, on_delete=models.CASCADE, related_name="items")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=6, choices=PlanKind.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices,
                               blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("planned call or visit")
        verbose_name_plural = _("planned calls and visits")
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "dealer", "day", "kind"],
                                    name="plan_item_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class PlanComment(models.Model):
    """A manager's comment on a rep's plan, or the rep's answer."""

    plan = models.ForeignKey(MonthPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                               on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id} {self.created_at:%Y-%m-%d}"


# --- weekly and monthly reports (周报告 / 月报告) -----------------------------------------

class ReportKind(models.TextChoices):
    """The period a rep's report covers: an ISO week (Monday to Sunday) or a month."""

    WEEK = "week", _("Weekly report")
    MONTH = "month", _("Monthly report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    COMMENTED = "commented", _("Commented")


class RepReport(TimeStampedModel):
    """A rep's weekly or monthly report: figures assembled from what he did in the period
    (calls, visits, his dealers' requests and orders, the alerts given to him) and his own
    account of it (summary, problems, plan for the next period).

    While a draft only the rep sees it and its figures follow his records; submitting
    freezes the figures as they stood on `figures_as_of` (the period's last day, or the
    day it was submitted if earlier). His manager reads it and comments; the first comment
    by anyone but the rep marks it commented.
    """

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"),
                            on_delete=models.CASCADE, related_name="rep_reports")
    kind = models.CharField(_("report"), max_length=6, choices=ReportKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    commented_at = models.DateTimeField(_("first commented at"), null=True, blank=True)
    figures_as_of = models.DateField(_("figures as of"))
    figures_at = models.DateTimeField(_("figures assembled at"))
    # His calls and visits in the period, and the dealers they reached.
    calls_out = models.PositiveIntegerField(_("calls to dealers"), default=0)
    calls_in = models.PositiveIntegerField(_("calls from dealers"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    messages = models.PositiveIntegerField(_("online messages"), default=0)
    dealers_contacted = models.PositiveIntegerField(_("dealers contacted"), default=0)
    # His active dealers (assigned to him) on figures_as_of, and those overdue for a call
    # or a visit by the company's rules.
    dealers = models.PositiveIntegerField(_("active dealers"), default=0)
    overdue_dealers = models.PositiveIntegerField(_("dealers overdue for contact"), default=0)
    # Service requests his dealers raised; requests assigned to him and resolved, on time.
    requests_raised = models.PositiveIntegerField(_("requests raised by his dealers"),
                                                  default=0)
    requests_handled = models.PositiveIntegerField(_("requests he resolved"), default=0)
    requests_on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    # Sales orders of his dealers placed in the period.
    orders = models.PositiveIntegerField(_("orders"), default=0)
    order_amount = MoneyField(_("order amount"))
    dealers_ordering = models.PositiveIntegerField(_("dealers that ordered"), default=0)
    # Alerts assigned to him: raised, acknowledged and closed in the period, open at its end.
    alerts_raised = models.PositiveIntegerField(_("alerts raised"), default=0)
    alerts_acknowledged = models.PositiveIntegerField(_("alerts acknowledged"), default=0)
    alerts_closed = models.PositiveIntegerField(_("alerts closed"), default=0)
    alerts_open = models.PositiveIntegerField(_("alerts open at the end"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    problems = models.TextField(_("problems and support needed"), blank=True)
    next_plan = models.TextField(_("plan for the next period"), blank=True)

    class Meta:
        verbose_name = _("rep report")
        verbose_name_plural = _("rep reports")
        ordering = ["-period_start", "kind", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["rep", "kind", "period_start"],
                                    name="one_report_per_rep_and_period"),
            models.CheckConstraint(name="report_week_starts_monday",
                                   condition=~models.Q(kind="week")
                                   | models.Q(period_start__iso_week_day=1)),
            models.CheckConstraint(name="report_month_starts_first_day",
                                   condition=~models.Q(kind="month")
                                   | models.Q(period_start__day=1)),
            models.CheckConstraint(name="report_period_ordered",
                                   condition=models.Q(period_end__gte=models.F("period_start"))),
        ]
        indexes = [
            models.Index(fields=["-period_start", "-id"], name="visits_report_period"),
            models.Index(fields=["rep", "-period_start"], name="visits_report_rep"),
        ]

    def __str__(self) -> str:
        return f"{self.rep} {self.get_kind_display()} {self.period_start}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def calls(self) -> int:
        return self.calls_out + self.calls_in


class ReportComment(models.Model):
    """A manager's comment on a submitted report, or the rep's answer (a thread)."""

    report = models.ForeignKey(RepReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                               on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id} {self.created_at:%Y-%m-%d}"
