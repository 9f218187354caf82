"""Checks and helpers the retail writes share."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from qudao.core.exceptions import NotAllowed
from qudao.dealers.models import Dealer


def require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def require_company_wide(actor: Any) -> None:
    """Configuration (conditions, entitlements, the checklist) is the company's: only roles
    that see every dealer may change it, whatever else their permissions say."""
    require(actor, "retail.change_config")
    if not getattr(actor, "sees_all_dealers", False):
        raise NotAllowed(_("Only head office may change the retail configuration."))


def require_staff(actor: Any) -> None:
    if getattr(actor, "is_dealer_user", False):
        raise NotAllowed(_("Only the company's staff may do this."))


def require_retailer(actor: Any, retailer: Dealer) -> None:
    """Refuse a retailer outside the actor's scope (pages and the API answer 404 before
    this; the check keeps a service called from elsewhere just as safe)."""
    from qudao.retail.queries import visible_retailers

    if not visible_retailers(actor).filter(pk=retailer.pk).exists():
        raise NotAllowed(_("%(store)s is not a retailer in your scope.") % {"store": retailer})


def money(value: Any) -> Decimal | None:
    """A non-negative amount with two places, None for a bad one; empty is zero."""
    if value is None or value == "":
        return Decimal("0.00")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number < 0:
        return None
    return number.quantize(Decimal("0.01"))


def clean_text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]
