"""Field types shared by every app."""

from decimal import Decimal

from django.db import models


class MoneyField(models.DecimalField):
    """An amount of CNY: Decimal with two places, never a float."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", Decimal("0.00"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "qudao.core.fields.MoneyField", args, kwargs
