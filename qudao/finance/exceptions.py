"""Refusals of the money rules."""

from qudao.core.exceptions import DomainError


class CreditAccountMissing(DomainError):
    code = "credit_account_missing"


class PaymentInvalid(DomainError):
    code = "payment_invalid"


class DepositInvalid(DomainError):
    code = "deposit_invalid"
