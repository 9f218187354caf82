"""Dealer service: the contact directory with its time limits, the working calendar the limits
are counted in, and the dealers' service requests with their thread, escalations and
notifications."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.core.models import BilingualName, TimeStampedModel
from qudao.service.choices import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    PRIORITY_BADGE,
    STATUS_BADGE,
    Channel,
    CloseKind,
    DayKind,
    Deadline,
    MessageKind,
    MessagingApp,
    NotificationReason,
    Priority,
    RequestStatus,
)

HOURS = {"max_digits": 6, "decimal_places": 2}


def _in_language(chinese: str, english: str) -> str:
    from django.utils.translation import get_language

    if english and (get_language() or "").startswith("en"):
        return english
    return chinese


class ServiceFunction(BilingualName, TimeStampedModel):
    """One function dealers turn to (ordering, payment check, logistics, design …): the
    department and person behind it, how to reach them, and the working hours promised for
    the first response and the resolution at each priority (R-SR-01, -03, -06, -09).

    `code` is a stable slug ("complaint", "quality", "after_sales" …) that reports and the
    dealer-month facts group by.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    department = models.CharField(_("department"), max_length=60)
    department_en = models.CharField(_("department (English)"), max_length=60, blank=True)
    guide = models.TextField(_("what to send and how it is handled"), blank=True)
    guide_en = models.TextField(_("what to send and how it is handled (English)"),
                                blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    messaging_app = models.CharField(_("messaging app"), max_length=10,
                                     choices=MessagingApp.choices, blank=True)
    messaging_id = models.CharField(_("messaging id"), max_length=60, blank=True)
    response_low = models.DecimalField(_("first response, low (working hours)"), **HOURS)
    response_normal = models.DecimalField(_("first response, normal (working hours)"), **HOURS)
    response_high = models.DecimalField(_("first response, high (working hours)"), **HOURS)
    response_urgent = models.DecimalField(_("first response, urgent (working hours)"), **HOURS)
    resolution_low = models.DecimalField(_("resolution, low (working hours)"), **HOURS)
    resolution_normal = models.DecimalField(_("resolution, normal (working hours)"), **HOURS)
    resolution_high = models.DecimalField(_("resolution, high (working hours)"), **HOURS)
    resolution_urgent = models.DecimalField(_("resolution, urgent (working hours)"), **HOURS)
    sort_order = models.PositiveSmallIntegerField(_("order in the directory"), default=100)
    is_active = models.BooleanField(_("takes requests"), default=True)

    class Meta:
        verbose_name = _("service function")
        verbose_name_plural = _("service functions")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                name="service_function_limits_positive",
                condition=models.Q(response_low__gt=0, response_normal__gt=0,
                                   response_high__gt=0, response_urgent__gt=0),
            ),
            *[models.CheckConstraint(
                name=f"service_function_resolution_after_response_{p}",
                condition=models.Q(**{f"resolution_{p}__gte": models.F(f"response_{p}")}))
              for p in Priority.values],
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        errors = {}
        for priority in Priority.values:
            response = getattr(self, f"response_{priority}")
            resolution = getattr(self, f"resolution_{priority}")
            if response is not None and response <= 0:
                errors[f"response_{priority}"] = _("A time limit must be more than zero.")
            if None not in (response, resolution) and resolution < response:
                errors[f"resolution_{priority}"] = _(
                    "The resolution cannot be due before the first response.")
        if errors:
            raise ValidationError(errors)

    def limits(self, priority: str) -> tuple[Decimal, Decimal]:
        """(first response, resolution) working hours promised at `priority`."""
        return getattr(self, f"response_{priority}"), getattr(self, f"resolution_{priority}")

    @property
    def department_display(self) -> str:
        return _in_language(self.department, self.department_en)

    @property
    def guide_display(self) -> str:
        return _in_language(self.guide, self.guide_en)


class ServiceRoute(TimeStampedModel):
    """Who answers a function's requests from dealers in a territory subtree (R-SR-07); the
    deepest matching node wins, and without one the function's responsible person does."""

    function = models.ForeignKey(ServiceFunction, verbose_name=_("function"),
                                 on_delete=models.CASCADE, related_name="routes")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"),
                             on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [models.UniqueConstraint(fields=["function", "territory"],
                                               name="one_route_per_function_and_region")]

    def __str__(self) -> str:
        return f"{self.function.code} {self.territory_id} → {self.user}"


