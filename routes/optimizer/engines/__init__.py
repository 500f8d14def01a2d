"""Solver engines behind one interface, and the automatic choice between them."""

from __future__ import annotations

import time
from dataclasses import replace

from ..problem import DayProblem
from ..schedule import choose_departure, plan_times, simulate
from ..solution import DaySolution
from .common import (
    Engine,
    PlannedRoute,
    ProgressCallback,
    StopCallback,
    assemble,
    restore_high_priority,
    triage,
)
from .ortools_engine import OrToolsEngine
from .pyvrp_engine import DEFAULT_SEARCH, PyVrpEngine, SearchSettings, unsupported

# Share of the time limit the PyVRP warm start gets before OR-Tools adds side constraints.
WARM_START_SHARE = 0.4


def relaxed_for_pyvrp(problem: DayProblem) -> DayProblem:
    """The day without what PyVRP cannot model, for a warm start.

    A break's duration is taken off the time a van may be away, so routes planned without
    the break usually still fit once OR-Tools places it.
    """
    vehicles = []
    for v in problem.vehicles:
        if v.rest_break is not None:
            limit = v.duration_limit_s - v.rest_break.duration_s
            v = replace(v, rest_break=None, max_duration_s=max(1, limit))
        vehicles.append(v)
    stops = [replace(s, vehicle_id=None) if s.vehicle_id else s for s in problem.stops]
    return replace(
        problem,
        vehicles=vehicles,
        stops=stops,
        balance_weight=0,
        matrices=problem.travel,
    )


def _pin_repair(problem: DayProblem, routes: dict[int, list[int]]) -> dict[int, list[int]]:
    """Move pinned stops onto their vehicle, each at its cheapest position."""
    vehicle_of = problem.vehicle_index()
    dist = problem.travel.distance
    pinned = {i: vehicle_of[s.vehicle_id] for i, s in enumerate(problem.stops) if s.vehicle_id}
    fixed = {v: [s for s in stops if pinned.get(s, v) == v] for v, stops in routes.items()}
    for s, v in pinned.items():
        if s in fixed.get(v, []) or not any(s in r for r in routes.values()):
            continue
        route = fixed.setdefault(v, [])
        spec = problem.vehicles[v]
        path = [spec.start_depot] + [problem.stop_location(x) for x in route] + [spec.end_depot]
        loc = problem.stop_location(s)
        best = min(
            range(len(path) - 1),
            key=lambda k: dist[path[k], loc] + dist[loc, path[k + 1]] - dist[path[k], path[k + 1]],
        )
        route.insert(best, s)
    return fixed


class AutoEngine:
    """PyVRP for what it can model; breaks placed after it; OR-Tools for the rest.

    The benchmarks in docs/benchmarks.md show PyVRP far ahead of OR-Tools on plain
    capacitated, time-windowed days. Breaks alone: PyVRP plans with the break's time set
    aside, then each break is placed on its route. Pinned stops or balancing: OR-Tools,
    starting from PyVRP's routes for the relaxed day when it accepts them.
    """

    name = "auto"

    def solve(
        self,
        problem: DayProblem,
        time_limit_s: float,
        *,
        seed: int = 0,
        on_progress: ProgressCallback | None = None,
        should_stop: StopCallback | None = None,
    ) -> DaySolution:
        if unsupported(problem) is None:
            return PyVrpEngine().solve(
                problem,
                time_limit_s,
                seed=seed,
                on_progress=on_progress,
                should_stop=should_stop,
            )
        started = time.perf_counter()
        if not problem.balance_weight and not any(s.vehicle_id for s in problem.stops):
            return self._breaks_after_pyvrp(problem, time_limit_s, seed, on_progress, should_stop)
        warm = PyVrpEngine().solve(
            relaxed_for_pyvrp(problem),
            time_limit_s * WARM_START_SHARE,
            seed=seed,
            on_progress=on_progress,
            should_stop=should_stop,
        )
        vehicle_of = problem.vehicle_index()
        stop_of = {s.id: i for i, s in enumerate(problem.stops)}
        routes = {vehicle_of[r.vehicle_id]: [stop_of[s] for s in r.stop_ids] for r in warm.routes}
        routes = _pin_repair(problem, routes)
        return OrToolsEngine().solve(
            problem,
            time_limit_s,
            on_progress=on_progress,
            should_stop=should_stop,
            initial_routes=routes,
            started=started,
            engine_name="pyvrp+ortools",
        )

    def _breaks_after_pyvrp(self, problem, time_limit_s, seed, on_progress, should_stop):
        """Breaks are the only side constraint: plan without them, then place each one.

        OR-Tools with breaks found poor plans on a 1,000-stop day (see docs/benchmarks.md),
        so PyVRP plans with each break's time set aside and the break goes where the route
        leaves room; a route with no room drops stops until it has.
        """
        started = time.perf_counter()
        relaxed = PyVrpEngine().solve(
            relaxed_for_pyvrp(problem),
            time_limit_s,
            seed=seed,
            on_progress=on_progress,
            should_stop=should_stop,
        )
        vehicle_of = problem.vehicle_index()
        stop_of = {s.id: i for i, s in enumerate(problem.stops)}
        planned = [
            _place_break(problem, vehicle_of[r.vehicle_id], [stop_of[s] for s in r.stop_ids])
            for r in relaxed.routes
        ]
        kept, pre_dropped = triage(problem)
        planned = restore_high_priority(problem, [p for p in planned if p.stops], kept)
        # A stop no vehicle can serve on its own may still fit a longer route that has room
        # for the break (a route too short cannot take it): served, it is not dropped too.
        served = {problem.stops[s].id for p in planned for s in p.stops}
        pre_dropped = [d for d in pre_dropped if d.stop_id not in served]
        return assemble(problem, planned, pre_dropped, "pyvrp", started, relaxed.feasible)


def _place_break(problem: DayProblem, v: int, stops: list[int]) -> PlannedRoute:
    vehicle = problem.vehicles[v]
    duration = problem.travel.duration
    times = plan_times(problem, vehicle, stops, duration)
    while times is None and stops:
        brk = vehicle.rest_break
        departure = choose_departure(problem, vehicle, stops, duration)
        timing = simulate(problem, vehicle, stops, departure, None, duration)
        # Only stops served around the break window compete with it for time.
        near = [
            k
            for k, start in enumerate(timing.start)
            if brk is None or brk.earliest_s - 3600 <= start <= brk.latest_s + brk.duration_s
        ] or list(range(len(stops)))
        near.sort(key=lambda k: problem.penalty_of(problem.stops[stops[k]]) or 0)
        for k in near:
            trial = stops[:k] + stops[k + 1 :]
            times = plan_times(problem, vehicle, trial, duration)
            if times is not None:
                stops = trial
                break
        else:
            del stops[near[0]]
            times = plan_times(problem, vehicle, stops, duration)
    if not stops or times is None:
        return PlannedRoute(v, ())
    return PlannedRoute(v, tuple(stops), *times)


ENGINES: dict[str, type] = {
    "auto": AutoEngine,
    "pyvrp": PyVrpEngine,
    "ortools": OrToolsEngine,
}


def get_engine(name: str) -> Engine:
    """The engine called `name` ("auto", "pyvrp" or "ortools"); `ValueError` otherwise."""
    try:
        return ENGINES[name]()
    except KeyError:
        raise ValueError(f"Unknown engine {name!r}; choose auto, pyvrp or ortools.") from None


__all__ = [
    "DEFAULT_SEARCH",
    "AutoEngine",
    "Engine",
    "OrToolsEngine",
    "PyVrpEngine",
    "SearchSettings",
    "get_engine",
]
