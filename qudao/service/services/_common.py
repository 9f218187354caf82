"""Checks and helpers the service writes share."""

from typing import Any

from django.utils.translation import gettext as _

from qudao.core.exceptions import NotAllowed
from qudao.service.choices import NotificationReason
from qudao.service.models import ServiceNotification, ServiceRequest
from qudao.territories.models import AssignmentRole, Territory, TerritoryAssignment


def require(actor: Any, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise NotAllowed(_("Your role may not do this."))


def is_dealer_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_dealer_user", False))


def require_visible(actor: Any, request: ServiceRequest) -> None:
    """Refuse a request outside the actor's scope (pages and the API answer 404 before
    this; the check keeps a service called from elsewhere just as safe)."""
    from qudao.service.queries import visible_requests

    if is_dealer_user(actor):
        if request.dealer_id != actor.dealer_id:
            raise NotAllowed(_("This request is not your company's."))
        return
    if actor.sees_all_dealers:
        return
    if not visible_requests(actor).filter(pk=request.pk).exists():
        raise NotAllowed(_("This request is outside your area."))


def notify(user_id: int | None, request: ServiceRequest, reason: str, *, at: Any,
           actor: Any = None, escalation: Any = None) -> None:
    """Put the request in the user's notification list (never for what they did
    themselves)."""
    if user_id is None or (actor is not None and user_id == getattr(actor, "pk", None)):
        return
    ServiceNotification.objects.create(user_id=user_id, request=request, reason=reason,
                                       escalation=escalation, created_at=at)


def notify_dealer(request: ServiceRequest, reason: str = NotificationReason.STAFF_REPLY, *,
                  at: Any, actor: Any = None) -> None:
    """Tell the dealer user who raised the request (a call logged by staff has nobody on
    the dealer's side to tell: the dealer sees it in its list)."""
    raiser = request.raised_by
    if raiser is not None and raiser.is_dealer_user:
        notify(raiser.pk, request, reason, at=at, actor=actor)


class People:
    """The dealer's rep and the regional manager above it, from the territory coverage
    (loaded once for a whole escalation run)."""

    def __init__(self) -> None:
        self.managers: dict[str, int] = {}
        self.reps: dict[str, int] = {}
        rows = (TerritoryAssignment.objects.filter(user__is_active=True)
                .order_by("territory__path", "pk")
                .values_list("territory__path", "user_id", "role"))
        for path, user, role in rows:
            target = self.managers if role == AssignmentRole.MANAGER else self.reps
            target.setdefault(path, user)

    @staticmethod
    def _nearest(by_path: dict[str, int], path: str) -> int | None:
        step = Territory.steplen
        for n in range(len(path), 0, -step):
            user = by_path.get(path[:n])
            if user:
                return user
        return None

    def rep(self, dealer: Any) -> int | None:
        """The dealer's own rep (if still active), else the rep covering its region."""
        rep = dealer.assigned_rep if dealer.assigned_rep_id else None
        if rep is not None and rep.is_active:
            return rep.pk
        return self._nearest(self.reps, dealer.territory.path if dealer.territory_id else "")

    def manager(self, dealer: Any) -> int | None:
        return self._nearest(self.managers,
                             dealer.territory.path if dealer.territory_id else "")
