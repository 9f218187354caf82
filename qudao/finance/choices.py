"""Choices of receivables, payments and deposits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


class DepositKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    DEDUCTED = "deducted", _("Deducted (penalty)")
    REFUNDED = "refunded", _("Refunded")


# Aging buckets by days past due: (key, label, lowest day, highest day or None).
AGING_BUCKETS = (
    ("current", _("Not yet due"), None, 0),
    ("d0_30", _("1–30 days"), 1, 30),
    ("d31_60", _("31–60 days"), 31, 60),
    ("d61_90", _("61–90 days"), 61, 90),
    ("d90_plus", _("Over 90 days"), 91, None),
)
