"""Filters shared by the lists of every app."""

from typing import Any

import django_filters
from django.db.models import QuerySet


class NumberPrefixFilter(django_filters.CharFilter):
    """Documents whose number starts with what was typed (SO2501 finds SO250101...).

    Numbers are upper-case ASCII, so the prefix becomes a range on the plain unique index
    (number >= 'SO2501' and < 'SO2502'): a case-insensitive LIKE would read every row of a
    table with millions of orders. The matches are listed by number, newest first: ordered
    by date instead, PostgreSQL would walk the date index and skip every newer document
    (numbers carry their date, which the planner cannot know).
    """

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        value = (value or "").strip().upper()
        if not value:
            return qs
        after = value[:-1] + chr(ord(value[-1]) + 1)
        qs = qs.filter(**{f"{self.field_name}__gte": value, f"{self.field_name}__lt": after})
        return qs if "__" in self.field_name else qs.order_by(f"-{self.field_name}")
