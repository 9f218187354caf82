"""Evaluation periods: a month, a quarter or a year, named by its first day."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from qudao.evaluation.choices import PERIOD_MONTHS, PeriodKind
from qudao.stock.periods import add_months


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date

    @property
    def months(self) -> int:
        return PERIOD_MONTHS[self.kind]

    @property
    def end(self) -> datetime.date:
        return add_months(self.start, self.months) - datetime.timedelta(days=1)

    @property
    def last_month(self) -> datetime.date:
        return add_months(self.start, self.months - 1)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def key(self) -> str:
        """The period as the list's `period` parameter: kind:YYYY-MM-DD."""
        return f"{self.kind}:{self.start.isoformat()}"

    def shifted(self, periods: int) -> "Period":
        return Period(self.kind, add_months(self.start, periods * self.months))

    def year_before(self) -> "Period":
        return Period(self.kind, add_months(self.start, -12))


def period_of(kind: str, day: datetime.date) -> Period:
    """The period of `kind` that contains `day`."""
    if kind not in PERIOD_MONTHS:
        raise ValueError(_("Unknown period “%(kind)s”.") % {"kind": kind})
    if kind == PeriodKind.YEAR:
        return Period(kind, datetime.date(day.year, 1, 1))
    if kind == PeriodKind.QUARTER:
        return Period(kind, datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
    return Period(kind, day.replace(day=1))


def last_complete(kind: str, today: datetime.date | None = None) -> Period:
    """The latest period of `kind` that ended before today."""
    today = today or timezone.localdate()
    return period_of(kind, today).shifted(-1)


def period_parse(kind: str, value: str) -> Period:
    """A period from its kind and a day in it (YYYY-MM-DD or YYYY-MM); ValueError if bad."""
    text = (value or "").strip()
    try:
        day = datetime.date.fromisoformat(f"{text}-01" if len(text) == 7 else text[:10])
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}) from None
    return period_of(kind, day)
