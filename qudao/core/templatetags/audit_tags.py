"""Show audit events the way people read them: field labels and "old → new"."""

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from qudao.core import audit

register = template.Library()

# Labels of the foundation's events; later apps add theirs with audit.event_labels_add.
EVENT_LABELS = audit.EVENT_LABELS
EVENT_LABELS.update({
    "dealer.created": _("Dealer created"),
    "dealer.updated": _("Dealer edited"),
    "dealer.status_changed": _("Status changed"),
    "contact.created": _("Contact added"),
    "contact.updated": _("Contact edited"),
    "contact.deleted": _("Contact deleted"),
    "product.created": _("Product created"),
    "product.updated": _("Product edited"),
    "price.added": _("Price added"),
    "price.closed": _("Price period closed"),
    "territory.created": _("Territory created"),
    "territory.updated": _("Territory edited"),
    "territory.assigned": _("Person assigned"),
    "territory.unassigned": _("Assignment removed"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
})
EMPTY = "∅"
# Keys that lifecycle events (submitted, activated, limit changed ...) record as [old, new].
CHANGED_KEYS = {"status", "credit_limit", "limit"}


@register.filter
def event_label(event: Any) -> str:
    return str(EVENT_LABELS.get(event.event, event.event))


def _text(value: Any) -> str:
    return EMPTY if value in (None, "") else str(value)


@register.filter
def event_changes(event: Any) -> list[tuple[str, str]]:
    """(label, text) pairs: an edited field reads "old → new", other details their value."""
    model = ContentType.objects.get_for_id(event.target_type_id).model_class()
    pairs = []
    for key, value in (event.data or {}).items():
        label = key
        if model is not None:
            try:
                field = model._meta.get_field(key)
                # A reverse relation (an order's "lines") has no verbose name of its own.
                label = str(getattr(field, "verbose_name", key))
                # Coded values (a status) read as their labels: "draft" -> 草稿.
                names = dict(getattr(field, "flatchoices", None) or ())
                if names:
                    value = ([names.get(v, v) if isinstance(v, str) else v for v in value]
                             if isinstance(value, list)
                             else names.get(value, value) if isinstance(value, str) else value)
            except FieldDoesNotExist:
                label = str(_(key)) if key in ("tags", "parent") else key
        if isinstance(value, list) and len(value) == 2 and (
                event.event.endswith((".updated", ".status_changed")) or key in CHANGED_KEYS):
            pairs.append((label, f"{_text(value[0])} → {_text(value[1])}"))
        else:
            pairs.append((label, _text(value)))
    return pairs
