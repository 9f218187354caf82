"""Filters of the contact log and the overdue list, shared by the pages, exports and API."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.stock.periods import add_months, period_parse
from qudao.visits.choices import ContactKind, Purpose
from qudao.visits.models import Contact

NEXT_STEPS = [("open", _("Open next steps")), ("late", _("Next steps past due"))]
OVERDUE_KINDS = [("any", _("Call or visit")), ("call", _("Call")), ("visit", _("Visit"))]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def in_region(queryset, path_field: str, territory_id: int):
    """Rows whose territory lies at or below the given node."""
    from qudao.territories.models import Territory

    path = Territory.objects.filter(pk=territory_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": path})


class ContactFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ContactKind.choices)
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Purpose.choices)
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    staff = django_filters.NumberFilter(label=_("By"), field_name="staff_id")
    region = django_filters.NumberFilter(label=_("Region"), method="in_region")
    q = django_filters.CharFilter(label=_("Dealer code or name"), method="search")
    month = django_filters.CharFilter(label=_("Month"), method="in_month")
    date_from = django_filters.DateFilter(label=_("From"), method="from_day")
    date_to = django_filters.DateFilter(label=_("To"), method="to_day")
    next_step = django_filters.ChoiceFilter(label=_("Next step"), choices=NEXT_STEPS,
                                            method="with_next_step")
    alert = django_filters.NumberFilter(label=_("Alert"), field_name="alert_id")
    mine = django_filters.BooleanFilter(label=_("Mine only"), method="by_me")

    class Meta:
        model = Contact
        fields = ["kind", "purpose", "dealer", "staff", "region", "q", "month", "date_from",
                  "date_to", "next_step", "alert", "mine"]

    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_user = request_user

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))

    def in_region(self, queryset, name, value):
        return in_region(queryset, "dealer__territory__path", value)

    def in_month(self, queryset, name, value):
        try:
            return queryset.filter(month=period_parse(value).replace(day=1))
        except ValueError:
            return queryset.none()

    def from_day(self, queryset, name, value):
        return queryset.filter(happened_at__gte=_day_start(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(happened_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def with_next_step(self, queryset, name, value):
        open_steps = queryset.exclude(next_step="").filter(next_step_done_on__isnull=True)
        if value == "late":
            return open_steps.filter(next_step_due__lt=timezone.localdate())
        return open_steps

    def by_me(self, queryset, name, value):
        if value and self.request_user is not None:
            return queryset.filter(staff=self.request_user)
        return queryset


def month_or_today(value: str | None) -> datetime.date:
    """The day figures are taken on: the end of the month given (YYYY-MM) or a date given,
    never after today; today when nothing is given. ValueError on a bad value."""
    today = timezone.localdate()
    if not value:
        return today
    day = period_parse(value)
    if len(str(value).strip()) == 7:
        day = add_months(day, 1) - datetime.timedelta(days=1)
    return min(day, today)
