"""What early warning refuses, and why."""

from qudao.core.exceptions import DomainError, InvalidTransition


class AlertClosed(DomainError):
    """The alert is resolved or dismissed: nothing more is recorded on it."""

    code = "alert_closed"


class AlertInvalid(DomainError):
    """What was asked of an alert breaks a rule of the workflow; `errors` maps each field
    to why."""

    code = "alert_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors


class AlertNotNew(InvalidTransition):
    """Only a new alert can be acknowledged (an alert acted on is past that step)."""

    code = "alert_not_new"


class RuleInvalid(DomainError):
    """A rule's new settings are not valid for its signal; `errors` maps each field to
    why."""

    code = "rule_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors
