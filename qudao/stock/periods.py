"""Month arithmetic of stock reports: a report's period is the first day of its month."""

import calendar
import datetime

from django.utils.translation import gettext as _


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_parse(value: object) -> datetime.date:
    """A period from "2026-05", "2026-05-01" or a date; ValueError with a readable reason."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    try:
        if len(text) == 7:
            return datetime.date.fromisoformat(f"{text}-01")
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(_("“%(value)s” is not a month (YYYY-MM).") % {"value": text}) from None
