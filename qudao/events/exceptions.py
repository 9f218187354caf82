"""Errors of meetings, trainings and events."""

from qudao.core.exceptions import DomainError, InvalidTransition


class EventInvalid(DomainError):
    """An event, an invitation list, a registration or a feedback breaks a rule; nothing was
    saved. `errors` maps each field to why."""

    code = "event_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(str(v) for v in errors.values()), errors=errors)
        self.errors = {key: str(value) for key, value in errors.items()}


class EventStatusInvalid(InvalidTransition):
    """The event cannot move to that status from where it is."""

    code = "event_status_invalid"


class RegistrationClosed(DomainError):
    """Registration is over (deadline passed, event closed or cancelled) or not yet open."""

    code = "event_registration_closed"


class EventFull(DomainError):
    """Too few places are left for the people being registered."""

    code = "event_full"

    def __init__(self, message: str, *, places_left: int) -> None:
        super().__init__(message, places_left=places_left)
        self.places_left = places_left


class MaterialInvalid(DomainError):
    """A file is of a type not accepted, too large, empty or not what its name says."""

    code = "event_material_invalid"
