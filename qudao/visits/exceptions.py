"""Errors of calls, visits and plans."""

from typing import Any

from django.utils.translation import gettext as _

from qudao.core.exceptions import DomainError


class ContactInvalid(DomainError):
    """A call or visit breaks a rule; nothing was saved. `errors` maps each field to why."""

    code = "contact_invalid"

    def __init__(self, errors: dict[str, Any]) -> None:
        first = next(iter(errors.values()))
        super().__init__(_("The record was not saved: %(why)s") % {"why": first},
                         errors=errors)
        self.errors = {key: str(value) for key, value in errors.items()}


class PhotoInvalid(DomainError):
    """A photo is not an image we take (type, size or count); nothing was stored."""

    code = "photo_invalid"


class PlanInvalid(DomainError):
    """A plan change breaks a rule (a day outside the month, a duplicate, a past day)."""

    code = "plan_invalid"


class PlanClosed(DomainError):
    """The plan's month is over: its items are the record of what was planned."""

    code = "plan_closed"
