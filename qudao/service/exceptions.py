"""Errors of dealer service: what a request, a message or the directory refused."""

from qudao.core.exceptions import DomainError, InvalidTransition


class RequestInvalid(DomainError):
    """A request, reply or rating is missing something or breaks a rule; `errors` maps each
    field to why."""

    code = "service_request_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors


class RequestClosed(DomainError):
    """The request is closed: reopen it before writing to it."""

    code = "service_request_closed"


class StatusNotAllowed(InvalidTransition):
    """The request cannot move to that status from where it is, or not by this user."""

    code = "service_status_not_allowed"


class AttachmentInvalid(DomainError):
    """An attached file is of a type not accepted, too large, empty or not what its name
    says."""

    code = "service_attachment_invalid"


class DirectoryInvalid(DomainError):
    """A directory or calendar change is not valid; `errors` maps each field to why."""

    code = "service_directory_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
        self.errors = errors
