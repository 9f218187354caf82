"""Dealer filters, shared by the list page, the Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ChannelLevel, DealerStatus, Grade
from qudao.dealers.models import Dealer
from qudao.territories.models import Territory

ORDERINGS = {
    "code": ("code",), "-code": ("-code",), "name": ("name", "code"),
    "-name": ("-name", "-code"), "status": ("status", "code"), "grade": ("grade", "code"),
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
}


class DealerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DealerStatus.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices)
    channel_level = django_filters.ChoiceFilter(label=_("Channel level"),
                                                choices=ChannelLevel.choices)
    territory = django_filters.NumberFilter(label=_("Region"), method="in_territory")
    rep = django_filters.NumberFilter(label=_("Sales rep"), field_name="assigned_rep_id")
    parent = django_filters.NumberFilter(label=_("Parent dealer"), field_name="parent_id")
    tag = django_filters.CharFilter(label=_("Tag"), field_name="tags__name")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="sort_by", empty_label=None,
        choices=[("code", _("Code")), ("-code", _("Code, descending")), ("name", _("Name")),
                 ("-name", _("Name, descending")), ("status", _("Status")),
                 ("grade", _("Grade")), ("-created", _("Newest first")),
                 ("created", _("Oldest first"))],
    )

    class Meta:
        model = Dealer
        fields = ["q", "status", "grade", "channel_level", "territory", "rep", "parent", "tag"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__istartswith=value) | Q(name__icontains=value)
            | Q(short_name__icontains=value) | Q(legal_name__icontains=value)
            | Q(credit_code=value.upper())
        )

    def in_territory(self, queryset, name, value):
        node = Territory.objects.filter(pk=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=node.path)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ("code",)))
