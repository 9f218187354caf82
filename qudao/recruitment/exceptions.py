"""Errors of dealer recruitment."""

from qudao.core.exceptions import DomainError, InvalidTransition


class RecruitmentInvalid(DomainError):
    """A lead, follow-up, campaign or candidate breaks a rule; nothing was saved. `errors`
    maps each field to why."""

    code = "recruitment_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(str(v) for v in errors.values()), errors=errors)
        self.errors = {key: str(value) for key, value in errors.items()}


class LeadStatusInvalid(InvalidTransition):
    """The lead cannot move to that status from where it is."""

    code = "lead_status_invalid"


class CriteriaWeightsInvalid(DomainError):
    """The weights of a criteria set do not add up to exactly 1.00 (R-RS-04)."""

    code = "criteria_weights_invalid"


class CriteriaSetInUse(DomainError):
    """Candidates have been scored on the set: its criteria may no longer change."""

    code = "criteria_set_in_use"


class ScoringIncomplete(DomainError):
    """A decision was asked for before every criterion had a score (R-RS-09)."""

    code = "scoring_incomplete"

    def __init__(self, message: str, *, unscored: list[str]) -> None:
        super().__init__(message, unscored=unscored)
        self.unscored = unscored


class CandidateDecided(DomainError):
    """The candidate was already accepted or rejected."""

    code = "candidate_decided"


class ComparisonInvalid(DomainError):
    """Candidates picked for a comparison cannot be compared (too few, different sets)."""

    code = "comparison_invalid"
