"""Writes of the year's training plan (R-TE-04)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.events.exceptions import EventInvalid
from qudao.events.models import TrainingPlan, TrainingTarget
from qudao.events.services._common import require

MAX_SESSIONS = 1000
MAX_TRAINEES = 1_000_000


def _count(value: Any, limit: int) -> int | None:
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        return None
    return value


@transaction.atomic
def plan_save(*, actor: Any, year: int, goals: str = "", measures: str = "",
              targets: dict[int, tuple[Any, Any]] | None = None) -> TrainingPlan:
    """Set a year's training goals, measures and monthly targets: {month: (trainings held,
    people trained)}; months not given keep their targets. Head office and the regional
    managers keep the plan (events.change_event). Raises NotAllowed or EventInvalid."""
    require(actor, "events.change_event")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise EventInvalid({"year": _("A year between 2000 and 2100.")})
    errors: dict[str, str] = {}
    cleaned: dict[int, tuple[int, int]] = {}
    for month, (sessions, trainees) in (targets or {}).items():
        if month not in range(1, 13):
            errors[f"month_{month}"] = _("Months are 1 to 12.")
            continue
        held, people = _count(sessions, MAX_SESSIONS), _count(trainees, MAX_TRAINEES)
        if held is None or people is None:
            errors[f"month_{month}"] = _("Targets are whole numbers of zero or more.")
            continue
        cleaned[month] = (held, people)
    if errors:
        raise EventInvalid(errors)
    plan, _created = TrainingPlan.objects.select_for_update().get_or_create(year=year)
    before = {"goals": plan.goals, "measures": plan.measures,
              **{f"{t.month:02d}": [t.sessions, t.trainees] for t in plan.targets.all()}}
    plan.goals, plan.measures = (goals or "").strip(), (measures or "").strip()
    plan.updated_by = actor
    plan.save()
    for month, (held, people) in cleaned.items():
        TrainingTarget.objects.update_or_create(plan=plan, month=month, defaults={
            "sessions": held, "trainees": people})
    after = {"goals": plan.goals, "measures": plan.measures,
             **{f"{t.month:02d}": [t.sessions, t.trainees] for t in plan.targets.all()}}
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=actor, target=plan, event="event.plan_changed", data=changes)
    return plan
