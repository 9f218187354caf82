"""Domain errors of agreements: each has a stable code the API returns with a 409."""

from qudao.core.exceptions import DomainError


class AgreementInvalid(DomainError):
    """The agreement data breaks a rule; `errors` maps each field to why."""

    code = "agreement_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        message = "; ".join(str(why) for why in errors.values())
        super().__init__(message, errors=errors)
        self.errors = errors


class AgreementNotEditable(DomainError):
    """Only a draft may be edited; a submitted or signed agreement is returned to draft first."""

    code = "agreement_not_editable"


class AgreementTransitionInvalid(DomainError):
    """The lifecycle does not allow this move, or a required reason or date is missing."""

    code = "agreement_transition_invalid"


class AgreementIncomplete(DomainError):
    """Submission refused: standard clauses neither filled nor marked not applicable.

    `errors` maps each missing clause to its label.
    """

    code = "agreement_incomplete"

    def __init__(self, message: str, errors: dict[str, str]) -> None:
        super().__init__(message, errors=errors)
        self.errors = errors


class AgreementOverlap(DomainError):
    """Activation refused: another active agreement of the dealer covers the same products
    in an overlapping term."""

    code = "agreement_overlap"


class TerritoryProtected(DomainError):
    """Activation refused: another dealer holds territory protection over an overlapping
    territory for overlapping products."""

    code = "agreement_territory_protected"


class AttachmentInvalid(DomainError):
    """The uploaded file is too large, of a type not accepted, or of an unknown kind."""

    code = "attachment_invalid"
