"""Access-matrix entries of the finance routes (see tests/api/test_access_matrix.py).

Routes under a dealer id use the record kind "fin_dealer" rather than "dealer_read": money
is closed to dealer_staff (403), which the record kinds allow and dealer_read does not.
"""

from qudao.dealers.models import Dealer
from qudao.finance.models import CreditAccount
from tests.finance.factories import bare_invoice, bare_payment


def _dealers(world) -> dict:
    """Every dealer of the world with a credit account (rows only, no audit events)."""
    result = {}
    for dealer in Dealer.objects.all():
        CreditAccount.objects.get_or_create(dealer=dealer)
        result[dealer.code] = dealer.pk
    return result


def _invoices(world) -> dict:
    return {dealer.code: bare_invoice(dealer).pk for dealer in Dealer.objects.all()}


def _payments(world) -> dict:
    return {dealer.code: bare_payment(dealer).pk for dealer in Dealer.objects.all()}


ROUTES: dict = {
    ("get", "/api/credit-accounts"): "scoped_list",
    ("get", "/api/credit-accounts/{dealer_id}"): "fin_dealer_read",
    ("patch", "/api/credit-accounts/{dealer_id}"): "fin_dealer_write",
    ("get", "/api/invoices"): "scoped_list",
    ("get", "/api/invoices/{invoice_id}"): "invoice_read",
    ("get", "/api/payments"): "scoped_list",
    ("post", "/api/payments"): "create",
    ("get", "/api/payments/{payment_id}"): "payment_read",
    ("post", "/api/payments/{payment_id}/void"): "payment_write",
    ("get", "/api/aging"): "scoped_list",
    ("get", "/api/dealers/{dealer_id}/statement"): "fin_dealer_read",
    ("get", "/api/dealers/{dealer_id}/deposits"): "fin_dealer_read",
    ("post", "/api/dealers/{dealer_id}/deposits"): "fin_dealer_write",
}
RECORDS: dict = {
    "fin_dealer": ("dealer_id", _dealers),
    "invoice": ("invoice_id", _invoices),
    "payment": ("payment_id", _payments),
}
