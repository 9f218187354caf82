from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting_dealer", _("Waiting for dealer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Statuses in which service owes the dealer something (the clocks run, except while waiting
# for the dealer, when the resolution clock stops).
OPEN_STATUSES = [RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.WAITING]
ACTIVE_STATUSES = [RequestStatus.NEW, RequestStatus.IN_PROGRESS]
DONE_STATUSES = [RequestStatus.RESOLVED, RequestStatus.CLOSED]

# The badge colour of each status (classes of static/css/qudao.css).
STATUS_BADGE = {
    RequestStatus.NEW: "alert-new", RequestStatus.IN_PROGRESS: "alert-action_taken",
    RequestStatus.WAITING: "alert-acknowledged", RequestStatus.RESOLVED: "alert-resolved",
    RequestStatus.CLOSED: "alert-dismissed",
}
PRIORITY_BADGE = {Priority.LOW: "sev-info", Priority.NORMAL: "", Priority.HIGH: "sev-warning",
                  Priority.URGENT: "sev-critical"}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Dealer portal")
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    API = "api", _("API")


class CloseKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the dealer")
    AUTO = "auto", _("Closed automatically")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    STATUS = "status", _("Status change")
    ASSIGNMENT = "assignment", _("Assignment")


class Deadline(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class MessagingApp(models.TextChoices):
    WECHAT = "wechat", _("WeChat")
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (day off)")
    WORKDAY = "workday", _("Adjusted working day (调休)")


class NotificationReason(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    DEALER_REPLY = "dealer_reply", _("The dealer replied")
    STAFF_REPLY = "staff_reply", _("Service replied")
    STATUS = "status", _("Status changed")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated: deadline passed")
