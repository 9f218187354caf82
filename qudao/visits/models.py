"""Calls and visits: the contact log, its photos, and each rep's monthly plan (月行程计划)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
