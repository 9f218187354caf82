"""Money: the dealer's credit account, receivables, payments and the deposit ledger."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.agreements.choices import PaymentMethod
from qudao.core.fields import MoneyField
from qudao.core.models import TimeStampedModel
from qudao.finance.choices import DepositKind, InvoiceKind, InvoiceStatus


class CreditAccount(TimeStampedModel):
    """Running balances that decide whether a new order fits the dealer's credit.

    available = limit - receivable - reserved, where `receivable` is the open balance of
    invoices and credit notes and `reserved` the amount of approved, not yet shipped
    order lines. Every service that moves one of them locks this row first, so parallel
    orders cannot both pass the check against the same available credit.
    """

    dealer = models.OneToOneField("dealers.Dealer", verbose_name=_("dealer"),
                                  on_delete=models.CASCADE, related_name="credit_account")
    limit = MoneyField(_("credit limit"))
    receivable = MoneyField(_("open receivables"))
    reserved = MoneyField(_("approved, not shipped"))
    deposit_balance = MoneyField(_("deposit balance"))

    class Meta:
        verbose_name = _("credit account")
        verbose_name_plural = _("credit accounts")

    def __str__(self) -> str:
        return f"{self.dealer_id}: {self.available}"

    @property
    def available(self) -> Decimal:
        return self.limit - self.receivable - self.reserved

    @property
    def usage_percent(self) -> Decimal | None:
        if not self.limit:
            return None
        return ((self.receivable + self.reserved) * 100 / self.limit).quantize(Decimal("0.1"))


class Invoice(TimeStampedModel):
    """A receivable raised for a shipment, or a credit note for a return (negative amount)."""

    number = models.CharField(_("invoice number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices,
                            default=InvoiceKind.INVOICE)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="invoices")
    shipment = models.OneToOneField("orders.Shipment", verbose_name=_("shipment"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="invoice")
    return_request = models.OneToOneField("orders.ReturnRequest", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="credit_note")
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    amount = MoneyField(_("amount"))
    paid_amount = MoneyField(_("paid"))
    status = models.CharField(_("status"), max_length=8, choices=InvoiceStatus.choices,
                              default=InvoiceStatus.OPEN)
    external_ref = models.CharField(_("external reference"), max_length=40, null=True,
                                    blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["dealer", "status", "due_on"]),
                   models.Index(fields=["status", "due_on"]),
                   models.Index(fields=["dealer", "-issued_on"]),
                   models.Index(fields=["-issued_on", "-id"])]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "external_ref"],
                                    name="invoice_external_ref_once",
                                    condition=models.Q(external_ref__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.paid_amount


class Payment(TimeStampedModel):
    """Money received from a dealer (回款), allocated to its invoices oldest first unless
    finance chooses otherwise."""

    number = models.CharField(_("payment number"), max_length=24, unique=True)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = MoneyField(_("amount"))
    allocated_amount = MoneyField(_("allocated"))
    method = models.CharField(_("payment method"), max_length=16,
                              choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)
    reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    external_ref = models.CharField(_("external reference"), max_length=40, null=True,
                                    blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # A voided payment stays on file (the statement shows it and its reversal) but settles
    # nothing: its allocations are removed and it is never applied to a later invoice.
    voided_on = models.DateField(_("voided on"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["dealer", "-received_on"]),
                   models.Index(fields=["-received_on", "-id"])]
        constraints = [
            models.CheckConstraint(name="payment_amount_positive",
                                   condition=models.Q(amount__gt=0)),
            models.CheckConstraint(name="payment_allocated_within_amount",
                                   condition=models.Q(allocated_amount__lte=models.F("amount"))),
            models.UniqueConstraint(fields=["dealer", "external_ref"],
                                    name="payment_external_ref_once",
                                    condition=models.Q(external_ref__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated_amount

    @property
    def is_void(self) -> bool:
        return self.voided_on is not None


class PaymentAllocation(models.Model):
    """The part of a payment that settles one invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = MoneyField(_("amount"))

    class Meta:
        constraints = [models.CheckConstraint(name="allocation_amount_positive",
                                              condition=models.Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.payment_id}->{self.invoice_id}: {self.amount}"


class DepositEntry(TimeStampedModel):
    """One movement of the dealer's market deposit (保证金): received, deducted, refunded.
    Amounts are positive; the kind gives the sign."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"),
                               on_delete=models.PROTECT, related_name="deposit_entries")
    agreement = models.ForeignKey("agreements.Agreement", verbose_name=_("agreement"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=DepositKind.choices)
    amount = MoneyField(_("amount"))
    occurred_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    balance_after = MoneyField(_("balance after"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("deposit entry")
        verbose_name_plural = _("deposit entries")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(name="deposit_amount_positive",
                                   condition=models.Q(amount__gt=0)),
            models.CheckConstraint(name="deposit_balance_not_negative",
                                   condition=models.Q(balance_after__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.kind} {self.amount}"
