"""Checks and helpers the event writes share."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.exceptions import NotAllowed
from qudao.dealers.scoping import visible_dealers


@dataclass(frozen=True)
class Person:
    """Someone a dealer registers (or staff add at the door): name, position, phone."""

    name: str
    position: str = ""
    phone: str = ""


def require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def is_dealer_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_dealer_user", False))


def may_manage(actor: Any, event: Any) -> bool:
    """Whether the actor may change the event itself (its details, status, materials): its
    organiser, whoever created it, or a company-wide role. Invitations and attendance are
    taken by anyone who organises events, for the dealers of his scope."""
    if actor is None or is_dealer_user(actor) or not actor.has_perm("events.change_event"):
        return False
    return bool(actor.sees_all_dealers or actor.pk in (event.organizer_id, event.created_by_id))


def require_manager(actor: Any, event: Any) -> None:
    require(actor, "events.change_event")
    if not may_manage(actor, event):
        raise NotAllowed(_("Only the organiser of this event or head office may change it."))


def dealer_in_scope(actor: Any, dealer_id: int) -> bool:
    if is_dealer_user(actor):
        return actor.dealer_id == dealer_id
    if actor.sees_all_dealers:
        return True
    return visible_dealers(actor).filter(pk=dealer_id).exists()


def require_scope(actor: Any, dealer_id: int) -> None:
    """Refuse a dealer outside the actor's scope (pages and the API answer 404 before this;
    the check keeps a service called from elsewhere just as safe)."""
    if not dealer_in_scope(actor, dealer_id):
        raise NotAllowed(_("This dealer is not in your scope."))


def moment(at: datetime.datetime | None) -> datetime.datetime:
    """`at` (the demo plays history through the services), else now."""
    if at is None:
        return timezone.now()
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def clean_text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]