class WorkingCalendar(TimeStampedModel):
    """The service desk's working time: the hours of a working day, the weekdays worked, and
    how long a resolved request waits for the dealer's confirmation before it closes.

    One row (pk 1). Public holidays and adjusted working days are CalendarDay rows.
    """

    hours = models.CharField(
        _("working hours"), max_length=100, default="09:00-12:00,13:30-18:00",
        help_text=_("Periods of a working day, comma separated, e.g. 09:00-12:00,13:30-18:00."))
    workdays = models.CharField(_("weekdays worked"), max_length=7, default="12345",
                                help_text=_("ISO weekday numbers: 1 = Monday … 7 = Sunday."))
    auto_close_days = models.PositiveSmallIntegerField(
        _("close resolved requests after (days)"), default=7,
        help_text=_("A resolved request the dealer neither confirms nor reopens closes "
                    "itself after this many days."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendar")

    def __str__(self) -> str:
        return f"{self.hours} ({self.workdays})"

    def clean(self) -> None:
        from qudao.service.workhours import periods_parse

        try:
            periods_parse(self.hours)
        except ValueError as exc:
            raise ValidationError({"hours": str(exc)}) from None
        if not self.workdays or any(c not in "1234567" for c in self.workdays) or len(
                set(self.workdays)) != len(self.workdays):
            raise ValidationError({"workdays": _("Use the digits 1 to 7, each once.")})

    @classmethod
    def current(cls) -> "WorkingCalendar":
        return cls.objects.get_or_create(pk=1)[0]


class CalendarDay(models.Model):
    """An exception to the weekly pattern: a public holiday (no work on a weekday) or an
    adjusted working day (调休: a weekend day that is worked)."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class ServiceRequest(models.Model):
    """A dealer's request to one function: routed to a department and a person, answered
    within the function's working-hour limits, and closed when the dealer confirms (or on
    its own some days after it was resolved).

    The limits are copied from the directory when the request is raised, so changing the
    directory later does not move the deadlines of requests already running. The deadlines
    are absolute times (Asia/Shanghai working hours counted in); waiting for the dealer
    stops the resolution clock, and the resolution deadline moves by the time waited.
    """

    number = models.CharField(_("request number"), max_length=24, unique=True, null=True,
                              blank=True)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="service_requests")
    function = models.ForeignKey(ServiceFunction, verbose_name=_("type"),
                                 on_delete=models.PROTECT, related_name="requests")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices,
                                default=Priority.NORMAL)
    subject = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("description"))
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("raised through"), max_length=8, choices=Channel.choices,
                               default=Channel.PORTAL)
    caller_name = models.CharField(_("caller"), max_length=40, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    department = models.CharField(_("department"), max_length=60, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="service_requests_assigned")
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.NEW)
    response_hours = models.DecimalField(_("first response limit (working hours)"), **HOURS)
    resolution_hours = models.DecimalField(_("resolution limit (working hours)"), **HOURS)
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting for the dealer since"), null=True,
                                         blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_kind = models.CharField(_("closed how"), max_length=10, choices=CloseKind.choices,
                                  blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the service"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    # A default rather than auto_now_add: requests logged after the fact (a call taken on
    # paper, the demo history) keep the moment they were raised.
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        constraints = [
            models.CheckConstraint(
                name="service_request_rating_1_to_5",
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5)),
        ]
        indexes = [
            # The dealer-month facts count requests per dealer and month.
            models.Index(fields=["dealer", "created_at"], name="service_req_dealer_created"),
            models.Index(fields=["status", "resolution_due"], name="service_req_status_due"),
            models.Index(fields=["assignee", "status"], name="service_req_assignee"),
            models.Index(fields=["function", "created_at"], name="service_req_function"),
            models.Index(fields=["-created_at", "-id"], name="service_req_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "")

    @property
    def priority_badge(self) -> str:
        return PRIORITY_BADGE.get(self.priority, "")

    def overdue_deadlines(self, now: datetime.datetime | None = None) -> list[str]:
        """Which deadlines have passed unmet at `now` (none while waiting for the dealer)."""
        now = now or timezone.now()
        if self.status not in ACTIVE_STATUSES:
            return []
        passed = []
        if self.first_response_at is None and self.first_response_due <= now:
            passed.append(Deadline.FIRST_RESPONSE)
        if self.resolution_due <= now:
            passed.append(Deadline.RESOLUTION)
        return passed

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_deadlines())

    @property
    def response_on_time(self) -> bool | None:
        if self.first_response_at is None:
            return None
        return self.first_response_at <= self.first_response_due

    @property
    def resolution_on_time(self) -> bool | None:
        if self.resolved_at is None:
            return None
        return self.resolved_at <= self.resolution_due


class ServiceMessage(models.Model):
    """One entry of a request's thread: a message (an internal note when `internal`, which
    dealers never see), a status change or an assignment."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE,
                                related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices,
                            default=MessageKind.MESSAGE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("message"), blank=True)
    internal = models.BooleanField(_("internal note"), default=False)
    from_status = models.CharField(_("from"), max_length=16, choices=RequestStatus.choices,
                                   blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=RequestStatus.choices,
                                 blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class ServiceAttachment(models.Model):
    """A file sent with a message (a photo of a damaged case, a remittance slip …)."""

    message = models.ForeignKey(ServiceMessage, on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("file"), upload_to="service/%Y/%m/")
    name = models.CharField(_("name"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request attachment")
        verbose_name_plural = _("request attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ServiceEscalation(models.Model):
    """A deadline that passed unmet, taken one level up: to the dealer's rep (level 1), then
    to the regional manager (level 2) once the same time limit has passed again.

    Unique per request, deadline, level and the deadline's moment: each passed deadline is
    escalated once per level, and a new deadline (after a reopen) can be escalated again.
    """

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE,
                                related_name="escalations")
    deadline = models.CharField(_("deadline"), max_length=16, choices=Deadline.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    due_at = models.DateTimeField(_("was due at"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("escalated to"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    escalated_at = models.DateTimeField(_("escalated at"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["escalated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "deadline", "level", "due_at"],
                                    name="escalate_once_per_deadline_and_level"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.deadline} L{self.level}"


class ServiceNotification(models.Model):
    """A request in someone's notification list: assigned to them, answered, escalated."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="service_notifications")
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE,
                                related_name="notifications")
    reason = models.CharField(_("reason"), max_length=14, choices=NotificationReason.choices)
    escalation = models.ForeignKey(ServiceEscalation, null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service notification")
        verbose_name_plural = _("service notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "escalation"],
                                    condition=models.Q(escalation__isnull=False),
                                    name="notify_escalation_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.request_id} {self.reason}"


# -- the needs registry (需求备案) and dealer support (输出经理人) ---------------------------------

class NeedCategory(models.TextChoices):
    PRODUCT_RENEWAL = "product_renewal", _("Product renewal")
    NEW_PRODUCT = "new_product", _("New product")
    TRAINING = "training", _("Training")
    CONFERENCE = "conference", _("Dealer conference")
    MARKETING = "marketing", _("Marketing support")
    LOGISTICS = "logistics", _("Logistics")
    CREDIT_TERMS = "credit_terms", _("Credit and terms")
    OTHER = "other", _("Other")


class NeedScope(models.TextChoices):
    COMMON = "common", _("Common (共性)")
    INDIVIDUAL = "individual", _("Individual (个性化)")


class NeedStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class NeedChannel(models.TextChoices):
    """How a need reached the company (R-NR-01: web and portal, hotline, publications)."""

    PORTAL = "portal", _("Dealer portal")
    PHONE = "phone", _("Phone or hotline")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    PUBLICATION = "publication", _("Newsletter or magazine")
    API = "api", _("API")


class SupportRole(models.TextChoices):
    SECONDED_MANAGER = "seconded_manager", _("Seconded manager (输出经理人)")
    BUSINESS_SUPPORT = "business_support", _("Business support")
    TRAINER = "trainer", _("Trainer")
    OTHER = "other", _("Other support")


NEED_OPEN_STATUSES = [NeedStatus.RECORDED, NeedStatus.UNDER_REVIEW, NeedStatus.PLANNED]
NEED_CLOSED_STATUSES = [NeedStatus.DONE, NeedStatus.DECLINED]
NEED_STATUS_BADGE = {
    NeedStatus.RECORDED: "alert-new", NeedStatus.UNDER_REVIEW: "alert-acknowledged",
    NeedStatus.PLANNED: "alert-action_taken", NeedStatus.DONE: "alert-resolved",
    NeedStatus.DECLINED: "alert-dismissed",
}


class CommonNeed(TimeStampedModel):
    """A need many dealers share (共性需求), turned into one company-level action: a product
    renewal, a dealer conference, a training, a dealer column in the newsletter (R-NR-04).

    Individual needs are attached to it; while attached they follow it: its status, due
    date and outcome (or reason for declining) are theirs, so every dealer who raised the
    need sees what the company decided.
    """

    number = models.CharField(_("number"), max_length=24, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=NeedCategory.choices)
    action = models.TextField(_("company action"), blank=True,
                              help_text=_("What the company will do about it."))
    department = models.CharField(_("owning department"), max_length=60, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=NeedStatus.choices,
                              default=NeedStatus.RECORDED)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    decline_reason = models.TextField(_("reason declined"), blank=True)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("done or declined at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("common need")
        verbose_name_plural = _("common needs")
        constraints = [
            models.CheckConstraint(
                name="common_need_declined_has_reason",
                condition=~models.Q(status="declined") | ~models.Q(decline_reason="")),
            models.CheckConstraint(
                name="common_need_done_has_outcome",
                condition=~models.Q(status="done") | ~models.Q(outcome="")),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="common_need_status")]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in NEED_OPEN_STATUSES

    @property
    def status_badge(self) -> str:
        return NEED_STATUS_BADGE.get(self.status, "")


class Need(models.Model):
    """A dealer's need, registered (备案) with an owning department and person (R-NR-02),
    classified common or individual and benefit-type or other (R-NR-03), and followed from
    recorded to done or declined, with the dealer's confirmation at the end (R-NR-06).

    A common need is one attached to a CommonNeed (scope and link agree, by constraint).
    """

    number = models.CharField(_("number"), max_length=24, unique=True, null=True, blank=True)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=NeedCategory.choices)
    benefit = models.BooleanField(
        _("benefit need (利益需求)"), default=False,
        help_text=_("About the dealer's money: margins, rebates, credit, terms."))
    scope = models.CharField(_("scope"), max_length=10, choices=NeedScope.choices,
                             default=NeedScope.INDIVIDUAL)
    common_need = models.ForeignKey(CommonNeed, verbose_name=_("common need"), null=True,
                                    blank=True, on_delete=models.PROTECT,
                                    related_name="needs")
    channel = models.CharField(_("raised through"), max_length=12,
                               choices=NeedChannel.choices, default=NeedChannel.PORTAL)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    raised_by_dealer = models.BooleanField(_("raised by the dealer"), default=False)
    department = models.CharField(_("owning department"), max_length=60, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              blank=True, on_delete=models.SET_NULL,
                              related_name="needs_owned")
    status = models.CharField(_("status"), max_length=16, choices=NeedStatus.choices,
                              default=NeedStatus.RECORDED)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    decline_reason = models.TextField(_("reason declined"), blank=True)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("done or declined at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed by the dealer at"), null=True,
                                        blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                     verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmation_note = models.TextField(_("dealer's comment"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dealer need")
        verbose_name_plural = _("dealer needs")
        constraints = [
            models.CheckConstraint(
                name="need_scope_matches_common_link",
                condition=models.Q(scope="common", common_need__isnull=False)
                | models.Q(scope="individual", common_need__isnull=True)),
            models.CheckConstraint(
                name="need_declined_has_reason",
                condition=~models.Q(status="declined") | ~models.Q(decline_reason="")),
            models.CheckConstraint(
                name="need_done_has_outcome",
                condition=~models.Q(status="done") | ~models.Q(outcome="")),
        ]
        indexes = [
            models.Index(fields=["dealer", "created_at"], name="need_dealer_created"),
            models.Index(fields=["status", "due_on"], name="need_status_due"),
            models.Index(fields=["owner", "status"], name="need_owner_status"),
            models.Index(fields=["-created_at", "-id"], name="need_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in NEED_OPEN_STATUSES

    @property
    def status_badge(self) -> str:
        return NEED_STATUS_BADGE.get(self.status, "")

    def is_overdue_on(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class DealerSupport(TimeStampedModel):
    """A member of staff supporting a dealer from a date to a date: above all the seconded
    manager (输出经理人), paid by HQ, led both by the company and by the dealer, who reports
    to HQ once a month, develops one qualified business manager for the dealer and leaves
    only once the dealer's sales are stable and that manager is trained (R-DS-01 to -04).

    A dealer has at most one seconded manager at a time.
    """

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member"),
                             on_delete=models.PROTECT, related_name="dealer_supports")
    role = models.CharField(_("role"), max_length=20, choices=SupportRole.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    salary_paid_by_hq = models.BooleanField(_("salary paid by HQ"), default=True)
    dealer_superior = models.CharField(
        _("reports at the dealer to"), max_length=60, blank=True,
        help_text=_("The seconded manager is led by the company and by the dealer."))
    trainee_name = models.CharField(
        _("business manager being developed"), max_length=40, blank=True,
        help_text=_("The dealer's employee the seconded manager trains to take over."))
    trainee_qualified_on = models.DateField(_("business manager qualified on"), null=True,
                                            blank=True)
    sales_stable = models.BooleanField(_("dealer's sales stable"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    end_note = models.TextField(_("why it ended"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("dealer support")
        verbose_name_plural = _("dealer support")
        constraints = [
            models.CheckConstraint(
                name="dealer_support_ends_after_start",
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on"))),
            models.UniqueConstraint(
                fields=["dealer"], name="one_seconded_manager_per_dealer",
                condition=models.Q(role="seconded_manager", ended_on__isnull=True)),
        ]
        indexes = [models.Index(fields=["dealer", "ended_on"], name="dealer_support_dealer")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())


class DealerSupportReport(models.Model):
    """A seconded manager's monthly report to HQ (R-DS-02): one per assignment and month."""

    support = models.ForeignKey(DealerSupport, verbose_name=_("assignment"),
                                on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("month"))
    summary = models.TextField(_("report"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly report to HQ")
        verbose_name_plural = _("monthly reports to HQ")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["support", "month"],
                                    name="one_support_report_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.support_id} {self.month:%Y-%m}"
