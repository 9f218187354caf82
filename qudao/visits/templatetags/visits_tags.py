"""Figures of the calls-and-visits pages."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(share: Any) -> str:
    """A share (0.0425) as a percentage with one decimal ("4.3%"); a dash for none."""
    if share is None or share == "":
        return "—"
    value = (Decimal(str(share)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"
