"""Escalation of requests whose deadline passed unmet (R-SR-04): first to the dealer's rep,
then, when the same time limit has passed again, to the regional manager."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from qudao.service.choices import ACTIVE_STATUSES, Deadline, NotificationReason
from qudao.service.models import ServiceEscalation, ServiceRequest
from qudao.service.services._common import People, notify
from qudao.service.workhours import WorkCalendar, add_working_hours, calendar_load

LEVELS = (1, 2)


def _passed(request: ServiceRequest, now: datetime.datetime
            ) -> list[tuple[str, datetime.datetime, Any]]:
    """(deadline, its moment, its limit in working hours) for each deadline passed unmet."""
    passed = []
    if request.first_response_at is None and request.first_response_due <= now:
        passed.append((Deadline.FIRST_RESPONSE, request.first_response_due,
                       request.response_hours))
    if request.resolution_due <= now:
        passed.append((Deadline.RESOLUTION, request.resolution_due, request.resolution_hours))
    return passed


def _unfinished(deadline: str, field: str, unmet: Q, now: datetime.datetime) -> Q:
    """The deadline has passed unmet and is not yet escalated to the last level: requests
    escalated all the way are left out, so a run over long-overdue requests stays one
    query."""
    top = ServiceEscalation.objects.filter(request=OuterRef("pk"), deadline=deadline,
                                           level=LEVELS[-1], due_at=OuterRef(field))
    return unmet & Q(**{f"{field}__lte": now}) & ~Exists(top)


def escalate_due(*, now: datetime.datetime | None = None,
                 calendar: WorkCalendar | None = None) -> int:
    """Escalate every deadline that has passed unmet by `now`, once per deadline and level;
    returns how many escalations were recorded.

    Level 1 goes to the dealer's rep (the regional manager when the dealer has none) as
    soon as the deadline passes; level 2 to the regional manager once the same limit has
    passed again after the deadline, in working hours. Requests waiting for the dealer
    are not escalated (their resolution clock is stopped). Each escalation is a
    ServiceEscalation row and a notification to its recipient (and to the assignee, at
    level 1). Safe to run twice, and at the same moment: the requests are locked and an
    escalation already recorded is not recorded again.
    """
    now = now or timezone.now()
    recorded = 0
    with transaction.atomic():
        requests = list(
            ServiceRequest.objects.select_for_update(of=("self",))
            .filter(status__in=ACTIVE_STATUSES)
            .filter(_unfinished(Deadline.FIRST_RESPONSE, "first_response_due",
                                Q(first_response_at__isnull=True), now)
                    | _unfinished(Deadline.RESOLUTION, "resolution_due", Q(), now))
            .select_related("dealer", "dealer__territory", "dealer__assigned_rep")
            .order_by("pk"))
        if not requests:
            return 0
        done = set(ServiceEscalation.objects.filter(request__in=requests).values_list(
            "request_id", "deadline", "level", "due_at"))
        people = _Lazy()
        for request in requests:
            for deadline, due, hours in _passed(request, now):
                for level in LEVELS:
                    if (request.pk, deadline, level, due) in done:
                        continue
                    if level == 2:
                        calendar = calendar or calendar_load()
                        if add_working_hours(due, hours, calendar=calendar) > now:
                            continue
                    recorded += _escalate(request, deadline, level, due, people, now)
    return recorded


class _Lazy:
    """People, loaded on the first escalation of a run (most runs escalate nothing)."""

    def __init__(self) -> None:
        self._people: People | None = None

    def __getattr__(self, name: str) -> Any:
        if self._people is None:
            self._people = People()
        return getattr(self._people, name)


def _escalate(request: ServiceRequest, deadline: str, level: int, due: datetime.datetime,
              people: Any, now: datetime.datetime) -> int:
    rep_id = people.rep(request.dealer)
    manager_id = people.manager(request.dealer)
    to_user = (rep_id or manager_id) if level == 1 else manager_id
    escalation = ServiceEscalation.objects.create(
        request=request, deadline=deadline, level=level, due_at=due, to_user_id=to_user,
        escalated_at=now)
    notify(to_user, request, NotificationReason.ESCALATED, at=now, escalation=escalation)
    if level == 1 and request.assignee_id not in (None, to_user):
        notify(request.assignee_id, request, NotificationReason.ESCALATED, at=now,
               escalation=escalation)
    return 1
