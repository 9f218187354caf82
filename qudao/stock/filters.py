"""Stock report filters, shared by the list page, its Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.stock.models import ReportSource, StockReport
from qudao.stock.periods import period_parse


class StockReportFilter(django_filters.FilterSet):
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    q = django_filters.CharFilter(label=_("Dealer code or name"), method="search")
    period = django_filters.CharFilter(label=_("Month"), method="in_period")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=ReportSource.choices)

    class Meta:
        model = StockReport
        fields = ["dealer", "q", "period", "source"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))

    def in_period(self, queryset, name, value):
        try:
            return queryset.filter(period=period_parse(value).replace(day=1))
        except ValueError:
            return queryset.none()
