"""Meetings, trainings and events (R-TE): an event, the dealers invited to it, the people
each dealer registers and who came, the dealers' feedback, the materials handed out, the
training records of the people trained, and the year's training plan."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.events.choices import (
    INVITATION_BADGE,
    STATUS_BADGE,
    EventKind,
    EventStatus,
    InvitationStatus,
    MaterialTopic,
    TrainingCadence,
    TrainingForm,
    TrainingModule,
    TrainingResult,
)


class Event(TimeStampedModel):
    """A dealer conference, annual meeting, dialogue meeting, get-together, training,
    product launch or meeting trip.

    Registration is open while the event is published and before `registration_deadline`
    (at the latest its start). `capacity` counts people, not dealers; the registration
    service counts the places taken with the event row locked, so two dealers registering
    at the same moment cannot both take the last place. The cost fields let the company
    weigh what a meeting cost against what followed (R-TE-03).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description and agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), max_length=300, blank=True)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("held in region"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organizer"),
                                  on_delete=models.PROTECT, related_name="organized_events")
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    per_dealer_limit = models.PositiveSmallIntegerField(_("people per dealer at most"),
                                                        null=True, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"))
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices,
                              default=EventStatus.DRAFT)
    budget = MoneyField(_("budget (CNY)"))
    actual_cost = MoneyField(_("actual cost (CNY)"))
    module = models.CharField(_("training module"), max_length=16,
                              choices=TrainingModule.choices, blank=True)
    training_form = models.CharField(_("training form"), max_length=10,
                                     choices=TrainingForm.choices, blank=True)
    cadence = models.CharField(_("training cadence"), max_length=10,
                               choices=TrainingCadence.choices, blank=True)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    follows = models.ForeignKey("self", verbose_name=_("follows"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="follow_ups")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["-starts_at", "-id"], name="events_event_start"),
            models.Index(fields=["status", "starts_at"], name="events_event_status_start"),
        ]
        constraints = [
            models.CheckConstraint(name="event_ends_after_start",
                                   condition=Q(ends_at__gt=F("starts_at"))),
            models.CheckConstraint(name="event_deadline_before_start",
                                   condition=Q(registration_deadline__lte=F("starts_at"))),
            models.CheckConstraint(name="event_capacity_positive",
                                   condition=Q(capacity__isnull=True) | Q(capacity__gt=0)),
            models.CheckConstraint(name="event_per_dealer_positive",
                                   condition=Q(per_dealer_limit__isnull=True)
                                   | Q(per_dealer_limit__gt=0)),
            models.CheckConstraint(name="event_costs_not_negative",
                                   condition=Q(budget__gte=0) & Q(actual_cost__gte=0)),
            models.CheckConstraint(name="event_status_valid",
                                   condition=Q(status__in=EventStatus.values)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_training(self) -> bool:
        return self.kind == EventKind.TRAINING

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "")

    @property
    def registration_open(self) -> bool:
        return (self.status == EventStatus.PUBLISHED
                and timezone.now() < self.registration_deadline)

    @property
    def has_begun(self) -> bool:
        """Attendance is taken from the day the event begins (people check in early)."""
        return timezone.localdate() >= timezone.localdate(self.starts_at)


class Invitation(TimeStampedModel):
    """One dealer invited to one event, and its answer: registered (with the people it
    sends) or declined. The counts of people registered and of people who came are kept
    by the services so lists and summaries add them without reading every attendee."""

    # Both keys are led by an index below (event: the unique pair; dealer: its own).
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="invitations", db_index=False)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="event_invitations",
                               db_index=False)
    status = models.CharField(_("answer"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.INVITED)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    attendee_count = models.PositiveIntegerField(_("people registered"), default=0)
    attended_count = models.PositiveIntegerField(_("people who came"), default=0)
    attendance_marked_at = models.DateTimeField(_("attendance taken at"), null=True,
                                                blank=True)
    attendance_marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["event_id", "dealer_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "dealer"], name="one_invitation_per_dealer"),
            models.CheckConstraint(name="invitation_status_valid",
                                   condition=Q(status__in=InvitationStatus.values)),
        ]
        indexes = [
            # A dealer's invitations (the portal, the dealer page panel).
            models.Index(fields=["dealer", "event"], name="events_invitation_dealer"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.dealer_id}"

    @property
    def status_badge(self) -> str:
        return INVITATION_BADGE.get(self.status, "")

    @property
    def attended(self) -> bool:
        return self.attended_count > 0


class Attendee(models.Model):
    """A person a dealer sends to an event (its boss, a sales manager, a salesman), and
    whether he came; `walk_in` marks someone staff added at the door."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE,
                                   related_name="attendees")
    name = models.CharField(_("name"), max_length=40)
    position = models.CharField(_("position"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    attended = models.BooleanField(_("came"), null=True, blank=True)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["invitation_id", "id"]

    def __str__(self) -> str:
        return self.name


class Feedback(models.Model):
    """What a dealer that came thought of the event: a score of 1 to 5 and a comment."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE,
                                      related_name="feedback")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="feedback_score_1_to_5",
                                   condition=Q(score__gte=1) & Q(score__lte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class Material(models.Model):
    """A file handed out at an event (agenda, slides, a policy), or, without an event, an
    item of the content library every dealer may read (R-TE-10, -12, -13, R-DS-05).

    Stored under MEDIA_ROOT and served only through the app's download view: to staff, and
    to dealers invited to its event (library items: to every dealer) unless it is for staff
    only.
    """

    event = models.ForeignKey(Event, verbose_name=_("event"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="materials",
                              db_index=False)  # led by the (event, created_at) index
    title = models.CharField(_("title"), max_length=120)
    topic = models.CharField(_("topic"), max_length=10, choices=MaterialTopic.choices,
                             default=MaterialTopic.OTHER)
    for_dealers = models.BooleanField(_("dealers may read it"), default=True)
    file = models.FileField(_("file"), upload_to="events/%Y/%m/")
    name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "-created_at"], name="events_material_event")]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""


