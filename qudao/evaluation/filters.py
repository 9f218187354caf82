"""Filters of the scorecard list, shared by the page, its export and the API."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ChannelLevel, Grade
from qudao.evaluation.choices import PeriodKind, ScorecardStatus
from qudao.evaluation.models import Scorecard

SORTS = [("-total", _("Total, highest first")), ("total", _("Total, lowest first")),
         ("rank", _("Rank in region and level")), ("dealer", _("Dealer code"))]
ORDERING = {"-total": [F("total").desc(nulls_last=True), "dealer__code"],
            "total": [F("total").asc(nulls_last=True), "dealer__code"],
            "rank": ["region_id", "channel_level", F("rank").asc(nulls_last=True),
                     "dealer__code"],
            "dealer": ["dealer__code"]}


class ScorecardFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Period"), field_name="period_kind",
                                       choices=PeriodKind.choices)
    start = django_filters.DateFilter(label=_("Period from"), field_name="period_start")
    region = django_filters.NumberFilter(label=_("Region"), field_name="region_id")
    channel_level = django_filters.ChoiceFilter(label=_("Channel level"),
                                                choices=ChannelLevel.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), field_name="dealer__grade",
                                        choices=Grade.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ScorecardStatus.choices)
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    q = django_filters.CharFilter(label=_("Dealer code or name"), method="search")
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORTS, method="sorted",
                                       empty_label=None)

    class Meta:
        model = Scorecard
        fields = ["kind", "start", "region", "channel_level", "grade", "status", "dealer",
                  "q", "sort"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))

    def sorted(self, queryset, name, value):
        return queryset.order_by(*ORDERING.get(value, ORDERING["-total"]))
