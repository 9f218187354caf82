"""Refusals of the money rules."""

from typing import Any

from qudao.core.exceptions import DomainError


class _WithErrors(DomainError):
    """A refusal that can name the fields at fault: `errors` is {field: message}."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None, **details: Any):
        super().__init__(message, **details)
        self.errors = errors or {}


class CreditAccountMissing(DomainError):
    code = "credit_account_missing"


class PaymentInvalid(_WithErrors):
    code = "payment_invalid"


class DepositInvalid(_WithErrors):
    code = "deposit_invalid"


class CreditLimitInvalid(_WithErrors):
    code = "credit_limit_invalid"
