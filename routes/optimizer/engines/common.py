"""What every engine shares: the pre-solve triage, progress reporting and the result."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..problem import DayProblem
from ..reasons import range_blocks, solver_drop_reason, unservable_reason
from ..schedule import choose_departure, plan_times, simulate
from ..solution import DaySolution, DroppedStop, RouteResult

ProgressCallback = Callable[[float, float], None]
StopCallback = Callable[[], bool]

# Engines work in integer milli-cents: metres x cents per km is exact, no division.
COST_SCALE = 1000


def _whole(value: float) -> int:
    # Times are integers already unless exact real-valued durations were used; never
    # report a time earlier than it can be.
    return math.ceil(value - 1e-9)


class Engine(Protocol):
    """A solver behind the common interface.

    `solve` runs for at most `time_limit_s` seconds (plus model building), calls
    `on_progress(best_objective_cents, elapsed_s)` at most about once a second, and stops
    early, returning its best plan so far, once `should_stop()` returns True.
    """

    name: str

    def solve(
        self,
        problem: DayProblem,
        time_limit_s: float,
        *,
        seed: int = 0,
        on_progress: ProgressCallback | None = None,
        should_stop: StopCallback | None = None,
    ) -> DaySolution: ...


@dataclass(frozen=True)
class PlannedRoute:
    """An engine's raw answer for one vehicle: stop indexes in order."""

    vehicle: int
    stops: tuple[int, ...]
    departure: float | None = None
    break_start: float | None = None


class Progress:
    """Rate-limits progress reports and polls the caller's stop flag."""

    REPORT_EVERY_S = 1.0
    POLL_EVERY_S = 0.2

    def __init__(
        self,
        time_limit_s: float,
        on_progress: ProgressCallback | None,
        should_stop: StopCallback | None,
        started: float | None = None,
    ) -> None:
        self.started = time.perf_counter() if started is None else started
        self.deadline = self.started + time_limit_s
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.cancelled = False
        self._last_report = float("-inf")
        self._last_poll = float("-inf")
        self._best: float | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def tick(self, objective_cents: float | None) -> bool:
        """Record the best objective so far; True when the search must stop now."""
        now = time.perf_counter()
        if objective_cents is not None and (self._best is None or objective_cents < self._best):
            self._best = objective_cents
        due = now - self._last_report >= self.REPORT_EVERY_S
        if self.on_progress and self._best is not None and due:
            self._last_report = now
            self.on_progress(self._best, now - self.started)
        if self.should_stop and now - self._last_poll >= self.POLL_EVERY_S:
            self._last_poll = now
            if self.should_stop():
                self.cancelled = True
        return self.cancelled or now >= self.deadline


def triage(problem: DayProblem) -> tuple[list[int], list[DroppedStop]]:
    """Split stops into those a solver should see and those no vehicle could ever serve."""
    kept: list[int] = []
    dropped: list[DroppedStop] = []
    for i, stop in enumerate(problem.stops):
        reason = unservable_reason(problem, i)
        if reason is None:
            kept.append(i)
        else:
            dropped.append(DroppedStop(stop.id, reason))
    return kept, dropped


def restore_high_priority(
    problem: DayProblem, planned: Sequence[PlannedRoute], candidates: Sequence[int]
) -> list[PlannedRoute]:
    """Put back any high-priority stop the search left out while some route could take it.

    Searches are heuristics and a time limit can end one early; a high-priority stop must
    not be missed for that. Each goes where it adds the least cost and breaks nothing.
    """
    routes = {p.vehicle: p for p in planned}
    served = {s for p in planned for s in p.stops}
    duration, distance = problem.travel.duration, problem.travel.distance
    for s in candidates:
        stop = problem.stops[s]
        if s in served or stop.priority != "high":
            continue
        loc = problem.stop_location(s)
        best = None
        for v, vehicle in enumerate(problem.vehicles):
            if stop.vehicle_id not in (None, vehicle.id):
                continue
            route = list(routes[v].stops) if v in routes else []
            path = [vehicle.start_depot, *map(problem.stop_location, route), vehicle.end_depot]
            for k in range(len(route) + 1):
                added = distance[path[k], loc] + distance[loc, path[k + 1]]
                added = (added - distance[path[k], path[k + 1]]) * vehicle.cost_per_km
                if best is not None and added >= best[0]:
                    continue
                trial = (*route[:k], s, *route[k:])
                times = plan_times(problem, vehicle, trial, duration)
                if times is not None:
                    best = (added, PlannedRoute(v, trial, *times))
        if best is not None:
            routes[best[1].vehicle] = best[1]
            served.add(s)
    return list(routes.values())


