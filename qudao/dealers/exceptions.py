from qudao.core.exceptions import DomainError


class DealerInvalid(DomainError):
    """The dealer data breaks a rule; `errors` maps each field to why."""

    code = "dealer_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        message = "; ".join(f"{field}: {why}" for field, why in errors.items())
        super().__init__(message, errors=errors)
        self.errors = errors


class DealerTransitionInvalid(DomainError):
    code = "dealer_transition_invalid"
