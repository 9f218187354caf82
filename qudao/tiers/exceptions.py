"""Errors of tiers and lifecycle actions."""

from qudao.core.exceptions import DomainError


class _WithErrors(DomainError):
    def __init__(self, errors: dict[str, str], message: str = "") -> None:
        errors = {key: str(value) for key, value in errors.items()}
        super().__init__(message or "; ".join(errors.values()), errors=errors)
        self.errors = errors


class TierRuleInvalid(_WithErrors):
    """A tier rule or policy breaks a rule (negative threshold, A below B); nothing saved."""

    code = "tier_rule_invalid"


class ReviewPeriodInvalid(DomainError):
    """The period is not a quarter that has ended."""

    code = "tier_review_period_invalid"


class SuggestionDecided(DomainError):
    """The suggestion was approved or rejected already."""

    code = "tier_suggestion_decided"


class GradeInvalid(_WithErrors):
    """A grade change that is no change, an unknown grade, or no reason."""

    code = "tier_grade_invalid"


class ActionInvalid(_WithErrors):
    """A lifecycle action is missing what its kind needs; nothing saved."""

    code = "tier_action_invalid"


class ActionDecided(DomainError):
    """The action is no longer waiting for that decision."""

    code = "tier_action_decided"


class SelfApproval(DomainError):
    """The proposer of an action cannot approve it: a second person decides."""

    code = "tier_self_approval"
