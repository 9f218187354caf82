"""Filters of the money lists, shared by the pages, the Excel exports and the API."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qudao.agreements.choices import PaymentMethod
from qudao.finance.choices import InvoiceKind, InvoiceStatus
from qudao.finance.models import CreditAccount, Invoice, Payment
from qudao.territories.models import Territory


def dealer_text(queryset, prefix: str, value: str):
    """Rows whose dealer's code starts with, or name contains, `value`."""
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(Q(**{f"{prefix}dealer__code__istartswith": value})
                           | Q(**{f"{prefix}dealer__name__icontains": value})
                           | Q(**{f"{prefix}dealer__short_name__icontains": value}))


def region_text(queryset, prefix: str, value: str):
    """Rows whose dealer sits in a territory (or under one) whose name contains `value`."""
    value = (value or "").strip()
    if not value:
        return queryset
    paths = list(Territory.objects.filter(Q(name__icontains=value) | Q(name_en__icontains=value)
                                          | Q(code=value)).values_list("path", flat=True)[:50])
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{prefix}dealer__territory__path__startswith": path})
    return queryset.filter(condition)


CREDIT_ORDERINGS = {
    "code": ("dealer__code",),
    "-usage": (F("usage").desc(nulls_last=True), "dealer__code"),
    "-overdue": ("-overdue", "dealer__code"),
    "-receivable": ("-receivable", "dealer__code"),
    "-available": ("-available_amount", "dealer__code"),
    "available": ("available_amount", "dealer__code"),
}


class CreditFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Dealer"), method="by_dealer")
    region = django_filters.CharFilter(label=_("Region"), method="by_region")
    high_usage = django_filters.BooleanFilter(label=_("Credit used over 80%"),
                                              method="by_high_usage")
    has_overdue = django_filters.BooleanFilter(label=_("Has overdue"), method="by_overdue")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="sort_by", empty_label=None,
        choices=[("code", _("Dealer code")), ("-usage", _("Highest usage first")),
                 ("-overdue", _("Largest overdue first")),
                 ("-receivable", _("Largest receivable first")),
                 ("available", _("Least available first"))])

    class Meta:
        model = CreditAccount
        fields = ["q", "region", "high_usage", "has_overdue"]

    def by_dealer(self, queryset, name, value):
        return dealer_text(queryset, "", value)

    def by_region(self, queryset, name, value):
        return region_text(queryset, "", value)

    def by_high_usage(self, queryset, name, value):
        # used / limit >= 80%, kept in whole numbers (5·used >= 4·limit) so SQLite does not
        # compare floats; a zero limit with anything used counts as over.
        high = Q(limit__gt=0, used5__gte=F("limit4")) | Q(limit=0, used__gt=0)
        if value is None:
            return queryset
        return queryset.filter(high) if value else queryset.exclude(high)

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue__gt=0) if value else queryset.filter(overdue=0)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*CREDIT_ORDERINGS.get(value, ("dealer__code",)))


class InvoiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=InvoiceStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=InvoiceKind.choices)
    issued_from = django_filters.DateFilter(label=_("Issued from"), field_name="issued_on",
                                            lookup_expr="gte")
    issued_to = django_filters.DateFilter(label=_("Issued to"), field_name="issued_on",
                                          lookup_expr="lte")
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="by_overdue")

    class Meta:
        model = Invoice
        fields = ["q", "dealer", "status", "kind", "issued_from", "issued_to", "overdue"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))

    def by_overdue(self, queryset, name, value):
        from django.utils import timezone

        if not value:
            return queryset
        return queryset.filter(status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE,
                               due_on__lt=timezone.localdate())


class PaymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    method = django_filters.ChoiceFilter(label=_("Payment method"),
                                         choices=PaymentMethod.choices)
    received_from = django_filters.DateFilter(label=_("Received from"),
                                              field_name="received_on", lookup_expr="gte")
    received_to = django_filters.DateFilter(label=_("Received to"), field_name="received_on",
                                            lookup_expr="lte")
    unallocated = django_filters.BooleanFilter(label=_("With unallocated money"),
                                               method="by_unallocated")
    void = django_filters.BooleanFilter(label=_("Void"), method="by_void")

    class Meta:
        model = Payment
        fields = ["q", "dealer", "method", "received_from", "received_to", "unallocated",
                  "void"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(reference__icontains=value)
                               | Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))

    def by_unallocated(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(voided_on__isnull=True, allocated_amount__lt=F("amount"))

    def by_void(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(voided_on__isnull=not value)


class DealerRegionFilter(django_filters.FilterSet):
    """Dealer and region text, for the aging report and the overdue list."""

    q = django_filters.CharFilter(label=_("Dealer"), method="by_dealer")
    region = django_filters.CharFilter(label=_("Region"), method="by_region")

    class Meta:
        model = Invoice
        fields = ["q", "region"]

    def by_dealer(self, queryset, name, value):
        return dealer_text(queryset, "", value)

    def by_region(self, queryset, name, value):
        return region_text(queryset, "", value)