def dropped_penalty(problem: DayProblem, dropped: Sequence[DroppedStop]) -> int:
    """Cents of drop penalties for `dropped`."""
    stops = {s.id: s for s in problem.stops}
    return sum(problem.penalty_of(stops[d.stop_id]) or 0 for d in dropped)


def objective_cents(problem: DayProblem, routes: Sequence[RouteResult], dropped_ids) -> float:
    """The objective every engine is judged by, recomputed from the plan itself."""
    by_id = {v.id: v for v in problem.vehicles}
    stop_by_id = {s.id: s for s in problem.stops}
    cost = sum(r.distance_m * by_id[r.vehicle_id].cost_per_km for r in routes) / COST_SCALE
    cost += sum(problem.penalty_of(stop_by_id[s]) or 0 for s in dropped_ids)
    if problem.balance_weight and routes:
        spread = max(r.return_s for r in routes) - min(r.departure_s for r in routes)
        cost += problem.balance_weight * spread
    return float(cost)


def assemble(
    problem: DayProblem,
    planned: Sequence[PlannedRoute],
    pre_dropped: Sequence[DroppedStop],
    engine: str,
    started: float,
    feasible: bool,
) -> DaySolution:
    """Time the engine's routes from the matrices and give every unserved stop a reason."""
    duration = problem.travel.duration
    routes: list[RouteResult] = []
    served: set[int] = set()
    for p in planned:
        if not p.stops:
            continue
        vehicle = problem.vehicles[p.vehicle]
        departure = p.departure
        if departure is None:
            departure = choose_departure(problem, vehicle, p.stops, duration)
        timing = simulate(problem, vehicle, p.stops, departure, p.break_start, duration)
        served.update(p.stops)
        routes.append(
            RouteResult(
                vehicle_id=vehicle.id,
                stop_ids=tuple(problem.stops[s].id for s in p.stops),
                arrival_s=tuple(_whole(a) for a in timing.arrival),
                start_s=tuple(_whole(a) for a in timing.start),
                departure_s=_whole(timing.departure),
                return_s=_whole(timing.return_),
                distance_m=timing.distance,
                drive_s=_whole(timing.drive),
                service_s=timing.service,
                wait_s=_whole(timing.wait),
                load=timing.load,
                break_start_s=None if p.break_start is None else int(p.break_start),
            )
        )
    pre_ids = {d.stop_id for d in pre_dropped}
    dropped = list(pre_dropped)
    electric = [(p.vehicle, list(p.stops)) for p in planned if p.stops]
    used = {p.vehicle for p in planned if p.stops}
    electric += [(v, []) for v in range(len(problem.vehicles)) if v not in used]
    electric = [(v, s) for v, s in electric if problem.vehicles[v].max_distance_m is not None]
    for i, stop in enumerate(problem.stops):
        if i not in served and stop.id not in pre_ids:
            bound = bool(electric) and range_blocks(problem, i, electric)
            dropped.append(DroppedStop(stop.id, solver_drop_reason(problem, i, bound)))
    return day_solution(problem, routes, dropped, engine, started, feasible)


def day_solution(
    problem: DayProblem,
    routes: Sequence[RouteResult],
    dropped: Sequence[DroppedStop],
    engine: str,
    started: float,
    feasible: bool,
) -> DaySolution:
    """The plan of these routes (in vehicle order, empty ones left out) and dropped stops.

    Not feasible when a required stop is dropped."""
    order = problem.vehicle_index()
    routes = sorted((r for r in routes if r.stop_ids), key=lambda r: order[r.vehicle_id])
    return DaySolution(
        routes=tuple(routes),
        dropped=tuple(dropped),
        objective=objective_cents(problem, routes, [d.stop_id for d in dropped]),
        engine=engine,
        wall_s=time.perf_counter() - started,
        feasible=feasible and not (problem.drop_penalty is None and dropped),
    )
