"""Timing of one route from the travel matrices: the single source of arrival times.

Engines use it to report times and the checker to recompute them, so a route is judged
by the matrices and never by what an engine claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .problem import MAX_TIME_S, DayProblem, VehicleSpec
from .violations import Violation, ViolationKind


@dataclass
class RouteTiming:
    arrival: list[float] = field(default_factory=list)
    start: list[float] = field(default_factory=list)
    departure: float = 0
    return_: float = 0
    drive: float = 0
    wait: float = 0
    service: int = 0
    load: int = 0
    distance: int = 0
    violations: list[Violation] = field(default_factory=list)


def _window(problem: DayProblem, stop_index: int) -> tuple[int, int]:
    window = problem.stops[stop_index].window
    return window if window is not None else (0, MAX_TIME_S)


def latest_departure(
    problem: DayProblem,
    vehicle: VehicleSpec,
    stops: Sequence[int],
    duration: np.ndarray,
) -> float:
    """Latest departure from the depot that still meets every window and the shift end."""
    end_loc = vehicle.end_depot
    latest_next = float(vehicle.shift_end_s)
    next_loc = end_loc
    for s in reversed(stops):
        loc = problem.stop_location(s)
        spec = problem.stops[s]
        latest_next = min(
            float(_window(problem, s)[1]),
            latest_next - spec.service_s - duration[loc, next_loc],
        )
        next_loc = loc
    return latest_next - duration[vehicle.start_depot, next_loc]


def choose_departure(
    problem: DayProblem,
    vehicle: VehicleSpec,
    stops: Sequence[int],
    duration: np.ndarray,
) -> float:
    """Leave at the shift start unless that only means waiting at the first stop.

    When the route would then exceed its maximum duration, leave as late as the windows
    allow: time away from the depot never grows with a later departure.
    """
    if not stops:
        return float(vehicle.shift_start_s)
    latest = latest_departure(problem, vehicle, stops, duration)
    first = stops[0]
    no_first_wait = (
        _window(problem, first)[0] - duration[vehicle.start_depot, problem.stop_location(first)]
    )
    departure = max(float(vehicle.shift_start_s), min(latest, float(no_first_wait)))
    if vehicle.max_duration_s is not None:
        timing = simulate(problem, vehicle, stops, departure, None, duration)
        if timing.return_ - timing.departure > vehicle.max_duration_s:
            departure = max(float(vehicle.shift_start_s), latest)
    return departure


def simulate(
    problem: DayProblem,
    vehicle: VehicleSpec,
    stops: Sequence[int],
    departure: float,
    break_start: float | None,
    duration: np.ndarray | None = None,
) -> RouteTiming:
    """Earliest service starts for `stops` in order, leaving the depot at `departure`.

    A break starting at `break_start` interrupts whichever leg it falls in and delays the
    next service to after it ends; it must fall between departure and return. `duration`
    overrides the problem's duration matrix, e.g. with exact real-valued times for
    benchmarks. Violations come back as facts (`Violation`), worded by the caller.
    """
    dur = problem.travel.duration if duration is None else duration
    dist = problem.travel.distance
    t = RouteTiming(departure=departure)
    vid = vehicle.id
    if departure < vehicle.shift_start_s:
        t.violations.append(Violation(ViolationKind.EARLY_DEPARTURE, vid, value=departure))
    brk = vehicle.rest_break
    break_pending = brk is not None and bool(stops)
    if brk is not None and stops:
        if break_start is None:
            t.violations.append(Violation(ViolationKind.NO_BREAK, vid))
            break_pending = False
        elif not brk.earliest_s <= break_start <= brk.latest_s:
            t.violations.append(Violation(ViolationKind.BREAK_OUTSIDE_WINDOW, vid))
        elif break_start < departure:
            t.violations.append(Violation(ViolationKind.BREAK_BEFORE_DEPARTURE, vid))
            break_pending = False

    prev_loc = vehicle.start_depot
    prev_end = departure
    for s in stops:
        loc = problem.stop_location(s)
        spec = problem.stops[s]
        travel = dur[prev_loc, loc]
        arrival = prev_end + travel
        opens, closes = _window(problem, s)
        start = max(arrival, float(opens))
        # A break that would begin before this service ends is taken before it, so a
        # break never overlaps a service: the service waits (and may miss its window).
        if break_pending and break_start < start + spec.service_s:
            arrival = max(arrival + brk.duration_s, break_start + brk.duration_s)
            start = max(arrival, float(opens))
            break_pending = False
        if start > closes:
            t.violations.append(
                Violation(ViolationKind.LATE_START, vid, spec.id, value=start, limit=closes)
            )
        t.arrival.append(arrival)
        t.start.append(start)
        t.drive += travel
        t.wait += start - arrival
        t.service += spec.service_s
        t.load += spec.demand
        t.distance += int(dist[prev_loc, loc])
        prev_loc = loc
        prev_end = start + spec.service_s
    if stops:
        travel = dur[prev_loc, vehicle.end_depot]
        t.return_ = prev_end + travel
        if break_pending:
            # On the way back, or waiting at the depot for the window: still on shift.
            t.return_ = max(t.return_ + brk.duration_s, break_start + brk.duration_s)
        t.drive += travel
        t.distance += int(dist[prev_loc, vehicle.end_depot])
    else:
        t.return_ = departure
    if t.load > vehicle.capacity:
        t.violations.append(
            Violation(ViolationKind.OVER_CAPACITY, vid, value=t.load, limit=vehicle.capacity)
        )
    if t.return_ > vehicle.shift_end_s:
        t.violations.append(
            Violation(ViolationKind.LATE_RETURN, vid, value=t.return_, limit=vehicle.shift_end_s)
        )
    if vehicle.max_distance_m is not None and t.distance > vehicle.max_distance_m:
        t.violations.append(
            Violation(ViolationKind.OVER_RANGE, vid, value=t.distance, limit=vehicle.max_distance_m)
        )
    if vehicle.max_duration_s is not None and t.return_ - departure > vehicle.max_duration_s:
        t.violations.append(
            Violation(
                ViolationKind.TOO_LONG,
                vid,
                value=t.return_ - departure,
                limit=vehicle.max_duration_s,
            )
        )
    return t


def plan_times(
    problem: DayProblem, vehicle: VehicleSpec, stops: Sequence[int], duration: np.ndarray
) -> tuple[float, float | None] | None:
    """A departure and break start that make the route feasible, or None if none is found.

    Without a break this is `choose_departure`. With one, the candidate break starts are the
    moments the van becomes free (leaving, finishing a service, arriving early, getting
    back) clipped into the break window; the first that works wins. A heuristic: it can
    miss a placement that needs every service shifted, never accept an infeasible one.
    """
    brk = vehicle.rest_break
    if brk is None or not stops:
        departure = choose_departure(problem, vehicle, stops, duration)
        ok = not simulate(problem, vehicle, stops, departure, None, duration).violations
        return (departure, None) if ok else None
    free = replace(vehicle, rest_break=None)
    for departure in (
        choose_departure(problem, free, stops, duration),
        float(vehicle.shift_start_s),
    ):
        base = simulate(problem, free, stops, departure, None, duration)
        moments = {departure, base.return_, float(brk.earliest_s), float(brk.latest_s)}
        for k, s in enumerate(stops):
            moments.update((base.arrival[k], base.start[k] + problem.stops[s].service_s))
        for b in sorted(min(max(m, brk.earliest_s), brk.latest_s) for m in moments):
            if b < departure:
                continue
            if not simulate(problem, vehicle, stops, departure, b, duration).violations:
                return departure, b
    return None
