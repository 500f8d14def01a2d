"""The program calendar: weeks as the program counts them. Pure functions of dates; the
station's local day and time (which need its time zone) live in `dsps.calendar`."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

WEEK_DAYS = 7


def week_start_of(day: date) -> date:
    """The first day of the program week `day` falls in."""
    return day - timedelta(days=(day.weekday() - settings.BILLING_WEEK_START_WEEKDAY) % 7)


def week_end_of(week_start: date) -> date:
    """The last day of the program week starting on `week_start`."""
    return week_start + timedelta(days=WEEK_DAYS - 1)


def week_days(week_start: date) -> list[date]:
    """The seven days of the program week starting on `week_start`."""
    return [week_start + timedelta(days=i) for i in range(WEEK_DAYS)]
