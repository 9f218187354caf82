"""Show audit events the way people read them: field labels and "old → new"."""

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

register = template.Library()

EVENT_LABELS = {
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
}
EMPTY = "∅"


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
                label = str(model._meta.get_field(key).verbose_name)
            except FieldDoesNotExist:
                label = str(_(key)) if key in ("tags", "parent") else key
        if isinstance(value, list) and len(value) == 2 and event.event.endswith(
                (".updated", ".status_changed")):
            pairs.append((label, f"{_text(value[0])} → {_text(value[1])}"))
        else:
            pairs.append((label, _text(value)))
    return pairs
