"""The audit trail: every change to master data and money is recorded here."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from qudao.core.models import AuditEvent

# Label of each event name, shown on history lists; each app adds its own at start-up.
EVENT_LABELS: dict[str, Any] = {}


def event_labels_add(labels: dict[str, Any]) -> None:
    """Register the (lazily translated) labels of an app's audit events."""
    EVENT_LABELS.update(labels)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value (Decimal and dates as text, rows as their key)."""
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The current values of `fields`, taken before an edit to diff against afterwards."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    *,
    actor: Any,
    target: models.Model,
    event: str,
    data: dict[str, Any] | None = None,
    subject: models.Model | None = None,
) -> AuditEvent:
    """Write one audit event; `subject` is the record whose history shows it (default target)."""
    subject = subject or target
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        event=event,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        data={k: _plain(v) for k, v in (data or {}).items()},
    )


def history(subject: models.Model) -> models.QuerySet[AuditEvent]:
    """Events shown on a record's history, newest first."""
    return AuditEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    ).select_related("actor")
