"""Writes of dealer recruitment, by subject: leads and follow-ups, candidates with their
scores and decision, criteria sets, mobilization campaigns.
Import from here: `from qudao.recruitment import services`."""

from qudao.recruitment.services.campaigns import campaign_leads_set, campaign_save  # noqa: F401
from qudao.recruitment.services.candidates import (  # noqa: F401
    PROFILE_FIELDS,
    candidate_create,
    candidate_decide,
    candidate_scorecard,
    candidate_update,
    default_set,
    score_submit,
)
from qudao.recruitment.services.criteria import (  # noqa: F401
    criteria_set_copy,
    criteria_set_save,
    weights_check,
)
from qudao.recruitment.services.leads import (  # noqa: F401
    LEAD_FIELDS,
    carry_over_waiting,
    followup_add,
    lead_assign,
    lead_create,
    lead_status_change,
    lead_update,
    leads_carry_over,
    route_rep,
)
