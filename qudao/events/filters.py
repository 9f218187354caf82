"""Filters of events, invitations and training records, shared by the pages, the exports and
the API."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qudao.events.choices import (
    EventKind,
    EventStatus,
    InvitationStatus,
    TrainingModule,
    TrainingResult,
)
from qudao.events.models import Event, Invitation, TrainingRecord

WHEN = [("upcoming", _("Upcoming")), ("past", _("Past"))]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a local (Asia/Shanghai) day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def in_region(queryset, path_field: str, territory_id: int):
    """Rows whose territory lies at or below the given node."""
    from qudao.territories.models import Territory

    path = Territory.objects.filter(pk=territory_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": path})


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EventStatus.choices)
    module = django_filters.ChoiceFilter(label=_("Training module"),
                                         choices=TrainingModule.choices)
    when = django_filters.ChoiceFilter(label=_("When"), choices=WHEN, method="by_when")
    year = django_filters.NumberFilter(label=_("Year"), method="in_year")
    date_from = django_filters.DateFilter(label=_("From"), method="from_day")
    date_to = django_filters.DateFilter(label=_("To"), method="to_day")
    region = django_filters.NumberFilter(label=_("Held in region"), method="held_in")
    q = django_filters.CharFilter(label=_("Title or place"), method="search")

    class Meta:
        model = Event
        fields = ["kind", "status", "module", "when", "year", "date_from", "date_to",
                  "region", "q"]

    def by_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(ends_at__gte=now)
        return queryset.filter(ends_at__lt=now)

    def in_year(self, queryset, name, value):
        year = int(value)
        if not 2000 <= year <= 2100:
            return queryset.none()
        return queryset.filter(starts_at__gte=day_start(datetime.date(year, 1, 1)),
                               starts_at__lt=day_start(datetime.date(year + 1, 1, 1)))

    def from_day(self, queryset, name, value):
        return queryset.filter(starts_at__gte=day_start(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(starts_at__lt=day_start(value + datetime.timedelta(days=1)))

    def held_in(self, queryset, name, value):
        return in_region(queryset, "territory__path", value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(place__icontains=value))


class InvitationFilter(django_filters.FilterSet):
    event = django_filters.NumberFilter(label=_("Event"), field_name="event_id")
    status = django_filters.ChoiceFilter(label=_("Answer"), choices=InvitationStatus.choices)
    attended = django_filters.ChoiceFilter(label=_("Came"), choices=YES_NO, method="came")
    feedback = django_filters.ChoiceFilter(label=_("Feedback given"), choices=YES_NO,
                                           method="with_feedback")
    region = django_filters.NumberFilter(label=_("Region"), method="dealer_in")
    q = django_filters.CharFilter(label=_("Dealer code or name"), method="search")

    class Meta:
        model = Invitation
        fields = ["event", "status", "attended", "feedback", "region", "q"]

    def came(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(attended_count__gt=0)
        return queryset.filter(attended_count=0)

    def with_feedback(self, queryset, name, value):
        return queryset.filter(feedback__isnull=(value != "yes"))

    def dealer_in(self, queryset, name, value):
        return in_region(queryset, "dealer__territory__path", value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value))


class TrainingFilter(django_filters.FilterSet):
    dealer = django_filters.NumberFilter(label=_("Dealer"), field_name="dealer_id")
    event = django_filters.NumberFilter(label=_("Training"), field_name="event_id")
    module = django_filters.ChoiceFilter(label=_("Training module"),
                                         choices=TrainingModule.choices)
    result = django_filters.ChoiceFilter(label=_("Result"), choices=TrainingResult.choices)
    year = django_filters.NumberFilter(label=_("Year"), field_name="trained_on__year")
    q = django_filters.CharFilter(label=_("Dealer, person or course"), method="search")

    class Meta:
        model = TrainingRecord
        fields = ["dealer", "event", "module", "result", "year", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(dealer__code__istartswith=value)
                               | Q(dealer__name__icontains=value)
                               | Q(person__icontains=value) | Q(course__icontains=value))
