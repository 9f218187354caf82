"""Filters of retailers, applications, audits and certificates, shared by the pages, the
exports and the API."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.dealers.choices import ChannelLevel, DealerStatus, Grade, RetailerType
from qudao.dealers.models import Dealer
from qudao.retail.choices import ApplicationStatus, CertificateState
from qudao.retail.models import EXPIRING_DAYS, Application, Certificate, StoreAudit

LEVELS = [(ChannelLevel.TERMINAL.value, ChannelLevel.TERMINAL.label),
          (ChannelLevel.KEY_ACCOUNT.value, ChannelLevel.KEY_ACCOUNT.label)]


def in_region(queryset, path_field: str, territory_id: int):
    """Rows whose territory lies at or below the given node."""
    from qudao.territories.models import Territory

    path = Territory.objects.filter(pk=territory_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": path})


def by_certificate_state(queryset, field: str, value: str):
    """Rows whose certificate valid-until date (`field`, None: no certificate in force)
    puts them in `value`: valid beyond 30 days, expiring within 30, expired, or none."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    if value == CertificateState.VALID:
        return queryset.filter(**{f"{field}__gt": soon})
    if value == CertificateState.EXPIRING:
        return queryset.filter(**{f"{field}__gte": today, f"{field}__lte": soon})
    if value == CertificateState.EXPIRED:
        return queryset.filter(**{f"{field}__lt": today})
    if value == CertificateState.NONE:
        return queryset.filter(**{f"{field}__isnull": True})
    return queryset


class RetailerFilter(django_filters.FilterSet):
    """The retailer list; needs the annotations of queries.retailer_list (cert_until,
    last_score)."""

    retailer_type = django_filters.ChoiceFilter(label=_("Retailer type"),
                                                choices=RetailerType.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices)
    level = django_filters.ChoiceFilter(label=_("Channel level"), choices=LEVELS,
                                        field_name="channel_level")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DealerStatus.choices)
    region = django_filters.NumberFilter(label=_("Region"), method="in_region")
    parent = django_filters.NumberFilter(label=_("Supplying dealer"), field_name="parent_id")
    direct = django_filters.BooleanFilter(label=_("Supplied directly"), field_name="parent",
                                          lookup_expr="isnull")
    certificate = django_filters.ChoiceFilter(label=_("Certificate"),
                                              choices=CertificateState.choices,
                                              method="by_certificate")
    below = django_filters.NumberFilter(label=_("Latest audit score below"),
                                        method="score_below")
    q = django_filters.CharFilter(label=_("Code or name"), method="search")

    class Meta:
        model = Dealer
        fields = ["retailer_type", "grade", "level", "status", "region", "parent", "direct",
                  "certificate", "below", "q"]

    def in_region(self, queryset, name, value):
        return in_region(queryset, "territory__path", value)

    def by_certificate(self, queryset, name, value):
        return by_certificate_state(queryset, "cert_until", value)

    def score_below(self, queryset, name, value):
        return queryset.filter(last_score__lt=value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__istartswith=value) | Q(name__icontains=value))


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)
    retailer_type = django_filters.ChoiceFilter(label=_("Type applied for"),
                                                choices=RetailerType.choices)
    region = django_filters.NumberFilter(label=_("Region"), method="in_region")
    parent = django_filters.NumberFilter(label=_("Supplying dealer"), field_name="parent_id")
    q = django_filters.CharFilter(label=_("Number or store"), method="search")

    class Meta:
        model = Application
        fields = ["status", "retailer_type", "region", "parent", "q"]

    def in_region(self, queryset, name, value):
        return in_region(queryset, "territory__path", value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__istartswith=value) | Q(store_name__icontains=value))


class AuditFilter(django_filters.FilterSet):
    retailer = django_filters.NumberFilter(label=_("Store"), field_name="retailer_id")
    region = django_filters.NumberFilter(label=_("Region"), method="in_region")
    date_from = django_filters.DateFilter(label=_("From"), field_name="audited_on",
                                          lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="audited_on",
                                        lookup_expr="lte")
    below = django_filters.NumberFilter(label=_("Score below"), field_name="total_score",
                                        lookup_expr="lt")
    auditor = django_filters.NumberFilter(label=_("Audited by"), field_name="auditor_id")
    q = django_filters.CharFilter(label=_("Store code or name"), method="search")

    class Meta:
        model = StoreAudit
        fields = ["retailer", "region", "date_from", "date_to", "below", "auditor", "q"]

    def in_region(self, queryset, name, value):
        return in_region(queryset, "retailer__territory__path", value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(retailer__code__istartswith=value)
                               | Q(retailer__name__icontains=value))


class CertificateFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), method="by_state",
        choices=[(k, v) for k, v in CertificateState.choices if k != CertificateState.NONE])
    retailer_type = django_filters.ChoiceFilter(label=_("Authorized as"),
                                                choices=RetailerType.choices)
    region = django_filters.NumberFilter(label=_("Region"), method="in_region")
    q = django_filters.CharFilter(label=_("Number or store"), method="search")

    class Meta:
        model = Certificate
        fields = ["state", "retailer_type", "region", "q"]

    def by_state(self, queryset, name, value):
        if value == CertificateState.EXPIRED:
            today = timezone.localdate()
            return queryset.filter(Q(valid_until__lt=today) | Q(revoked_on__lte=today))
        return by_certificate_state(queryset.filter(revoked_on__isnull=True), "valid_until",
                                    value)

    def in_region(self, queryset, name, value):
        return in_region(queryset, "retailer__territory__path", value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__istartswith=value)
                               | Q(retailer__name__icontains=value)
                               | Q(retailer__code__istartswith=value))
