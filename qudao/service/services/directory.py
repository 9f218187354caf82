"""Writes of the contact directory, its routing table and the working calendar; every change
is audited (the time limits are promises to dealers)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.service.choices import DayKind
from qudao.service.exceptions import DirectoryInvalid
from qudao.service.models import CalendarDay, ServiceFunction, ServiceRoute, WorkingCalendar
from qudao.service.services._common import require

FUNCTION_FIELDS = [
    "name", "name_en", "department", "department_en", "guide", "guide_en", "responsible", "phone",
    "email", "messaging_app", "messaging_id",
    "response_low", "response_normal", "response_high", "response_urgent",
    "resolution_low", "resolution_normal", "resolution_high", "resolution_urgent",
    "sort_order", "is_active",
]
CALENDAR_FIELDS = ["hours", "workdays", "auto_close_days"]


def _errors(exc: ValidationError) -> dict[str, str]:
    return {field: " ".join(str(m) for m in messages)
            for field, messages in exc.message_dict.items()}


def _staff_or_refuse(user: Any, field: str) -> None:
    if user is not None and (user.is_dealer_user or not user.is_active):
        raise DirectoryInvalid({field: _("Choose an active member of staff.")})


@transaction.atomic
def function_update(*, actor: Any, function: ServiceFunction,
                    values: dict[str, Any]) -> ServiceFunction:
    """Change a function's contacts, responsible person or time limits.

    Raises DirectoryInvalid (a limit not above zero, a resolution due before the first
    response, a dealer user as the responsible person) or NotAllowed; nothing is saved.
    """
    require(actor, "service.change_directory")
    function = ServiceFunction.objects.select_for_update().get(pk=function.pk)
    unknown = set(values) - set(FUNCTION_FIELDS)
    if unknown:
        raise DirectoryInvalid({name: _("Not a field of the directory.") for name in unknown})
    _staff_or_refuse(values.get("responsible"), "responsible")
    before = audit.snapshot(function, FUNCTION_FIELDS)
    for name, value in values.items():
        setattr(function, name, value)
    try:
        function.full_clean(exclude=["code"])
    except ValidationError as exc:
        raise DirectoryInvalid(_errors(exc)) from None
    function.save()
    function.refresh_from_db()  # limits as stored (4.00, not 4) so the diff shows real changes
    changes = audit.diff(before, audit.snapshot(function, FUNCTION_FIELDS))
    if changes:
        audit.record(actor=actor, target=function, event="service_function.changed",
                     data=changes)
    return function


@transaction.atomic
def route_add(*, actor: Any, function: ServiceFunction, territory: Any,
              user: Any) -> ServiceRoute:
    """Route the function's requests from dealers in `territory` (and below) to `user`;
    replaces the region's earlier rule. Raises DirectoryInvalid or NotAllowed."""
    require(actor, "service.change_directory")
    if territory is None:
        raise DirectoryInvalid({"territory": _("Choose a region.")})
    if user is None:
        raise DirectoryInvalid({"user": _("Choose who handles these requests.")})
    _staff_or_refuse(user, "user")
    route, created = ServiceRoute.objects.update_or_create(
        function=function, territory=territory, defaults={"user": user})
    audit.record(actor=actor, target=route, subject=function,
                 event="service_route.added" if created else "service_route.changed",
                 data={"territory": territory.code, "user": user.username})
    return route


@transaction.atomic
def route_delete(*, actor: Any, route: ServiceRoute) -> None:
    """Remove a routing rule: the region's requests fall back to the rule above it or to the
    function's responsible person."""
    require(actor, "service.change_directory")
    audit.record(actor=actor, target=route, subject=route.function,
                 event="service_route.deleted",
                 data={"territory": route.territory.code, "user": route.user.username})
    route.delete()


@transaction.atomic
def calendar_update(*, actor: Any, values: dict[str, Any]) -> WorkingCalendar:
    """Change the working hours, the weekdays worked or the auto-close days. Deadlines
    already computed stay; new ones use the new calendar. Raises DirectoryInvalid."""
    require(actor, "service.change_directory")
    calendar = WorkingCalendar.objects.select_for_update().get_or_create(pk=1)[0]
    before = audit.snapshot(calendar, CALENDAR_FIELDS)
    for name in CALENDAR_FIELDS:
        if name in values:
            setattr(calendar, name, values[name])
    try:
        calendar.full_clean()
    except ValidationError as exc:
        raise DirectoryInvalid(_errors(exc)) from None
    calendar.updated_by = actor
    calendar.save()
    changes = audit.diff(before, audit.snapshot(calendar, CALENDAR_FIELDS))
    if changes:
        audit.record(actor=actor, target=calendar, event="service_calendar.changed",
                     data=changes)
    return calendar


@transaction.atomic
def calendar_day_set(*, actor: Any, day: datetime.date, kind: str, name: str,
                     name_en: str = "") -> CalendarDay:
    """Mark a date as a public holiday or an adjusted working day (replacing what it was).
    Raises DirectoryInvalid or NotAllowed."""
    require(actor, "service.change_directory")
    errors = {}
    if kind not in DayKind.values:
        errors["kind"] = _("Choose holiday or adjusted working day.")
    if not (name or "").strip():
        errors["name"] = _("Name the day, e.g. 春节.")
    if errors:
        raise DirectoryInvalid(errors)
    row, _created = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "name": name.strip()[:40],
                           "name_en": (name_en or "").strip()[:40]})
    audit.record(actor=actor, target=row, subject=WorkingCalendar.current(),
                 event="service_calendar.day_set",
                 data={"day": day, "kind": kind, "name": row.name})
    return row


@transaction.atomic
def calendar_day_delete(*, actor: Any, row: CalendarDay) -> None:
    """The date follows the weekly pattern again."""
    require(actor, "service.change_directory")
    audit.record(actor=actor, target=row, subject=WorkingCalendar.current(),
                 event="service_calendar.day_deleted",
                 data={"day": row.day, "kind": row.kind, "name": row.name})
    row.delete()
