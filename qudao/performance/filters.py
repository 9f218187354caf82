"""Filters of the channel expense list, shared by the page, its export and the API."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qudao.performance.choices import ExpenseCategory
from qudao.performance.models import ChannelExpense
from qudao.stock.periods import period_parse
from qudao.territories.models import Territory


def _month(value: Any):
    try:
        return period_parse(value).replace(day=1)
    except ValueError:
        return None


class ExpenseFilter(django_filters.FilterSet):
    region = django_filters.NumberFilter(label=_("Region"), method="in_region")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=ExpenseCategory.choices)
    month_from = django_filters.CharFilter(label=_("From month"), method="from_month")
    month_to = django_filters.CharFilter(label=_("To month"), method="to_month")
    q = django_filters.CharFilter(label=_("Note"), field_name="note", lookup_expr="icontains")

    class Meta:
        model = ChannelExpense
        fields: list[str] = []

    def in_region(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        path = Territory.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=path)

    def from_month(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        month = _month(value)
        return queryset.filter(month__gte=month) if month else queryset

    def to_month(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        month = _month(value)
        return queryset.filter(month__lte=month) if month else queryset
