"""Filters of suggestions, grade changes and lifecycle actions, shared by the pages, the
exports and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ChannelLevel
from qudao.tiers.choices import ActionKind, ActionStatus, Direction, SuggestionStatus
from qudao.tiers.models import GradeChange, LifecycleAction, TierSuggestion

CHANGES = [c for c in Direction.choices if c[0] != Direction.SAME]


def in_region(queryset, path_field: str, territory_id: int):
    """Rows whose territory lies at or below the given node."""
    from qudao.territories.models import Territory

    path = Territory.objects.filter(pk=territory_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": path})


class _DealerFilter(django_filters.FilterSet):
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    region = django_filters.NumberFilter(label=_("Region"), method="dealer_in")
    level = django_filters.ChoiceFilter(label=_("Channel level"), choices=ChannelLevel.choices,
                                        field_name="dealer__channel_level")
    q = django_filters.CharFilter(label=_("Dealer code or name"), method="search")

    def dealer_in(self, queryset, name, value):
        return in_region(queryset, "dealer__territory__path", value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))


class SuggestionFilter(_DealerFilter):
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=CHANGES)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SuggestionStatus.choices)
    grade = django_filters.ChoiceFilter(label=_("Suggested grade"),
                                        choices=[(g, g) for g in "ABC"],
                                        field_name="suggested_grade")

    class Meta:
        model = TierSuggestion
        fields = ["dealer", "region", "level", "direction", "status", "grade", "q"]


class GradeChangeFilter(_DealerFilter):
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=CHANGES)
    to_grade = django_filters.ChoiceFilter(label=_("New grade"),
                                           choices=[(g, g) for g in "ABC"])
    date_from = django_filters.DateFilter(label=_("From"), field_name="changed_at__date",
                                          lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="changed_at__date",
                                        lookup_expr="lte")

    class Meta:
        model = GradeChange
        fields = ["dealer", "region", "level", "direction", "to_grade", "date_from", "date_to",
                  "q"]


class ActionFilter(_DealerFilter):
    kind = django_filters.ChoiceFilter(label=_("Action"), choices=ActionKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices)

    class Meta:
        model = LifecycleAction
        fields = ["dealer", "region", "level", "kind", "status", "q"]
