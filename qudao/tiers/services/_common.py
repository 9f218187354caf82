"""Checks the tier writes share."""

from typing import Any

from django.utils.translation import gettext as _

from qudao.core.exceptions import NotAllowed
from qudao.dealers.scoping import visible_dealers


def require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def require_scope(actor: Any, dealer_id: int) -> None:
    """Refuse a dealer outside the actor's scope (pages and the API answer 404 before this;
    the check keeps a service called from elsewhere just as safe)."""
    if actor.sees_all_dealers:
        return
    if not visible_dealers(actor).filter(pk=dealer_id).exists():
        raise NotAllowed(_("This dealer is not in your scope."))


def clean_text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:limit] if limit else text
