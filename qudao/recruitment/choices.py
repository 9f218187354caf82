"""Choices of dealer recruitment: lead sources and statuses, follow-ups, campaigns, the fit
assessment and the decision on a candidate (R-DM-10 to -12, R-RS-01, -08, -09)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    """Where a lead came from (来源管理, R-DM-10)."""

    EXHIBITION = "exhibition", _("Exhibition or trade fair")
    REFERRAL = "referral", _("Referral")
    INBOUND_CALL = "inbound_call", _("Inbound call")
    WEB = "web", _("Website or online")
    COLD_VISIT = "cold_visit", _("Cold visit")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    """new -> contacted -> qualified -> candidate; new, contacted or qualified -> lost."""

    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    CANDIDATE = "candidate", _("Candidate")
    LOST = "lost", _("Lost")


LEAD_MOVES: dict[str, set[str]] = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.LOST},
    LeadStatus.CONTACTED: {LeadStatus.QUALIFIED, LeadStatus.LOST},
    # A qualified lead becomes a candidate only through candidate_create.
    LeadStatus.QUALIFIED: {LeadStatus.LOST},
    LeadStatus.CANDIDATE: set(),
    LeadStatus.LOST: set(),
}
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)


class FollowUpKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")


class CampaignMethod(models.TextChoices):
    """How a mobilization campaign (经销商发动) reaches its target list (R-DM-12)."""

    INVESTMENT_FAIR = "fair", _("Investment fair (招商会)")
    VISITS = "visits", _("Door-to-door visits")
    PHONE = "phone", _("Phone campaign")
    EXHIBITION = "exhibition", _("Exhibition booth")
    ONLINE = "online", _("Online campaign")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class Fit(models.TextChoices):
    """How the candidate compares with what we expect (R-RS-08): one far above may neglect
    our products, one far below lacks the strength."""

    ABOVE = "above", _("Far above our expectations")
    MATCHING = "matching", _("Matching")
    BELOW = "below", _("Far below our expectations")


class CandidateStatus(models.TextChoices):
    EVALUATING = "evaluating", _("Being evaluated")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    POOL = "pool", _("Kept in pool")


class Decision(models.TextChoices):
    ACCEPT = "accepted", _("Accept")
    REJECT = "rejected", _("Reject")
    POOL = "pool", _("Keep in pool")


# A decision is final once accepted or rejected; a candidate kept in the pool may be
# decided again later.
DECIDABLE = (CandidateStatus.EVALUATING, CandidateStatus.POOL)

LEAD_BADGE = {
    LeadStatus.NEW: "status-prospect",
    LeadStatus.CONTACTED: "status-onboarding",
    LeadStatus.QUALIFIED: "status-active",
    LeadStatus.CANDIDATE: "status-active",
    LeadStatus.LOST: "status-terminated",
}
CANDIDATE_BADGE = {
    CandidateStatus.EVALUATING: "status-prospect",
    CandidateStatus.ACCEPTED: "status-active",
    CandidateStatus.REJECTED: "status-terminated",
    CandidateStatus.POOL: "status-suspended",
}
