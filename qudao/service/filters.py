"""Service request filters, shared by the list page, its Excel export and the API."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.service.choices import ACTIVE_STATUSES, DONE_STATUSES, OPEN_STATUSES, Priority
from qudao.service.choices import RequestStatus as Status
from qudao.service.models import ServiceFunction, ServiceRequest
from qudao.service.workhours import SHANGHAI
from qudao.stock.periods import add_months, period_parse

STATES = [("open", _("Open")), ("done", _("Resolved or closed")), ("all", _("All"))]


def month_moment(first: datetime.date) -> datetime.datetime:
    """Midnight, Shanghai time, at the start of a month (requests count in the month they
    were raised there)."""
    return datetime.datetime.combine(first, datetime.time(), tzinfo=SHANGHAI)


def overdue_q(now=None) -> Q:
    """Requests with a deadline passed unmet (none while waiting for the dealer)."""
    now = now or timezone.now()
    return Q(status__in=ACTIVE_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due__lte=now)
        | Q(resolution_due__lte=now))


class ServiceRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="in_state",
                                        empty_label=None)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    function = django_filters.ModelChoiceFilter(
        label=_("Type"), queryset=ServiceFunction.objects.all(), to_field_name="code")
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="is_overdue")
    assignee = django_filters.NumberFilter(label=_("Assigned to"), field_name="assignee_id")
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="assigned_to_me")
    department = django_filters.CharFilter(label=_("Department"), field_name="department")
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    period = django_filters.CharFilter(label=_("Month raised"), method="in_period")
    q = django_filters.CharFilter(label=_("Dealer, number or subject"), method="search")

    class Meta:
        model = ServiceRequest
        fields = ["state", "status", "function", "priority", "overdue", "assignee", "mine",
                  "department", "dealer", "period", "q"]

    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_user = request_user

    def in_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "done":
            return queryset.filter(status__in=DONE_STATUSES)
        return queryset

    def is_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def assigned_to_me(self, queryset, name, value):
        if value and self.request_user is not None:
            return queryset.filter(assignee=self.request_user)
        return queryset

    def in_period(self, queryset, name, value):
        try:
            first = period_parse(value).replace(day=1)
        except ValueError:
            return queryset.none()
        return queryset.filter(created_at__gte=month_moment(first),
                               created_at__lt=month_moment(add_months(first, 1)))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value)
                               | Q(number__iexact=value) | Q(subject__icontains=value))
