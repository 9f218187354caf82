"""Figures of the channel performance pages."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(share: Any) -> str:
    """A share (0.0425) as a percentage with one decimal ("4.3%"); "n/a" for none."""
    if share is None or share == "":
        return _("n/a")
    value = (Decimal(str(share)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


@register.filter
def na(value: Any) -> Any:
    """The value, or "n/a" when there is none."""
    return _("n/a") if value is None or value == "" else value


@register.filter
def yuan(value: Any) -> str:
    """An amount of CNY with thousands separators and no cents ("1,234,568")."""
    if value is None:
        return _("n/a")
    return f"{Decimal(str(value)).quantize(Decimal('1'), ROUND_HALF_UP):,}"


@register.filter
def item_value(item: dict) -> str:
    """A KPI item's value as people read it: a count, a share or an average rating."""
    value = item.get("value")
    if value is None:
        return _("n/a")
    if item["code"] in ("new_dealers", "first_orders"):
        return str(value)
    if item["code"] == "rating":
        return f"{value} / 5"
    return pct(value)


@register.filter
def quarter(day: Any) -> str:
    """The quarter a date falls in ("2026 Q2")."""
    if not day:
        return ""
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"
