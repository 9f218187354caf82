"""Document numbers (orders, shipments, invoices, ...): a prefix, the date and the row id."""

import datetime

from django.db import models


def number_for(*, prefix: str, day: datetime.date, pk: int) -> str:
    """The document number of row `pk` created on `day`: SO2611230000123."""
    return f"{prefix}{day:%y%m%d}{pk:07d}"


def number_assign(obj: models.Model, *, prefix: str, day: datetime.date) -> str:
    """Give a just-created row its number, e.g. SO2611230000123, derived from its id.

    Ids are unique and increase, so numbers are unique without a shared counter row
    that parallel orders would queue on.
    """
    number = number_for(prefix=prefix, day=day, pk=obj.pk)
    type(obj).objects.filter(pk=obj.pk).update(number=number)
    obj.number = number
    return number
