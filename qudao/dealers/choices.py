from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelLevel(models.TextChoices):
    TIER1 = "tier1", _("Tier-1 distributor")
    TIER2 = "tier2", _("Tier-2 sub-distributor")
    TERMINAL = "terminal", _("Retail terminal")
    KEY_ACCOUNT = "key_account", _("Key-account store")


# Which level may sit under which: the network is a tree tier-1 -> tier-2 -> terminals.
ALLOWED_PARENT_LEVELS = {
    ChannelLevel.TIER1: set(),
    ChannelLevel.TIER2: {ChannelLevel.TIER1},
    ChannelLevel.TERMINAL: {ChannelLevel.TIER1, ChannelLevel.TIER2},
    ChannelLevel.KEY_ACCOUNT: {ChannelLevel.TIER1, ChannelLevel.TIER2},
}


class DistributionMode(models.TextChoices):
    AGENCY = "agency", _("Agent (代理)")
    DISTRIBUTION = "distribution", _("Distributor (分销)")
    DEALERSHIP = "dealership", _("Dealer (经销)")


class RetailerType(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive store")
    AUTHORIZED = "authorized", _("Authorized retailer")
    COOPERATING = "cooperating", _("Cooperating retailer")


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class OwnershipType(models.TextChoices):
    PRIVATE = "private", _("Private")
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    JOINT = "joint", _("Joint venture")
    FOREIGN = "foreign", _("Foreign-invested")
    INDIVIDUAL = "individual", _("Individual business")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    C = "C", "C"


class DealerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    PROBATION = "probation", _("Probation")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


STATUS_TRANSITIONS: dict[str, set[str]] = {
    DealerStatus.PROSPECT: {DealerStatus.ONBOARDING, DealerStatus.TERMINATED},
    DealerStatus.ONBOARDING: {DealerStatus.ACTIVE, DealerStatus.PROSPECT, DealerStatus.TERMINATED},
    DealerStatus.ACTIVE: {DealerStatus.PROBATION, DealerStatus.SUSPENDED, DealerStatus.TERMINATED},
    DealerStatus.PROBATION: {DealerStatus.ACTIVE, DealerStatus.SUSPENDED, DealerStatus.TERMINATED},
    DealerStatus.SUSPENDED: {DealerStatus.ACTIVE, DealerStatus.PROBATION, DealerStatus.TERMINATED},
    # A terminated dealer can only come back as a prospect and go through onboarding again.
    DealerStatus.TERMINATED: {DealerStatus.PROSPECT},
}


class ExitReason(models.TextChoices):
    PERFORMANCE = "performance", _("Poor performance")
    CROSS_REGION = "cross_region", _("Cross-region selling (窜货)")
    PRICE_VIOLATION = "price_violation", _("Price violation (乱价)")
    BRAND_SWITCH = "brand_switch", _("Switched to a competing brand")
    CREDIT = "credit", _("Credit or payment problems")
    VOLUNTARY = "voluntary", _("Left of its own accord")
    RESTRUCTURE = "restructure", _("Channel restructuring")
    OTHER = "other", _("Other")


class Rating(models.IntegerChoices):
    VERY_POOR = 1, _("1 - very poor")
    POOR = 2, _("2 - poor")
    FAIR = 3, _("3 - fair")
    GOOD = 4, _("4 - good")
    EXCELLENT = 5, _("5 - excellent")
