"""Domain errors: a business rule said no. The API maps them to 409, pages to form errors."""

from typing import Any


class DomainError(Exception):
    """A business rule refused the request; `code` is stable, `message` is for people."""

    code = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = str(message)
        self.details = details

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    """The user's role does not allow this action."""

    code = "not_allowed"


class InvalidTransition(DomainError):
    """A lifecycle status cannot move to the requested status."""

    code = "invalid_transition"
