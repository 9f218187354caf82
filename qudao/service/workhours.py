"""Working-hour arithmetic for service deadlines, in Asia/Shanghai.

A time limit of "8 working hours" counts only the service desk's working periods (by
default 09:00-12:00 and 13:30-18:00) on working days: Monday to Friday, less public
holidays, plus adjusted working days (调休, a Saturday or Sunday that is worked). Nights,
the lunch break, weekends and holidays do not count.

`add_working_hours` and `working_hours_between` are pure functions of their arguments and
a `WorkCalendar`; without one they read the calendar from the database (two small
queries), so callers handling many requests load it once and pass it in.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")
MICROS_PER_HOUR = 3_600_000_000
# A deadline further away than this many calendar days means a calendar without working
# time (every weekday switched off), not a real limit.
MAX_DAYS = 3 * 366

Period = tuple[datetime.time, datetime.time]


@dataclass(frozen=True)
class WorkCalendar:
    """The working periods of a day, the ISO weekdays worked, and the exceptions."""

    periods: tuple[Period, ...] = ((datetime.time(9), datetime.time(12)),
                                   (datetime.time(13, 30), datetime.time(18)))
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    extra_workdays: frozenset[datetime.date] = field(default_factory=frozenset)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.extra_workdays:
            return True
        return day.isoweekday() in self.workdays

    @property
    def hours_per_day(self) -> Decimal:
        minutes = sum((e.hour * 60 + e.minute) - (b.hour * 60 + b.minute)
                      for b, e in self.periods)
        return Decimal(minutes) / 60


def periods_parse(text: str) -> tuple[Period, ...]:
    """"09:00-12:00,13:30-18:00" as periods, checked: each starts before it ends, and they
    come in order without overlapping. Raises ValueError with a message for people."""
    periods: list[Period] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            begin_text, end_text = part.split("-")
            begin = datetime.time.fromisoformat(begin_text.strip())
            end = datetime.time.fromisoformat(end_text.strip())
        except ValueError:
            raise ValueError(_("“%(part)s” is not a period like 09:00-12:00.")
                             % {"part": part}) from None
        if begin >= end:
            raise ValueError(_("“%(part)s” ends before it starts.") % {"part": part})
        if periods and begin < periods[-1][1]:
            raise ValueError(_("“%(part)s” overlaps the period before it or comes before "
                               "it.") % {"part": part})
        periods.append((begin, end))
    if not periods:
        raise ValueError(_("Give at least one working period, e.g. 09:00-12:00."))
    return tuple(periods)


def calendar_load() -> WorkCalendar:
    """The working calendar as configured (WorkingCalendar and CalendarDay rows)."""
    from qudao.service.choices import DayKind
    from qudao.service.models import CalendarDay, WorkingCalendar

    settings_row = WorkingCalendar.current()
    holidays, extra = set(), set()
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (holidays if kind == DayKind.HOLIDAY else extra).add(day)
    return WorkCalendar(periods=periods_parse(settings_row.hours),
                        workdays=frozenset(int(c) for c in settings_row.workdays),
                        holidays=frozenset(holidays), extra_workdays=frozenset(extra))


def _local(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def _micros(hours: Decimal | float | int) -> int:
    amount = hours if isinstance(hours, Decimal) else Decimal(str(hours))
    return int((amount * MICROS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_UP))


def _bounds(day: datetime.date, period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    return (datetime.datetime.combine(day, period[0], tzinfo=SHANGHAI),
            datetime.datetime.combine(day, period[1], tzinfo=SHANGHAI))


def add_working_hours(start: datetime.datetime, hours: Decimal | float | int, *,
                      calendar: WorkCalendar | None = None) -> datetime.datetime:
    """The moment `hours` working hours after `start` (an aware datetime; a naive one is
    taken as Shanghai time), as a Shanghai datetime.

    Time outside working periods does not count: a request raised at 20:00 with a 2-hour
    limit is due at 11:00 the next working day. A deadline that uses up a period exactly
    falls at the period's end (12:00), not at the start of the next one. Zero hours give
    `start` back. Raises ValueError for negative hours or a calendar without working time.
    """
    calendar = calendar or calendar_load()
    remaining = _micros(hours)
    if remaining < 0:
        raise ValueError("hours must not be negative")
    cursor = _local(start)
    if remaining == 0:
        return cursor
    day = cursor.date()
    for _n in range(MAX_DAYS):
        if calendar.is_working_day(day):
            for period in calendar.periods:
                begin, end = _bounds(day, period)
                if end <= cursor:
                    continue
                begin = max(begin, cursor)
                available = (end - begin) // datetime.timedelta(microseconds=1)
                if remaining <= available:
                    return begin + datetime.timedelta(microseconds=remaining)
                remaining -= available
        day += datetime.timedelta(days=1)
    raise ValueError("the working calendar has no working time")


def working_hours_between(a: datetime.datetime, b: datetime.datetime, *,
                          calendar: WorkCalendar | None = None) -> Decimal:
    """Working hours from `a` to `b` (negative when `b` is earlier), to the millionth of an
    hour: the inverse of add_working_hours for moments inside working time."""
    calendar = calendar or calendar_load()
    a, b = _local(a), _local(b)
    if b < a:
        return -working_hours_between(b, a, calendar=calendar)
    total = 0
    day = a.date()
    while day <= b.date():
        if calendar.is_working_day(day):
            for period in calendar.periods:
                begin, end = _bounds(day, period)
                begin, end = max(begin, a), min(end, b)
                if end > begin:
                    total += (end - begin) // datetime.timedelta(microseconds=1)
        day += datetime.timedelta(days=1)
    return (Decimal(total) / MICROS_PER_HOUR).quantize(Decimal("0.000001"),
                                                       rounding=ROUND_HALF_UP)
