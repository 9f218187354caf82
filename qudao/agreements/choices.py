"""Choices of the distributor agreement: type, lifecycle, settlement and service terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgreementType(models.TextChoices):
    AGENCY = "agency", _("Agency (代理)")
    DISTRIBUTION = "distribution", _("Distribution (经销)")
    EXCLUSIVE = "exclusive", _("Exclusive distribution (独家经销)")
    ALLIANCE = "alliance", _("Production–distribution alliance (产销联盟)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", pgettext_lazy("agreement status", "Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# Which status may follow which; anything else is refused.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    AgreementStatus.DRAFT: {AgreementStatus.SUBMITTED, AgreementStatus.TERMINATED},
    AgreementStatus.SUBMITTED: {AgreementStatus.APPROVED, AgreementStatus.DRAFT},
    AgreementStatus.APPROVED: {AgreementStatus.SIGNED, AgreementStatus.DRAFT},
    AgreementStatus.SIGNED: {AgreementStatus.ACTIVE, AgreementStatus.TERMINATED},
    AgreementStatus.ACTIVE: {AgreementStatus.EXPIRED, AgreementStatus.TERMINATED},
    AgreementStatus.EXPIRED: set(),
    AgreementStatus.TERMINATED: set(),
}

# Statuses in which the agreement binds both parties (orders may be placed under ACTIVE only).
LIVE_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


class SettlementMethod(models.TextChoices):
    PREPAYMENT = "prepayment", _("Payment before delivery (款到发货)")
    CREDIT = "credit", _("On credit within the payment terms (赊销)")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery (货到付款)")
    MONTHLY = "monthly", _("Monthly settlement (月结)")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ACCEPTANCE_BILL = "acceptance_bill", _("Bank acceptance bill (承兑汇票)")
    CASH = "cash", _("Cash")
    ONLINE = "online", _("Online payment")


class PickupMethod(models.TextChoices):
    DELIVERY = "delivery", _("Delivered by the manufacturer")
    SELF_PICKUP = "self_pickup", _("Picked up by the dealer")
    CARRIER = "carrier", _("Third-party carrier")


class FreightBearer(models.TextChoices):
    MANUFACTURER = "manufacturer", _("Manufacturer")
    DEALER = "dealer", _("Dealer")
    SHARED = "shared", _("Shared")


class AttachmentKind(models.TextChoices):
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney (委托书)")
    PICKUP_PROOF = "pickup_proof", _("Pickup proof (提货证明)")
    SIGNED_COPY = "signed_copy", _("Signed copy")
    SUPPLEMENT = "supplement", _("Supplementary agreement (补充协议)")
    OTHER = "other", _("Other")


# The standard clauses of the template (R-AG-29), by section: each must be filled or
# explicitly marked not applicable before the agreement can be submitted for approval.
CLAUSE_SECTIONS: dict[str, list[str]] = {
    "general": [
        "manufacturer_name", "manufacturer_legal_representative", "manufacturer_address",
        "manufacturer_phone", "manufacturer_bank_account", "dealer_legal_name",
        "dealer_legal_representative", "dealer_address", "dealer_phone", "dealer_bank_account",
        "renewal_terms", "termination_terms", "dispute_resolution_days", "dispute_venue",
        "copies", "copies_holders",
    ],
    "obligations": [
        "territory_protection", "delivery_obligation", "coverage_target_count",
        "coverage_target_days", "safety_stock_days", "max_stock_days", "flow_report_day",
        "channel_management_terms",
    ],
    "incentives": [
        "credit_limit", "payment_terms_days", "settlement_method", "payment_method",
        "initial_stock_amount", "rebate_percent", "rebate_terms", "promotion_fund",
        "promotion_support", "over_target_reward", "quality_terms", "lead_time_days",
        "pickup_method", "freight_bearer",
    ],
    "controls": [
        "annual_target", "target_reward", "target_miss_consequence", "deposit_amount",
        "cross_region_penalty", "price_violation_penalty", "exclusivity", "exclusivity_reward",
    ],
}
