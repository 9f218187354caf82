"""Choices of the contact log and the monthly plan."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    CALL_OUT = "call_out", _("Call to the dealer")
    CALL_IN = "call_in", _("Call from the dealer")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Online message")


CALL_KINDS = (ContactKind.CALL_OUT, ContactKind.CALL_IN)


class Purpose(models.TextChoices):
    ORDER_FOLLOW_UP = "order_follow_up", _("Order follow-up")
    COLLECTION = "collection", _("Collection")
    PROMOTION = "promotion", _("Promotion")
    COMPLAINT = "complaint", _("Complaint handling")
    RELATIONSHIP = "relationship", _("Relationship")
    INSPECTION = "inspection", _("Market inspection")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class PlanKind(models.TextChoices):
    """What a rep plans: a call or a visit (a message is not planned)."""

    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")


class DistanceBasis(models.TextChoices):
    """What a check-in's distance was measured to."""

    DEALER = "dealer", _("the dealer's address")
    TERRITORY = "territory", _("the centre of the dealer's region")
