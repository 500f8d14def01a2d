"""Why a stop cannot be served, decided before any solver runs."""

from __future__ import annotations

from dataclasses import replace

from .problem import DayProblem
from .schedule import plan_times


def _clock(seconds: int) -> str:
    days, rest = divmod(int(seconds), 86_400)
    text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
    return text if days == 0 else f"day {days + 1} {text}"


def unservable_reason(problem: DayProblem, stop_index: int) -> str | None:
    """A sentence when no allowed vehicle could serve the stop even on its own, else None."""
    stop = problem.stops[stop_index]
    vehicles = [v for v in problem.vehicles if stop.vehicle_id is None or v.id == stop.vehicle_id]
    largest = max(v.capacity for v in vehicles)
    if stop.demand > largest:
        if stop.vehicle_id is not None:
            return (
                f"demand {stop.demand} exceeds the capacity {largest} of pinned vehicle "
                f"{stop.vehicle_id}."
            )
        return f"demand {stop.demand} exceeds every vehicle's capacity (largest {largest})."
    duration = problem.travel.duration
    tried = set()
    for v in vehicles:
        # Identical vans give identical answers; a big fleet has few kinds.
        kind = (v.capacity, v.shift_start_s, v.shift_end_s, v.max_duration_s, v.max_distance_m)
        kind += (v.start_depot, v.end_depot, v.rest_break)
        if stop.demand > v.capacity or kind in tried:
            continue
        tried.add(kind)
        if plan_times(problem, v, [stop_index], duration) is not None:
            return None
    unlimited = [replace(v, max_distance_m=None) for v in vehicles if v.max_distance_m]
    if any(plan_times(problem, v, [stop_index], duration) is not None for v in unlimited):
        return "too far for the range of every electric van that could take it (less the reserve)."
    if stop.window is not None:
        opens, closes = stop.window
        return (
            f"time window {_clock(opens)}-{_clock(closes)} cannot be reached from the depot "
            "within any vehicle's shift."
        )
    return "no vehicle's shift is long enough to drive there, serve it and return."


def range_blocks(problem: DayProblem, stop_index: int, routes) -> bool:
    """Whether an electric van's route (vehicle index, stop indexes) could take the stop at
    its cheapest place but for the van's range less the reserve."""
    dist, duration = problem.travel.distance, problem.travel.duration
    loc = problem.stop_location(stop_index)
    for v, stops in routes:
        vehicle = problem.vehicles[v]
        if vehicle.max_distance_m is None:
            continue
        path = [vehicle.start_depot, *map(problem.stop_location, stops), vehicle.end_depot]
        k = min(
            range(len(path) - 1),
            key=lambda k: dist[path[k], loc] + dist[loc, path[k + 1]] - dist[path[k], path[k + 1]],
        )
        trial = [*stops[:k], stop_index, *stops[k:]]
        unlimited = replace(vehicle, max_distance_m=None)
        if plan_times(problem, vehicle, trial, duration) is None and (
            plan_times(problem, unlimited, trial, duration) is not None
        ):
            return True
    return False


def solver_drop_reason(problem: DayProblem, stop_index: int, range_bound: bool = False) -> str:
    penalty = problem.penalty_of(problem.stops[stop_index]) or 0
    if range_bound:
        return (
            "no vehicle had spare capacity or time, and an electric van that could take it "
            f"would pass its range less the reserve (dropped by the solver at penalty "
            f"{penalty / 100:.2f})."
        )
    return (
        "no vehicle had spare capacity or time (dropped by the solver at penalty "
        f"{penalty / 100:.2f})."
    )
