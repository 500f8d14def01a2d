"""The station's calendar: its local day and time, and the program weeks as its clock reads
them (the pure week rules are `nextmile.calendar`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from nextmile.calendar import week_start_of

from .models import Station


def last_closed_week(station: Station) -> date:
    """The start of the most recent week that has fully ended in the station's timezone."""
    return week_start_of(station.today()) - timedelta(days=7)


def station_time(station: Station, at: datetime) -> datetime:
    """An instant as the station's wall clock reads it (aware, in its zone)."""
    return at.astimezone(station.tz)
