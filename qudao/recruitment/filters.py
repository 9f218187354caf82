"""Filters of leads and candidates, shared by the pages, the exports and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.recruitment.choices import CandidateStatus, Fit, LeadSource, LeadStatus
from qudao.recruitment.models import Candidate, Lead
from qudao.stock.periods import month_start, period_parse

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def in_region(queryset, path_field: str, territory_id: int):
    """Rows whose territory lies at or below the given node."""
    from qudao.territories.models import Territory

    path = Territory.objects.filter(pk=territory_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": path})


def _period(value):
    try:
        return month_start(period_parse(value))
    except (TypeError, ValueError):
        return None


class LeadFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=LeadSource.choices)
    region = django_filters.NumberFilter(label=_("Region"), method="by_region")
    rep = django_filters.NumberFilter(label=_("Sales rep"), field_name="assigned_rep_id")
    period = django_filters.CharFilter(label=_("Period (YYYY-MM)"), method="in_period")
    carried = django_filters.ChoiceFilter(label=_("Carried over"), choices=YES_NO,
                                          method="by_carried")
    campaign = django_filters.NumberFilter(label=_("Campaign"), method="in_campaign")
    q = django_filters.CharFilter(label=_("Company, contact or phone"), method="search")

    class Meta:
        model = Lead
        fields = ["status", "source", "region", "rep", "period", "carried", "campaign", "q"]

    def by_region(self, queryset, name, value):
        return in_region(queryset, "territory__path", value)

    def in_period(self, queryset, name, value):
        month = _period(value)
        return queryset.none() if month is None else queryset.filter(period=month)

    def by_carried(self, queryset, name, value):
        return queryset.filter(carried_from__isnull=(value != "yes"))

    def in_campaign(self, queryset, name, value):
        return queryset.filter(campaigns__id=value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(company__icontains=value) | Q(contact_person__icontains=value)
                               | Q(phone__startswith=value))


class CandidateFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CandidateStatus.choices)
    fit = django_filters.ChoiceFilter(label=_("Fit"), choices=Fit.choices)
    region = django_filters.NumberFilter(label=_("Region"), method="by_region")
    criteria_set = django_filters.NumberFilter(label=_("Criteria set"),
                                               field_name="criteria_set_id")
    q = django_filters.CharFilter(label=_("Company"), method="search")

    class Meta:
        model = Candidate
        fields = ["status", "fit", "region", "criteria_set", "q"]

    def by_region(self, queryset, name, value):
        return in_region(queryset, "lead__territory__path", value)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset
