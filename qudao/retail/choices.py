"""Choices of retailer management (R-RT-02 to R-RT-09, R-RT-11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ChannelLevel

# Retail stores: terminals, and key-account stores (KA chains) that are negotiated with.
RETAIL_LEVELS = (ChannelLevel.TERMINAL, ChannelLevel.KEY_ACCOUNT)


class Commitment(models.TextChoices):
    """What an authorized retailer commits to (R-RT-04): 展示、推广、服务、报表、不售假、不倾销."""

    DISPLAY = "display", _("Display")
    PROMOTION = "promotion", _("Promotion")
    SERVICE = "service", _("Service")
    REPORTING = "reporting", _("Reporting (stock and flow reports)")
    NO_COUNTERFEITS = "no_counterfeits", _("No counterfeits")
    NO_DUMPING = "no_dumping", _("No dumping (selling below price)")


class CommitmentState(models.TextChoices):
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    UNKNOWN = "unknown", _("No evidence")


class EntitlementKind(models.TextChoices):
    """The support a retailer may get (R-RT-05): 售前及市场支持、销售奖励、培训、特别基金、
    特价产品、奖惩制度."""

    PRE_SALE = "pre_sale", _("Pre-sale support")
    MARKET = "market", _("Market support")
    SALES_REWARD = "sales_reward", _("Sales reward")
    TRAINING = "training", _("Training")
    SPECIAL_FUND = "special_fund", _("Special fund")
    SPECIAL_PRICE = "special_price", _("Special-price products")
    REWARD_PENALTY = "reward_penalty", _("Reward and penalty rules")


class ApplicationStatus(models.TextChoices):
    """Submitted (by a rep or the supplying dealer) -> reviewed by a rep -> approved by a
    manager (a certificate is issued) or rejected, at review or at approval."""

    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


APPLICATION_BADGE = {
    ApplicationStatus.SUBMITTED: "status-prospect",
    ApplicationStatus.REVIEWED: "status-probation",
    ApplicationStatus.APPROVED: "status-active",
    ApplicationStatus.REJECTED: "status-terminated",
}


class CertificateState(models.TextChoices):
    """Where a retailer's authorization certificate stands today."""

    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring within 30 days")
    EXPIRED = "expired", _("Expired")
    NONE = "none", _("No certificate")


CERTIFICATE_BADGE = {
    CertificateState.VALID: "status-active",
    CertificateState.EXPIRING: "status-probation",
    CertificateState.EXPIRED: "status-terminated",
    CertificateState.NONE: "",
}


class Outcome(models.TextChoices):
    """Where a store-entry negotiation round left things (R-RT-07)."""

    AGREED = "agreed", _("Agreed")
    PENDING = "pending", _("Pending")
    FAILED = "failed", _("Failed")


OUTCOME_BADGE = {Outcome.AGREED: "status-active", Outcome.PENDING: "status-prospect",
                 Outcome.FAILED: "status-terminated"}


class Reach(models.TextChoices):
    """How the manufacturer reaches a terminal (R-RT-11): supplied directly, or via a dealer."""

    DIRECT = "direct", _("Directly")
    DEALER = "dealer", _("Via a dealer")
