"""The optimiser's findings as a dispatcher reads them: the one place they are worded.

The optimiser reports facts in its own terms (vehicle and stop ids, seconds since the day's
origin); here they become the route's code, the stop's address, the station's clock (HH:MM)
and durations in minutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from dsps.models import Station
from routes.models import Route, Stop
from routes.optimizer import Violation, ViolationKind
from routes.planning.problem import moment, retime_id


def duration_words(minutes: int) -> str:
    """A duration in minutes as "12 min" or "1 h 5 min"."""
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _later_by(value_s: float, limit_s: float) -> str:
    """How much later `value_s` is than `limit_s`, in minutes as their clock times read
    (15:13 is 13 min after 15:00), and never "0 min"."""
    return duration_words(max(1, round(value_s) // 60 - round(limit_s) // 60))


def _hhmm(at: datetime, station: Station) -> str:
    return f"{at.astimezone(station.tz):%H:%M}"


def planned_before_now_words(*, address: str, at: datetime, station: Station) -> str:
    """A re-plan that would serve a stop at a moment already past."""
    return f"{address} is planned at {_hhmm(at, station)}, which has already passed."


def problem_words(
    violations: Iterable[Violation],
    *,
    station: Station,
    day: date,
    routes: Mapping[str, str],
    stops: Mapping[str, str],
) -> list[str]:
    """Each finding as a sentence for the dispatcher.

    `routes` names the solver's vehicle ids as a sentence starts with them ("Route R003",
    "The route for van LSM-1") and `stops` its stop ids by address; times are seconds since
    the station's midnight on `day` (`moment`).
    """

    def clock(offset_s: float) -> str:
        return _hhmm(moment(station, day, offset_s), station)

    out = []
    for v in violations:
        route = routes.get(v.vehicle_id) or f"Vehicle {v.vehicle_id}"
        address = stops.get(v.stop_id, v.stop_id)
        match v.kind:
            case ViolationKind.LATE_START:
                text = (
                    f"{route} reaches {address} at {clock(v.value)}, "
                    f"{_later_by(v.value, v.limit)} late: its window closes at "
                    f"{clock(v.limit)}."
                )
            case ViolationKind.LATE_RETURN:
                text = (
                    f"{route} gets back at {clock(v.value)}, "
                    f"{_later_by(v.value, v.limit)} after its shift ends at "
                    f"{clock(v.limit)}."
                )
            case ViolationKind.EARLY_DEPARTURE:
                text = f"{route} leaves at {clock(v.value)}, before its shift starts."
            case ViolationKind.OVER_CAPACITY:
                text = (
                    f"{route} carries {v.value:g} packages, over its van's capacity of {v.limit:g}."
                )
            case ViolationKind.OVER_RANGE:
                text = (
                    f"{route} drives {v.value / 1000:.1f} km, over its range of "
                    f"{v.limit / 1000:.1f} km (less the reserve)."
                )
            case ViolationKind.TOO_LONG:
                text = (
                    f"{route} is out {duration_words(math.ceil(v.value / 60))}, over the "
                    f"longest shift of {duration_words(math.ceil(v.limit / 60))}."
                )
            case ViolationKind.NO_BREAK:
                text = f"{route} has no break."
            case ViolationKind.BREAK_OUTSIDE_WINDOW:
                text = f"{route} takes its break outside the hours allowed for it."
            case ViolationKind.BREAK_BEFORE_DEPARTURE:
                text = f"{route} takes its break before leaving the station."
            case ViolationKind.HIGH_PRIORITY_DROPPED:
                text = f"{route} could take high-priority stop {address}, which is left out."
            case _:
                text = str(v)
        out.append(text)
    return out


def retimed_words(route: Route, stops: list[Stop], violations: Iterable[Violation]) -> list[str]:
    """`problem_words` for one route `retime` timed in the order `stops`."""
    return problem_words(
        violations,
        station=route.station,
        day=route.service_date,
        routes={retime_id(route): f"Route {route.code}"},
        stops={str(s.pk): s.address for s in stops},
    )
