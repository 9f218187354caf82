"""Excel sheets of recruitment: the lead list and the candidate list with their totals."""

from typing import Any

from django.utils.translation import gettext_lazy

from qudao.core.excel import Column
from qudao.recruitment.models import Candidate, Lead
from qudao.recruitment.scoring import Scorecard

LEAD_COLUMNS = [
    Column("company", gettext_lazy("Company")),
    Column("source", gettext_lazy("Source")),
    Column("contact_person", gettext_lazy("Contact person")),
    Column("phone", gettext_lazy("Phone")),
    Column("region", gettext_lazy("Region")),
    Column("channel_level", gettext_lazy("Intended channel level")),
    Column("rep", gettext_lazy("Sales rep")),
    Column("status", gettext_lazy("Status")),
    Column("period", gettext_lazy("Opportunity period")),
    Column("carried_from", gettext_lazy("Carried over from")),
    Column("follow_ups", gettext_lazy("Follow-ups"), kind="int"),
    Column("lost_reason", gettext_lazy("Reason lost")),
    Column("created_at", gettext_lazy("Recorded at")),
]

CANDIDATE_COLUMNS = [
    Column("name", gettext_lazy("Company")),
    Column("region", gettext_lazy("Region")),
    Column("rep", gettext_lazy("Sales rep")),
    Column("criteria_set", gettext_lazy("Criteria set")),
    Column("raw_sum", gettext_lazy("Raw sum of scores"), kind="decimal"),
    Column("total", gettext_lazy("Weighted total"), kind="decimal"),
    Column("complete", gettext_lazy("Every criterion scored")),
    Column("fit", gettext_lazy("Fit")),
    Column("status", gettext_lazy("Status")),
    Column("decided_at", gettext_lazy("Decided at")),
    Column("reason", gettext_lazy("Reason")),
    Column("dealer", gettext_lazy("Dealer code")),
]


def _month(day) -> str:
    return f"{day:%Y-%m}" if day else ""


def lead_row(lead: Lead) -> list[Any]:
    return [lead.company, lead.get_source_display(), lead.contact_person, lead.phone,
            lead.territory.display_name, lead.get_channel_level_display(),
            str(lead.assigned_rep or ""), lead.get_status_display(), _month(lead.period),
            _month(lead.carried_from), getattr(lead, "follow_up_count", None),
            lead.lost_reason, lead.created_at]


def candidate_row(candidate: Candidate, card: Scorecard) -> list[Any]:
    from django.utils.translation import gettext as _

    return [candidate.name, candidate.lead.territory.display_name,
            str(candidate.lead.assigned_rep or ""), str(candidate.criteria_set),
            card.raw_sum, card.total, _("Yes") if card.complete else _("No"),
            candidate.get_fit_display(), candidate.get_status_display(),
            candidate.decided_at, candidate.decision_reason,
            candidate.dealer.code if candidate.dealer else ""]
