"""Evaluation periods: a month, a quarter or a year, written "2026-05", "2026-Q2", "2026".

A period still running is counted up to the current month (its later months have no
figures yet); comparisons with last year use the same months a year earlier, so a year to
date is set against last year's same months, not the whole of last year.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.performance.choices import PeriodKind
from qudao.stock.periods import add_months

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the quarter `day` falls in."""
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A period of evaluation: `kind` and its first month; `months` are the months counted
    (up to `today`'s month for one still running)."""

    kind: str
    start: datetime.date
    today: datetime.date

    @property
    def length(self) -> int:
        return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]

    @property
    def months(self) -> list[datetime.date]:
        current = self.today.replace(day=1)
        months = [add_months(self.start, n) for n in range(self.length)]
        return [m for m in months if m <= current] or [self.start]

    @property
    def first(self) -> datetime.date:
        return self.months[0]

    @property
    def last(self) -> datetime.date:
        """The first day of the last month counted."""
        return self.months[-1]

    @property
    def end(self) -> datetime.date:
        """The last day counted: the end of the last month, or today in a running month."""
        last_day = self.last.replace(day=calendar.monthrange(self.last.year,
                                                             self.last.month)[1])
        return min(last_day, self.today) if self.last <= self.today else last_day

    @property
    def is_running(self) -> bool:
        return len(self.months) < self.length or self.end == self.today

    @property
    def days(self) -> int:
        return (self.end - self.first).days + 1

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return _("%(year)d") % {"year": self.start.year}
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)d Q%(quarter)d") % {"year": self.start.year,
                                                 "quarter": (self.start.month - 1) // 3 + 1}
        return f"{self.start:%Y-%m}"

    def shifted(self, months: int) -> list[datetime.date]:
        """The counted months moved by `months` (-12: the same months last year)."""
        return [add_months(m, months) for m in self.months]

    @property
    def previous(self) -> "Period":
        """The period before, of the same kind (counted in full)."""
        return Period(self.kind, add_months(self.start, -self.length), self.today)

    @property
    def quarters(self) -> list[datetime.date]:
        """First days of the quarters the counted months fall in (dealers' ratings)."""
        return sorted({quarter_start(m) for m in self.months})


def period_default(today: datetime.date | None = None) -> Period:
    """The last complete quarter: a running quarter has too few months to judge."""
    today = today or timezone.localdate()
    return Period(PeriodKind.QUARTER, add_months(quarter_start(today), -3), today)


def period_parse(value: object, today: datetime.date | None = None) -> Period:
    """A period from its code ("2026", "2026-Q2", "2026-05"); the default for an empty
    value; ValueError with a readable reason for anything else."""
    today = today or timezone.localdate()
    text = str(value or "").strip()
    if not text:
        return period_default(today)
    if match := _QUARTER.match(text):
        start = datetime.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)
        return _not_future(Period(PeriodKind.QUARTER, start, today), text)
    if match := _MONTH.match(text):
        month = int(match[2])
        if 1 <= month <= 12:
            return _not_future(Period(PeriodKind.MONTH, datetime.date(int(match[1]), month, 1),
                                      today), text)
    if match := _YEAR.match(text):
        return _not_future(Period(PeriodKind.YEAR, datetime.date(int(match[1]), 1, 1), today),
                           text)
    raise ValueError(_("“%(value)s” is not a period (2026, 2026-Q2 or 2026-05).")
                     % {"value": text})


def _not_future(period: Period, text: str) -> Period:
    if period.start > today_month(period.today) or period.start.year < 2000:
        raise ValueError(_("“%(value)s” has not begun yet.") % {"value": text})
    return period


def today_month(today: datetime.date) -> datetime.date:
    return today.replace(day=1)


def period_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """Periods offered by the selectors: the last 12 months, 8 quarters and 3 years."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    this_quarter = quarter_start(today)
    choices = [(Period(PeriodKind.QUARTER, add_months(this_quarter, -3 * n), today))
               for n in range(8)]
    choices += [Period(PeriodKind.YEAR, datetime.date(today.year - n, 1, 1), today)
                for n in range(3)]
    choices += [Period(PeriodKind.MONTH, add_months(this_month, -n), today) for n in range(12)]
    return [(p.code, p.label) for p in choices]
