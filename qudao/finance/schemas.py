"""Shapes of the money API."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field, PlainSerializer

# Amounts leave the API as text with exactly two decimals ("300.00"); SQLite sums come back
# without cents otherwise.
Money = Annotated[Decimal, PlainSerializer(lambda v: str(Decimal(v).quantize(Decimal("0.01"))),
                                           return_type=str)]


class CreditQuery(Schema):
    q: str | None = None
    region: str | None = None
    high_usage: bool | None = None
    has_overdue: bool | None = None
    sort: str | None = None


class CreditAccountOut(Schema):
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    dealer_name: str = Field(alias="dealer.name")
    limit: Money
    receivable: Money
    reserved: Money
    available: Money
    usage_percent: Decimal | None
    overdue_amount: Money = Field(alias="overdue")
    oldest_due_on: date | None
    deposit_balance: Money


class CreditLimitIn(Schema):
    """Every field optional so the handler checks scope before the input (404 before 409)."""

    limit: Decimal | None = None
    reason: str = ""


class InvoiceQuery(Schema):
    q: str | None = None
    dealer: int | None = None
    status: str | None = None
    kind: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    overdue: bool | None = None


class InvoiceOut(Schema):
    id: int
    number: str
    kind: str
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    shipment_id: int | None
    return_request_id: int | None
    issued_on: date
    due_on: date
    amount: Money
    paid_amount: Money
    open_amount: Money
    status: str


class AllocationOut(Schema):
    payment_id: int
    invoice_id: int
    invoice_number: str = Field(alias="invoice.number")
    amount: Money


class InvoiceDetailOut(InvoiceOut):
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj) -> list:
        return list(obj.allocations.select_related("invoice").order_by("id"))


class PaymentQuery(Schema):
    q: str | None = None
    dealer: int | None = None
    method: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    unallocated: bool | None = None
    void: bool | None = None


class PaymentOut(Schema):
    id: int
    number: str
    dealer_id: int
    dealer_code: str = Field(alias="dealer.code")
    received_on: date
    amount: Money
    allocated_amount: Money
    unallocated: Money
    method: str
    reference: str
    external_ref: str | None
    note: str
    voided_on: date | None
    void_reason: str


class PaymentDetailOut(PaymentOut):
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj) -> list:
        return list(obj.allocations.all())


class AllocationIn(Schema):
    invoice_id: int
    amount: Decimal


class PaymentIn(Schema):
    dealer_id: int
    amount: Decimal
    received_on: date
    method: str = "bank_transfer"
    reference: str = ""
    note: str = ""
    external_ref: str | None = None
    allocations: list[AllocationIn] | None = Field(
        None, description="Omit to settle the oldest due invoices first.")


class VoidIn(Schema):
    reason: str = ""


class AgingQuery(Schema):
    as_of: date | None = None
    q: str | None = None
    region: str | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


class AgingRowOut(Schema):
    dealer_id: int
    dealer_code: str
    dealer_name: str
    buckets: dict[str, Money]
    credits: Money
    total: Money


class AgingTotalsOut(Schema):
    buckets: dict[str, Money]
    credits: Money
    total: Money


class AgingOut(Schema):
    as_of: date
    count: int
    items: list[AgingRowOut]
    totals: AgingTotalsOut


class StatementQuery(Schema):
    date_from: date | None = None
    date_to: date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=500)


class StatementEntryOut(Schema):
    day: date
    kind: str
    number: str
    debit: Money
    credit: Money
    balance: Money
    note: str


class StatementOut(Schema):
    dealer_id: int
    date_from: date
    date_to: date
    opening_balance: Money
    closing_balance: Money
    total_debit: Money
    total_credit: Money
    count: int
    items: list[StatementEntryOut]


class DepositEntryOut(Schema):
    id: int
    dealer_id: int
    kind: str
    amount: Money
    occurred_on: date
    reason: str
    balance_after: Money


class DepositIn(Schema):
    """Every field optional so the handler checks scope before the input (404 before 409)."""

    kind: str | None = Field(None, description="received, deducted or refunded")
    amount: Decimal | None = None
    reason: str = ""
    occurred_on: date | None = None
