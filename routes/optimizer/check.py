"""One feasibility checker for tests, benchmarks and the app: trust the matrices, not the engine."""

from __future__ import annotations

import numpy as np

from .problem import DayProblem
from .schedule import plan_times, simulate
from .solution import DaySolution
from .violations import Violation, ViolationKind, plan_error

# Reported times are rounded to whole seconds; allow that much disagreement.
TIME_TOLERANCE_S = 1


def check_feasible(
    problem: DayProblem, solution: DaySolution, *, duration: np.ndarray | None = None
) -> list[str]:
    """`find_violations` as sentences (times in solver seconds); an empty list means feasible."""
    return [str(v) for v in find_violations(problem, solution, duration=duration)]


def find_violations(
    problem: DayProblem, solution: DaySolution, *, duration: np.ndarray | None = None
) -> list[Violation]:
    """Every way `solution` breaks `problem`, as facts; an empty list means feasible.

    Checks that every stop is routed or dropped exactly once and no id is unknown; that
    each vehicle drives at most one route; capacity; windows, shift end and maximum
    duration with service starts recomputed from the matrices (a route reporting a time
    earlier than the matrices allow is reported too); breaks; pins; that a required stop is
    not dropped; and that no high-priority stop was dropped while some vehicle could
    have taken it. `duration` replaces the duration matrix, e.g. exact real-valued times.
    """
    out: list[Violation] = []
    stop_index = {s.id: i for i, s in enumerate(problem.stops)}
    vehicle_index = problem.vehicle_index()
    seen: dict[str, int] = {}
    used: set[str] = set()
    routes_by_vehicle: dict[int, list[int]] = {}
    own_times = duration is None

    for route in solution.routes:
        v = vehicle_index.get(route.vehicle_id)
        if v is None:
            out.append(plan_error(f"Route uses unknown vehicle {route.vehicle_id}."))
            continue
        if route.vehicle_id in used:
            out.append(plan_error(f"Vehicle {route.vehicle_id} drives more than one route."))
        used.add(route.vehicle_id)
        vehicle = problem.vehicles[v]
        indices = []
        for sid in route.stop_ids:
            seen[sid] = seen.get(sid, 0) + 1
            if sid not in stop_index:
                out.append(plan_error(f"Route of {route.vehicle_id} visits unknown stop {sid}."))
                continue
            indices.append(stop_index[sid])
            pin = problem.stops[stop_index[sid]].vehicle_id
            if pin is not None and pin != route.vehicle_id:
                out.append(
                    plan_error(f"Stop {sid} is pinned to {pin} but served by {route.vehicle_id}.")
                )
        routes_by_vehicle[v] = indices
        n = len(route.stop_ids)
        if len(route.arrival_s) != n or len(route.start_s) != n:
            out.append(plan_error(f"Route of {route.vehicle_id} does not give one time per stop."))
        timing = simulate(
            problem, vehicle, indices, route.departure_s, route.break_start_s, duration
        )
        out.extend(timing.violations)
        if own_times and len(indices) == n == len(route.start_s):
            for sid, claimed, earliest in zip(
                route.stop_ids, route.start_s, timing.start, strict=True
            ):
                if claimed + TIME_TOLERANCE_S < earliest:
                    out.append(
                        plan_error(
                            f"Route of {route.vehicle_id} claims service at {sid} at {claimed}, "
                            f"but the matrices allow {earliest:g} at the earliest."
                        )
                    )
            if timing.distance != route.distance_m:
                out.append(
                    plan_error(
                        f"Route of {route.vehicle_id} claims {route.distance_m} m, "
                        f"but the matrices give {timing.distance} m."
                    )
                )
            if route.load != timing.load:
                out.append(plan_error(f"Route of {route.vehicle_id} misreports its load."))

    for d in solution.dropped:
        seen[d.stop_id] = seen.get(d.stop_id, 0) + 1
        if d.stop_id not in stop_index:
            out.append(plan_error(f"Unknown stop {d.stop_id} is listed as dropped."))
        elif problem.drop_penalty is None:
            out.append(plan_error(f"Required stop {d.stop_id} is dropped."))
        if not d.reason:
            out.append(plan_error(f"Dropped stop {d.stop_id} has no reason."))
    for sid, count in seen.items():
        if count > 1:
            out.append(plan_error(f"Stop {sid} appears {count} times in the plan."))
    for s in problem.stops:
        if s.id not in seen:
            out.append(plan_error(f"Stop {s.id} is neither routed nor dropped."))

    for d in solution.dropped:
        i = stop_index.get(d.stop_id)
        if i is not None and problem.stops[i].priority == "high":
            taker = _vehicle_that_could_take(problem, routes_by_vehicle, i, duration)
            if taker is not None:
                out.append(Violation(ViolationKind.HIGH_PRIORITY_DROPPED, taker, d.stop_id))
    return out


def _vehicle_that_could_take(
    problem: DayProblem, routes: dict[int, list[int]], stop: int, duration
) -> str | None:
    dur = problem.travel.duration if duration is None else duration
    pin = problem.stops[stop].vehicle_id
    for v, vehicle in enumerate(problem.vehicles):
        if pin is not None and vehicle.id != pin:
            continue
        route = routes.get(v, [])
        for k in range(len(route) + 1):
            if plan_times(problem, vehicle, [*route[:k], stop, *route[k:]], dur) is not None:
                return vehicle.id
    return None
