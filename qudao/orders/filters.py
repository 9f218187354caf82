"""Filters of orders, shipments and returns, shared by the list pages, exports and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.core.filters import NumberPrefixFilter
from qudao.orders.choices import OrderChannel, OrderStatus, ReturnReason, ReturnStatus
from qudao.orders.models import Order, ReturnRequest, Shipment


def _dealer_text(queryset, value: str):
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(Q(dealer__code__istartswith=value) | Q(dealer__name__icontains=value)
                           | Q(dealer__short_name__icontains=value))


class OrderFilter(django_filters.FilterSet):
    number = NumberPrefixFilter(label=_("Order number"), field_name="number")
    dealer = django_filters.CharFilter(label=_("Dealer"), method="by_dealer")
    dealer_id = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrderStatus.choices)
    channel = django_filters.ChoiceFilter(label=_("Placed through"),
                                          choices=OrderChannel.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="ordered_on",
                                          lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="ordered_on",
                                        lookup_expr="lte")
    awaiting = django_filters.BooleanFilter(label=_("Awaiting approval"), method="by_awaiting")

    class Meta:
        model = Order
        fields = ["number", "dealer", "dealer_id", "status", "channel", "date_from", "date_to",
                  "awaiting"]

    def by_dealer(self, queryset, name, value):
        return _dealer_text(queryset, value)

    def by_awaiting(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status=OrderStatus.SUBMITTED)
        return queryset.exclude(status=OrderStatus.SUBMITTED)


class ShipmentFilter(django_filters.FilterSet):
    number = NumberPrefixFilter(label=_("Shipment number"), field_name="number")
    order = NumberPrefixFilter(label=_("Order number"), field_name="order__number")
    dealer = django_filters.CharFilter(label=_("Dealer"), method="by_dealer")
    dealer_id = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    batch = django_filters.CharFilter(label=_("Batch number"), field_name="lines__batch_number",
                                      method="by_batch")
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=Shipment._meta.get_field("status").choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="shipped_on",
                                          lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="shipped_on",
                                        lookup_expr="lte")

    class Meta:
        model = Shipment
        fields = ["number", "order", "dealer", "dealer_id", "batch", "status", "date_from",
                  "date_to"]

    def by_dealer(self, queryset, name, value):
        return _dealer_text(queryset, value)

    def by_batch(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(pk__in=Shipment.objects.filter(lines__batch_number=value)
                               .values("pk"))


class ReturnFilter(django_filters.FilterSet):
    number = NumberPrefixFilter(label=_("Return number"), field_name="number")
    order = NumberPrefixFilter(label=_("Order number"), field_name="order__number")
    dealer = django_filters.CharFilter(label=_("Dealer"), method="by_dealer")
    dealer_id = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReturnStatus.choices)
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=ReturnReason.choices)

    class Meta:
        model = ReturnRequest
        fields = ["number", "order", "dealer", "dealer_id", "status", "reason"]

    def by_dealer(self, queryset, name, value):
        return _dealer_text(queryset, value)
