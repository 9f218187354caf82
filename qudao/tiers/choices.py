"""Choices of tiers and dealer lifecycle actions (R-RT-01, R-RT-05, R-RT-10, R-DM-06 to -09,
R-DM-13, R-DM-15, R-DM-17, R-EV-21)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ExitReason

GRADES = ("A", "B", "C")
GRADE_RANK = {"A": 3, "B": 2, "C": 1, "": 0}


class Direction(models.TextChoices):
    """How a suggested (or given) grade compares with the dealer's grade before it."""

    UPGRADE = "upgrade", _("Upgrade")
    DOWNGRADE = "downgrade", _("Downgrade")
    NEW = "new", _("First grade")
    SAME = "same", _("Unchanged")


def direction_of(before: str, after: str) -> str:
    if not before:
        return Direction.NEW
    if GRADE_RANK[after] > GRADE_RANK[before]:
        return Direction.UPGRADE
    if GRADE_RANK[after] < GRADE_RANK[before]:
        return Direction.DOWNGRADE
    return Direction.SAME


class ReviewStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class Entitlement(models.TextChoices):
    """The support a tier may be entitled to (R-RT-05)."""

    MARKET_SUPPORT = "market_support", _("Pre-sale and market support")
    SALES_REWARDS = "sales_rewards", _("Sales rewards")
    TRAINING = "training", _("Training")
    SPECIAL_FUND = "special_fund", _("Special fund (特别基金)")
    SPECIAL_PRICE = "special_price", _("Special-price products")
    REWARD_PENALTY = "reward_penalty", _("Reward and penalty system")


class ActionKind(models.TextChoices):
    """What the review may lead to (R-EV-21, R-DM-08, R-DM-15)."""

    GROW_TERRITORY = "grow_territory", _("Grow: enlarge territory")
    GROW_CREDIT = "grow_credit", _("Grow: more credit")
    PROBATION = "probation", _("Put on probation")
    TERMINATE = "terminate", _("Terminate")
    KEEP = "keep", _("Keep as is")


class ActionStatus(models.TextChoices):
    """Proposed -> approved (done) or rejected. An approved probation runs until a manager's
    verdict (passed or failed); past its deadline without one it is overdue."""

    PROPOSED = "proposed", _("Proposed")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    RUNNING = "running", _("On probation")
    OVERDUE = "overdue", _("Probation overdue")
    PASSED = "passed", _("Probation passed")
    FAILED = "failed", _("Probation failed")


# An action still waiting for somebody: a decision, or a probation's verdict.
OPEN_STATUSES = (ActionStatus.PROPOSED, ActionStatus.RUNNING, ActionStatus.OVERDUE)
PROBATION_RUNNING = (ActionStatus.RUNNING, ActionStatus.OVERDUE)


class Verdict(models.TextChoices):
    PASSED = "passed", _("Passed: back to active")
    FAILED = "failed", _("Failed: propose termination")


class TerminationReason(models.TextChoices):
    """Why a dealer is let go (R-DM-15, R-DM-17)."""

    DECLINE = "decline", _("Persistent decline")
    OVERDUE = "overdue", _("Overdue payments")
    CROSS_REGION = "cross_region", _("Cross-region selling (窜货)")
    BRAND_SWITCH = "brand_switch", _("Switched brand (改旗易帜)")
    QUIT = "quit", _("Quit the business")
    OTHER = "other", _("Other")


# The dealer master record's exit reason each termination reason is filed under.
EXIT_REASON = {
    TerminationReason.DECLINE: ExitReason.PERFORMANCE,
    TerminationReason.OVERDUE: ExitReason.CREDIT,
    TerminationReason.CROSS_REGION: ExitReason.CROSS_REGION,
    TerminationReason.BRAND_SWITCH: ExitReason.BRAND_SWITCH,
    TerminationReason.QUIT: ExitReason.VOLUNTARY,
    TerminationReason.OTHER: ExitReason.OTHER,
}


class Stage(models.TextChoices):
    """The dealer's lifecycle stage, derived from its status and its facts (R-DM-07)."""

    ONBOARDING = "onboarding", _("Onboarding")
    GROWING = "growing", _("Growing")
    STABLE = "stable", _("Stable")
    DECLINING = "declining", _("Declining")
    PROBATION = "probation", _("Probation")
    EXITING = "exiting", _("Exiting")


# What each stage calls for, and how the action is judged (R-DM-09): shown on the rules page.
STAGE_ACTIONS = {
    Stage.ONBOARDING: (_("Visit every two weeks, train the staff, place the first range."),
                       _("First orders in three months; stock reported every month.")),
    Stage.GROWING: (_("Consider more credit or a larger territory."),
                    _("Growth holds for two quarters; payments stay on time.")),
    Stage.STABLE: (_("Keep the tier's policy; review each quarter."),
                   _("Sales within ±10 percent of last half-year; cooperation at its tier.")),
    Stage.DECLINING: (_("Visit, find the cause, agree a recovery plan; consider probation."),
                      _("Sales back to last half-year's level within a quarter.")),
    Stage.PROBATION: (_("Conditions and a deadline; a manager gives the verdict."),
                      _("Conditions met by the deadline: back to active; else termination.")),
    Stage.EXITING: (_("Collect receivables, take back stock and signs, hand over customers."),
                    _("Accounts settled; territory covered by another dealer.")),
}

ACTION_BADGE = {
    ActionStatus.PROPOSED: "status-prospect",
    ActionStatus.REJECTED: "",
    ActionStatus.APPROVED: "status-active",
    ActionStatus.RUNNING: "status-probation",
    ActionStatus.OVERDUE: "status-suspended",
    ActionStatus.PASSED: "status-active",
    ActionStatus.FAILED: "status-terminated",
}
STAGE_BADGE = {
    Stage.ONBOARDING: "status-onboarding",
    Stage.GROWING: "status-active",
    Stage.STABLE: "",
    Stage.DECLINING: "status-probation",
    Stage.PROBATION: "status-probation",
    Stage.EXITING: "status-terminated",
}
