"""Alert filters, shared by the list page, its Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qudao.alerts.choices import CLOSED_STATUSES, OPEN_STATUSES, AlertStatus, Severity
from qudao.alerts.models import Alert, Rule
from qudao.stock.periods import period_parse

STATES = [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]


class AlertFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="in_state",
                                        empty_label=None)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AlertStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    rule = django_filters.ModelChoiceFilter(label=_("Rule"), queryset=Rule.objects.all(),
                                            field_name="rule")
    period = django_filters.CharFilter(label=_("Month"), method="in_period")
    region = django_filters.NumberFilter(label=_("Region"), method="in_region")
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    q = django_filters.CharFilter(label=_("Dealer code or name"), method="search")
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="assigned_to_me")

    class Meta:
        model = Alert
        fields = ["state", "status", "severity", "rule", "period", "region", "dealer", "q",
                  "mine"]

    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_user = request_user

    def in_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "closed":
            return queryset.filter(status__in=CLOSED_STATUSES)
        return queryset

    def in_period(self, queryset, name, value):
        try:
            return queryset.filter(period=period_parse(value).replace(day=1))
        except ValueError:
            return queryset.none()

    def in_region(self, queryset, name, value):
        from qudao.territories.models import Territory

        path = Territory.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=path)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))

    def assigned_to_me(self, queryset, name, value):
        if value and self.request_user is not None:
            return queryset.filter(assigned_to=self.request_user)
        return queryset
