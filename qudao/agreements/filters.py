"""Agreement filters, shared by the list page, the Excel export and the API."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.agreements.choices import AgreementStatus, AgreementType
from qudao.agreements.models import Agreement

ORDERINGS = {
    "-start": ("-start_date", "-number"), "start": ("start_date", "number"),
    "end": ("end_date", "number"), "-end": ("-end_date", "-number"),
    "number": ("number",), "dealer": ("dealer__code", "-start_date"),
}


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AgreementStatus.choices)
    agreement_type = django_filters.ChoiceFilter(label=_("Authorization type"),
                                                 choices=AgreementType.choices)
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    expiring = django_filters.NumberFilter(label=_("Expiring within (days)"),
                                           method="expiring_within", min_value=0)
    term_from = django_filters.DateFilter(label=_("In force from"), field_name="end_date",
                                          lookup_expr="gte")
    term_to = django_filters.DateFilter(label=_("In force until"), field_name="start_date",
                                        lookup_expr="lte")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="sort_by", empty_label=None,
        choices=[("-start", _("Newest term first")), ("start", _("Oldest term first")),
                 ("end", _("Ending soonest")), ("-end", _("Ending latest")),
                 ("number", _("Number")), ("dealer", _("Dealer code"))],
    )

    class Meta:
        model = Agreement
        fields = ["q", "status", "agreement_type", "dealer", "expiring", "term_from", "term_to"]

    def search(self, queryset, name, value):
        """Agreement number, or the dealer's code, name or legal entity."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(dealer__code__istartswith=value)
            | Q(dealer__name__icontains=value) | Q(dealer__legal_name__icontains=value))

    def expiring_within(self, queryset, name, value):
        """Active agreements ending between today and `value` days from now."""
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(status=AgreementStatus.ACTIVE, end_date__gte=today,
                               end_date__lte=today + timedelta(days=int(value)))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["-start"]))
