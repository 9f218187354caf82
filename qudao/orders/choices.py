"""Choices of orders, shipments and returns."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting finance approval")
    APPROVED = "approved", _("Approved")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


# Orders that count as sales (targets, dealer-month facts): approved and after.
SALES_STATUSES = (OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED,
                  OrderStatus.DELIVERED, OrderStatus.CLOSED)

# Statuses whose unshipped quantity holds part of the dealer's credit.
CREDIT_HOLDING_STATUSES = (OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED)


class OrderChannel(models.TextChoices):
    PORTAL = "portal", _("Dealer portal")
    REP = "rep", _("Placed by a sales rep")
    IMPORT = "import", _("Imported")
    API = "api", _("API")


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")


class CodeKind(models.TextChoices):
    UNIT = "unit", _("One code per unit")
    CASE = "case", _("One code per case")


class ReturnReason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged in transit")
    LOST = "lost", _("Lost")
    QUALITY = "quality", _("Quality problem")
    WRONG = "wrong", _("Wrong goods delivered")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    RECEIVED = "received", _("Received and credited")
    REJECTED = "rejected", _("Rejected")