class TrainingRecord(TimeStampedModel):
    """One person of a dealer trained on one course: written when a training's attendance
    is taken, then given its result and certificate (R-TE-05, -09; a seconded manager's
    trainee passing is R-DS-03's deliverable)."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.CASCADE, related_name="training_records",
                               db_index=False)  # led by the (dealer, trained_on) index
    event = models.ForeignKey(Event, verbose_name=_("training"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="training_records")
    attendee = models.OneToOneField(Attendee, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="training_record")
    person = models.CharField(_("person"), max_length=40)
    position = models.CharField(_("position"), max_length=40, blank=True)
    course = models.CharField(_("course"), max_length=120)
    module = models.CharField(_("training module"), max_length=16,
                              choices=TrainingModule.choices, blank=True)
    trained_on = models.DateField(_("trained on"))
    result = models.CharField(_("result"), max_length=10, choices=TrainingResult.choices,
                              default=TrainingResult.ATTENDED)
    score = models.PositiveSmallIntegerField(_("exam score"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-trained_on", "-id"]
        indexes = [
            models.Index(fields=["dealer", "-trained_on"], name="events_training_dealer"),
            models.Index(fields=["-trained_on", "-id"], name="events_training_day"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["certificate_no"], condition=~Q(certificate_no=""),
                                    name="training_certificate_unique"),
            models.CheckConstraint(name="training_score_0_to_100",
                                   condition=Q(score__isnull=True) | Q(score__lte=100)),
            models.CheckConstraint(name="training_certificate_needs_pass",
                                   condition=Q(certificate_no="") | Q(result="passed")),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course}"


class TrainingPlan(TimeStampedModel):
    """The year's dealer-training plan: goals and measures, and targets broken down by month
    (and so by quarter) in sessions held and people trained (人次) (R-TE-04)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    goals = models.TextField(_("goals and tasks"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class TrainingTarget(models.Model):
    """One month's target of a training plan."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="targets")
    month = models.PositiveSmallIntegerField(_("month"))
    sessions = models.PositiveSmallIntegerField(_("trainings held"), default=0)
    trainees = models.PositiveIntegerField(_("people trained"), default=0)

    class Meta:
        verbose_name = _("training target")
        verbose_name_plural = _("training targets")
        ordering = ["plan_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_target_per_month"),
            models.CheckConstraint(name="training_target_month_1_to_12",
                                   condition=Q(month__gte=1) & Q(month__lte=12)),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}-{self.month:02d}"
