"""Shared pieces of the order services: constants and checks."""

import secrets
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from qudao.catalog.models import Product
from qudao.dealers.choices import DealerStatus
from qudao.dealers.scoping import visible_dealers
from qudao.orders.choices import (
    ReturnStatus,
)
from qudao.orders.exceptions import (
    OrderNotAllowed,
    ReasonRequired,
)
from qudao.orders.models import (
    Order,
)

ZERO = Decimal("0.00")
ORDERING_STATUSES = (DealerStatus.ACTIVE, DealerStatus.PROBATION)
# Unambiguous letters and digits (no 0/O, 1/I/L, U): 16 of them carry 79 bits of chance,
# so a code cannot be guessed from the ones printed next to it.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
MAX_CODES_PER_SHIPMENT = 200_000
# Returns still open count against what may be returned again.
OPEN_RETURN_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED)


def _temp_number() -> str:
    return f"tmp-{secrets.token_hex(8)}"


def _check_perm(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        raise OrderNotAllowed(_("Your role may not do this."))


def _check_dealer(actor: Any, dealer_id: int) -> None:
    """The actor may act for the dealer: it is in his scope (a dealer user: his own)."""
    if not visible_dealers(actor).filter(pk=dealer_id).exists():
        raise OrderNotAllowed(_("You may not act for this dealer."))


def _locked_order(order: Order) -> Order:
    """Re-read the order under a row lock: two actions on one order run one after the other."""
    return (Order.objects.select_for_update(of=("self",)).select_related("agreement")
            .get(pk=order.pk))


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Give a reason for the %(what)s.") % {"what": what},
                             errors={"reason": _("A reason is required.")})
    return reason


def _sku_list(products: list[Product]) -> str:
    return ", ".join(sorted(p.sku for p in products))
