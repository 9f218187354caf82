"""Errors of retailer management."""

from qudao.core.exceptions import DomainError, InvalidTransition


class RetailInvalid(DomainError):
    """A retailer's data, an application, an audit, a negotiation or a configuration row
    breaks a rule; nothing was saved. `errors` maps each field to why."""

    code = "retail_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(str(v) for v in errors.values()), errors=errors)
        self.errors = {key: str(value) for key, value in errors.items()}


class ApplicationStatusInvalid(InvalidTransition):
    """The application cannot be reviewed or decided from where it is."""

    code = "retail_application_status_invalid"


class ApproverConflict(DomainError):
    """The one who filed or reviewed an application may not approve it (four eyes)."""

    code = "retail_approver_conflict"


class PhotoInvalid(DomainError):
    """A photo is not an image we take (type, size or count); nothing was stored."""

    code = "retail_photo_invalid"
