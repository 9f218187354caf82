"""Errors of dealer scorecards."""

from qudao.core.exceptions import DomainError


class WeightsInvalid(DomainError):
    """A channel level's weights are out of range or do not add up to 1.00; nothing saved.
    `errors` maps each field to why."""

    code = "scorecard_weights_invalid"

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message, errors=errors or {})
        self.errors = {key: str(value) for key, value in (errors or {}).items()}


class ScorecardFrozen(DomainError):
    """The scorecard is final: it is not recomputed, scored by hand or finalized again."""

    code = "scorecard_frozen"

    @staticmethod
    def message_for(card) -> str:
        from django.utils.translation import gettext as _

        return _("The %(period)s scorecard of %(dealer)s is final: it is frozen and cannot be "
                 "changed or recomputed.") % {"period": card.period_label,
                                              "dealer": card.dealer.name}


class HandScoreInvalid(DomainError):
    """A hand score is out of 0-100, has no note, or is given to a dimension that is
    computed from data. `errors` maps each field to why."""

    code = "scorecard_hand_score_invalid"

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message, errors=errors or {})
        self.errors = {key: str(value) for key, value in (errors or {}).items()}


class PeriodInvalid(DomainError):
    """The period asked for is unknown or not over yet."""

    code = "scorecard_period_invalid"
