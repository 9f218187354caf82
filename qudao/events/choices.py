"""Choices of meetings, trainings and events (R-TE-01, -02, -07 to -11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """The forms of dealer meeting the company holds (R-TE-02), a product launch, and the
    meeting trip offered as an incentive (R-TE-11)."""

    CONFERENCE = "conference", _("Dealer conference")
    ANNUAL = "annual", _("Annual meeting")
    DIALOGUE = "dialogue", _("Dialogue meeting")
    GET_TOGETHER = "get_together", _("Get-together")
    TRAINING = "training", _("Training")
    LAUNCH = "launch", _("Product launch")
    TRIP = "trip", _("Meeting trip")
    OTHER = "other", _("Other")


class EventStatus(models.TextChoices):
    """Draft (only organisers see it) -> published (invited dealers see it and register)
    -> closed (registration over, the event held); draft, published or closed -> cancelled."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


STATUS_MOVES: dict[str, set[str]] = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    EventStatus.PUBLISHED: {EventStatus.CLOSED, EventStatus.CANCELLED},
    EventStatus.CLOSED: {EventStatus.CANCELLED},
    EventStatus.CANCELLED: set(),
}
# Statuses in which an event is shown to the dealers invited to it.
DEALER_VISIBLE = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.CANCELLED)
# Statuses in which attendance and feedback are taken (once the event has begun).
HELD = (EventStatus.PUBLISHED, EventStatus.CLOSED)


class TrainingModule(models.TextChoices):
    """The four parts of dealer training (R-TE-01)."""

    RESOURCES = "resources", _("Dealer resource management")
    MOBILIZATION = "mobilization", _("Dealer mobilization")
    NURTURING = "nurturing", _("Nurturing and advancement")
    INCENTIVES = "incentives", _("Incentives")


class TrainingForm(models.TextChoices):
    """How a training is given (R-TE-06, R-TE-09)."""

    LECTURE = "lecture", _("Lecture")
    ON_SITE = "on_site", _("On-site training")
    VISIT = "visit", _("Periodic visit")
    MATERIALS = "materials", _("Materials handed out")
    ONLINE = "online", _("Online course")


class TrainingCadence(models.TextChoices):
    """Regular training, or emergency training for a new business or product (R-TE-07/08)."""

    REGULAR = "regular", _("Regular")
    EMERGENCY = "emergency", _("Emergency (new business or product)")


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    DECLINED = "declined", _("Declined")


class TrainingResult(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class MaterialTopic(models.TextChoices):
    """What a material is about: the content library's shelves (R-TE-10, -12, -13, R-DS-05)."""

    AGENDA = "agenda", _("Agenda and notice")
    COURSE = "course", _("Course slides")
    COMPANY = "company", _("Company image and culture")
    STRATEGY = "strategy", _("Company strategy")
    CASES = "cases", _("Classic marketing cases")
    QUALITY = "quality", _("Agent quality")
    POLICY = "policy", _("Policies and procedures")
    TRENDS = "trends", _("Industry trends")
    TOOLS = "tools", _("Templates and tools")
    PRODUCT = "product", _("Product knowledge")
    OTHER = "other", _("Other")


STATUS_BADGE = {
    EventStatus.DRAFT: "status-prospect",
    EventStatus.PUBLISHED: "status-active",
    EventStatus.CLOSED: "",
    EventStatus.CANCELLED: "status-terminated",
}
INVITATION_BADGE = {
    InvitationStatus.INVITED: "status-prospect",
    InvitationStatus.REGISTERED: "status-active",
    InvitationStatus.DECLINED: "status-suspended",
}
