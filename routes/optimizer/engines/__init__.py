"""Solver engines behind one interface, and the automatic choice between them."""

from __future__ import annotations

import time
from dataclasses import replace

from ..problem import DayProblem
from ..solution import DaySolution
from .common import Engine, ProgressCallback, StopCallback
from .ortools_engine import OrToolsEngine
from .pyvrp_engine import PyVrpEngine, unsupported

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
    """PyVRP for what it can model; otherwise PyVRP warm start, finished by OR-Tools.

    The benchmarks in docs/benchmarks.md show PyVRP far ahead of OR-Tools on plain
    capacitated, time-windowed days, so OR-Tools runs only when the day has breaks, pinned
    stops or balancing; it starts from PyVRP's routes for the relaxed day when it accepts
    them.
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


__all__ = ["AutoEngine", "Engine", "OrToolsEngine", "PyVrpEngine", "get_engine"]
