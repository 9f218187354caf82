"""Template filters of the tier pages."""

from typing import Any

from django import template

from qudao.tiers.scoring import number

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """An amount as the reasons write it: thousands separated, no ".00" on whole yuan."""
    return "" if value is None or value == "" else number(value)
