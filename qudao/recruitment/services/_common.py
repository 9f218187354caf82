"""Checks the recruitment writes share."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.core.exceptions import NotAllowed
from qudao.recruitment import scope


def require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def require_lead(actor: Any, lead: Any) -> None:
    """Refuse a lead outside the actor's scope (pages and the API answer 404 before this;
    the check keeps a service called from elsewhere just as safe)."""
    if not scope.visible_leads(actor).filter(pk=lead.pk).exists():
        raise NotAllowed(_("Lead %(lead)s is not in your scope.") % {"lead": lead})


def moment(at: datetime.datetime | None) -> datetime.datetime:
    """`at` (the demo plays history through the services), else now."""
    if at is None:
        return timezone.now()
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]
