"""Deadline arithmetic in working hours (09:00-12:00, 13:30-18:00, Monday to Friday, China's
2026 holidays off and adjusted working days worked): nights, the lunch break, weekends,
holidays, 调休 days, starts inside and outside working time, spans of many days."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from qudao.service.workhours import (
    SHANGHAI,
    WorkCalendar,
    add_working_hours,
    calendar_load,
    periods_parse,
    working_hours_between,
)
from tests.service.conftest import at

DATA = Path(__file__).resolve().parents[2] / "qudao" / "service" / "data" / "holidays_cn.json"


def _calendar_2026() -> WorkCalendar:
    """The default calendar with the 2026 holidays read from the data file the migration
    seeds (so these tests need no database)."""
    holidays, worked = set(), set()
    for holiday in json.loads(DATA.read_text(encoding="utf-8"))["years"][0]["holidays"]:
        first, last = (datetime.date.fromisoformat(d) for d in holiday["off"])
        while first <= last:
            holidays.add(first)
            first += datetime.timedelta(days=1)
        worked.update(datetime.date.fromisoformat(d) for d in holiday["work"])
    return WorkCalendar(holidays=frozenset(holidays), extra_workdays=frozenset(worked))


CAL = _calendar_2026()


def add(start: str, hours) -> datetime.datetime:
    return add_working_hours(at(start), hours, calendar=CAL)


@pytest.mark.parametrize(("start", "hours", "due"), [
    # Inside the morning, and to the minute the morning ends (not the afternoon's start).
    ("2026-03-02 09:30", 2, "2026-03-02 11:30"),
    ("2026-03-02 10:00", 2, "2026-03-02 12:00"),
    # Across the lunch break; starting inside it.
    ("2026-03-02 11:00", 2, "2026-03-02 14:30"),
    ("2026-03-02 12:30", 1, "2026-03-02 14:30"),
    ("2026-03-02 12:00", Decimal("0.25"), "2026-03-02 13:45"),
    ("2026-03-02 11:45", Decimal("0.5"), "2026-03-02 13:45"),
    # Before opening, after closing, across the night.
    ("2026-03-02 07:00", 1, "2026-03-02 10:00"),
    ("2026-03-02 20:00", 2, "2026-03-03 11:00"),
    ("2026-03-02 17:00", 2, "2026-03-03 10:00"),
    ("2026-03-02 18:00", Decimal("7.5"), "2026-03-03 18:00"),
    ("2026-03-03 00:00", 4, "2026-03-03 14:30"),
    # Across the weekend; starting on a Saturday or a Sunday night.
    ("2026-03-06 17:00", 2, "2026-03-09 10:00"),
    ("2026-03-07 10:00", 1, "2026-03-09 10:00"),
    ("2026-03-08 23:59", Decimal("7.5"), "2026-03-09 18:00"),
    # Whole days and weeks: 7.5 hours a day, five days a week.
    ("2026-03-02 09:00", Decimal("7.5"), "2026-03-02 18:00"),
    ("2026-03-02 09:00", 15, "2026-03-03 18:00"),
    ("2026-03-02 09:00", 40, "2026-03-09 11:30"),
    ("2026-03-02 10:00", 24, "2026-03-05 11:30"),
    ("2026-03-02 09:00", Decimal("37.5"), "2026-03-06 18:00"),
    ("2026-03-02 09:00", 75, "2026-03-13 18:00"),
    # Qingming (Sat 4 - Mon 6 April) and Labour Day (1-5 May, Saturday 9 May worked).
    ("2026-04-03 17:00", 2, "2026-04-07 10:00"),
    ("2026-04-30 16:00", 4, "2026-05-06 11:00"),
    ("2026-05-08 17:00", 2, "2026-05-09 10:00"),
    ("2026-05-08 17:00", 9, "2026-05-11 09:30"),
    # New Year: 1-3 January off, Sunday 4 January worked.
    ("2025-12-31 17:00", 2, "2026-01-04 10:00"),
    ("2026-01-03 10:00", 1, "2026-01-04 10:00"),
    # Spring Festival: Saturday 14 February worked, 15-23 February off, Saturday 28 worked.
    ("2026-02-13 17:00", 2, "2026-02-14 10:00"),
    ("2026-02-13 09:00", 8, "2026-02-14 09:30"),
    ("2026-02-14 17:00", 2, "2026-02-24 10:00"),
    ("2026-02-27 17:00", 2, "2026-02-28 10:00"),
    ("2026-02-12 09:00", Decimal("22.5"), "2026-02-14 18:00"),
    ("2026-02-12 09:00", 30, "2026-02-24 18:00"),
    # Dragon Boat (19-21 June) and Mid-Autumn (25-27 September), Friday to Sunday.
    ("2026-06-18 17:00", 2, "2026-06-22 10:00"),
    ("2026-09-24 17:30", 1, "2026-09-28 09:30"),
    # National Day: Sunday 20 September worked, 1-7 October off, Saturday 10 October worked.
    ("2026-09-19 10:00", 1, "2026-09-20 10:00"),
    ("2026-09-30 17:00", 2, "2026-10-08 10:00"),
    ("2026-10-09 17:00", 2, "2026-10-10 10:00"),
    ("2026-09-30 09:00", Decimal("22.5"), "2026-10-09 18:00"),
    ("2026-09-30 09:00", 30, "2026-10-10 18:00"),
])
def test_add_working_hours(start, hours, due):
    assert add(start, hours) == at(due)


def test_results_are_shanghai_times_and_utc_input_is_converted():
    start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Shanghai
    due = add_working_hours(start, 1, calendar=CAL)
    assert due == datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
    assert due.tzinfo == SHANGHAI and due.hour == 10


def test_naive_start_is_taken_as_shanghai_time():
    assert add_working_hours(datetime.datetime(2026, 3, 2, 20, 0), 2, calendar=CAL) == at(
        "2026-03-03 11:00")


def test_float_and_decimal_hours_agree_to_the_microsecond():
    assert add("2026-03-02 09:00", 1.1) == add("2026-03-02 09:00", Decimal("1.1")) == at(
        "2026-03-02 10:06")
    assert add("2026-03-02 09:00", Decimal("0.0001")) == at("2026-03-02 09:00") + (
        datetime.timedelta(microseconds=360_000))


def test_zero_hours_give_the_start_back_even_at_night():
    assert add("2026-03-02 23:00", 0) == at("2026-03-02 23:00")


def test_negative_hours_are_refused():
    with pytest.raises(ValueError):
        add("2026-03-02 10:00", -1)


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError):
        add_working_hours(at("2026-03-02 10:00"), 1, calendar=WorkCalendar(
            workdays=frozenset()))


def test_other_hours_and_a_six_day_week():
    calendar = WorkCalendar(periods=periods_parse("08:00-17:00"),
                            workdays=frozenset({1, 2, 3, 4, 5, 6}))
    assert add_working_hours(at("2026-03-06 16:00"), 2, calendar=calendar) == at(
        "2026-03-07 09:00")
    assert add_working_hours(at("2026-03-07 16:00"), 2, calendar=calendar) == at(
        "2026-03-09 09:00")
    assert calendar.hours_per_day == Decimal(9)
    assert CAL.hours_per_day == Decimal("7.5")


@pytest.mark.parametrize(("a", "b", "hours"), [
    ("2026-03-02 09:00", "2026-03-02 18:00", "7.5"),
    ("2026-03-02 11:00", "2026-03-02 14:30", "2"),
    ("2026-03-02 12:10", "2026-03-02 13:20", "0"),
    ("2026-03-02 19:00", "2026-03-03 08:00", "0"),
    ("2026-03-06 17:00", "2026-03-09 10:00", "2"),
    ("2026-03-02 10:00", "2026-03-02 10:20", "0.333333"),
    ("2026-02-13 09:00", "2026-02-24 18:00", "22.5"),
    ("2026-09-30 09:00", "2026-10-10 18:00", "30"),
    ("2026-03-02 14:30", "2026-03-02 11:00", "-2"),
])
def test_working_hours_between(a, b, hours):
    assert working_hours_between(at(a), at(b), calendar=CAL) == Decimal(hours)


def test_between_undoes_add_from_any_start():
    """From every 37 minutes over three weeks around the Spring Festival, inside and outside
    working time, adding a limit and measuring it back gives the limit."""
    start = at("2026-02-09 00:00")
    limits = [Decimal("0.25"), Decimal(1), Decimal(3), Decimal("7.5"), Decimal("12.75"),
              Decimal(40)]
    moment = start
    checked = 0
    while moment < start + datetime.timedelta(days=21):
        for hours in limits:
            due = add_working_hours(moment, hours, calendar=CAL)
            assert working_hours_between(moment, due, calendar=CAL) == hours, (moment, hours)
            assert due > moment
            checked += 1
        moment += datetime.timedelta(minutes=37)
    assert checked == 818 * 6


@pytest.mark.parametrize(("text", "message"), [
    ("09:00-12:00,11:00-18:00", "overlaps"),
    ("12:00-09:00", "ends before it starts"),
    ("9 to 5", "is not a period"),
    ("", "at least one"),
])
def test_bad_working_hours_are_explained(text, message):
    with pytest.raises(ValueError, match=message):
        periods_parse(text)


@pytest.mark.django_db
def test_the_seeded_calendar_is_2026_as_announced():
    calendar = calendar_load()
    assert calendar.periods == CAL.periods
    assert calendar.workdays == frozenset({1, 2, 3, 4, 5})
    assert len(calendar.holidays) == 33
    assert calendar.extra_workdays == {
        datetime.date(2026, 1, 4), datetime.date(2026, 2, 14), datetime.date(2026, 2, 28),
        datetime.date(2026, 5, 9), datetime.date(2026, 9, 20), datetime.date(2026, 10, 10)}
    assert calendar == CAL
    assert add_working_hours(at("2026-09-30 17:00"), 2) == at("2026-10-08 10:00")
