"""PyVRP's iterated local search: the engine for plain capacitated, time-windowed days."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyvrp

from ..matrix import LatLon
from ..problem import MAX_TIME_S, DayProblem
from ..schedule import choose_departure, simulate
from ..solution import DaySolution
from .common import (
    COST_SCALE,
    PlannedRoute,
    Progress,
    ProgressCallback,
    StopCallback,
    assemble,
    dropped_penalty,
    restore_high_priority,
    triage,
)


@dataclass(frozen=True)
class SearchSettings:
    """How one PyVRP search explores: the defaults are PyVRP's own.

    `restart_after`: iterations without improvement before the search restarts from a
    perturbed best; `max_perturbations`: how many moves a perturbation makes at most;
    `neighbours`: how many nearby stops each stop's moves consider.
    """

    restart_after: int = 150_000
    max_perturbations: int = 25
    neighbours: int = 50


DEFAULT_SEARCH = SearchSettings()


class _Criterion:
    """PyVRP calls this once per iteration: the time limit and cancellation."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def __call__(self, best_cost: float) -> bool:
        return self.progress.tick(None)


class _BestReporter(pyvrp.IteratedLocalSearchCallbacks):
    """Reports each new feasible best as the objective `assemble` will compute.

    PyVRP's own cost counts capped prizes (see `prizes`), so it is recomputed here with the
    real drop penalties.
    """

    def __init__(self, progress: Progress, penalties: list[int], base_cents: int) -> None:
        self.progress = progress
        self.penalties = penalties
        self.unserved_all = sum(penalties)
        self.base_cents = base_cents
        self._last_seen = float("-inf")

    def on_iteration(self, current, candidate, best: pyvrp.Solution, cost_evaluator) -> None:
        # `on_best` fires only on improvements: a day whose first solution is already the
        # best would report nothing, so the best is also re-reported about once a second.
        now = time.perf_counter()
        if now - self._last_seen >= self.progress.REPORT_EVERY_S:
            self._last_seen = now
            self.on_best(best)

    def on_best(self, best: pyvrp.Solution) -> None:
        if not best.is_feasible():
            return
        served = sum(self.penalties[a.idx] for r in best.routes() for a in r if a.is_client())
        cents = best.distance_cost() / COST_SCALE + self.unserved_all - served
        self.progress.tick(self.base_cents + cents)


def unsupported(problem: DayProblem) -> str | None:
    """Why PyVRP's model cannot express this day, or None when it can."""
    if any(v.rest_break is not None for v in problem.vehicles):
        return "driver breaks"
    if any(s.vehicle_id is not None for s in problem.stops):
        return "stops pinned to a vehicle"
    if problem.balance_weight:
        return "balancing route lengths"
    return None


def prizes(problem: DayProblem, kept: list[int], distance: np.ndarray) -> list[int]:
    """Drop penalties as PyVRP prizes, capped to what a stop could ever cost to serve.

    Serving one stop adds at most two of the longest arcs, so a larger prize changes no
    decision, but it does dwarf PyVRP's load and lateness penalties, which then cannot
    steer the search back to feasible plans. High-priority stops keep a hundredfold
    margin over normal ones.
    """
    max_cost = max(v.cost_per_km for v in problem.vehicles)
    cap = 2 * int(distance.max(initial=0)) * max_cost + 1
    out = []
    for s in kept:
        stop = problem.stops[s]
        penalty = problem.penalty_of(stop)
        if penalty is None:
            out.append(0)
        elif stop.priority == "high":
            out.append(min(penalty * COST_SCALE, 100 * cap))
        else:
            out.append(min(penalty * COST_SCALE, cap))
    return out


def build_data(problem: DayProblem, kept: list[int]) -> tuple[pyvrp.ProblemData, list[list[int]]]:
    """The PyVRP instance for the `kept` stops; also, per vehicle type, its vehicle indexes."""
    n_depots = len(problem.depots)
    loc_ids = list(range(n_depots)) + [problem.stop_location(s) for s in kept]
    travel = problem.travel.subset(loc_ids)

    def coords(loc) -> tuple[float, float]:
        if isinstance(loc, LatLon):
            return loc.lon, loc.lat
        return loc.x, loc.y

    all_locations = problem.locations
    locations = [pyvrp.Location(*coords(all_locations[i])) for i in loc_ids]
    depots = [pyvrp.Depot(i) for i in range(n_depots)]
    clients = []
    prize = prizes(problem, kept, travel.distance)
    for j, s in enumerate(kept):
        stop = problem.stops[s]
        opens, closes = stop.window if stop.window is not None else (0, MAX_TIME_S)
        penalty = problem.penalty_of(stop)
        clients.append(
            pyvrp.Client(
                n_depots + j,
                delivery=[stop.demand],
                service_duration=stop.service_s,
                tw_early=opens,
                tw_late=closes,
                prize=prize[j],
                required=penalty is None,
            )
        )
    # One PyVRP vehicle type per kind of van, not per van: the model grows with the
    # fleet's variety, not its size.
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, v in enumerate(problem.vehicles):
        key = (
            v.capacity,
            v.shift_start_s,
            v.shift_end_s,
            v.max_duration_s,
            v.cost_per_km,
            v.start_depot,
            v.end_depot,
            v.max_distance_m,
        )
        groups[key].append(i)
    vehicle_types = []
    members = []
    for (cap, start, end, max_dur, cost, s_dep, e_dep, max_dist), idx in groups.items():
        kwargs = {} if max_dur is None else {"shift_duration": max_dur}
        if max_dist is not None:
            kwargs["max_distance"] = max_dist
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(idx),
                capacity=[cap],
                start_depot=s_dep,
                end_depot=e_dep,
                tw_early=start,
                tw_late=end,
                unit_distance_cost=cost,
                **kwargs,
            )
        )
        members.append(idx)
    data = pyvrp.ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        [np.ascontiguousarray(travel.distance)],
        [np.ascontiguousarray(travel.duration)],
    )
    return data, members


class PyVrpEngine:
    """PyVRP 0.14 (iterated local search) on the day.

    Optional stops become `required=False` clients whose prize is their drop penalty, so a
    stop is left out only when serving it costs more than the penalty. Raises `ValueError`
    for breaks, pinned stops or balancing, which PyVRP cannot model (use OR-Tools).
    """

    name = "pyvrp"

    def solve(
        self,
        problem: DayProblem,
        time_limit_s: float,
        *,
        seed: int = 0,
        on_progress: ProgressCallback | None = None,
        should_stop: StopCallback | None = None,
        initial: Mapping[str, Sequence[str]] | None = None,
        search: SearchSettings = DEFAULT_SEARCH,
    ) -> DaySolution:
        """`initial`: stop ids in order per vehicle id, a plan to start the search from."""
        started = time.perf_counter()
        why = unsupported(problem)
        if why is not None:
            raise ValueError(f"PyVRP cannot model {why}; use the ortools or auto engine.")
        kept, pre_dropped = triage(problem)
        if not kept:
            return assemble(problem, [], pre_dropped, self.name, started, True)
        data, members = build_data(problem, kept)
        progress = Progress(time_limit_s, on_progress, should_stop, started)
        penalties = [problem.penalty_of(problem.stops[s]) or 0 for s in kept]
        base = dropped_penalty(problem, pre_dropped)
        ils = pyvrp.IteratedLocalSearchParams(
            num_iters_no_improvement=search.restart_after,
            callbacks=_BestReporter(progress, penalties, base),
        )
        explore = {
            "neighbourhood": pyvrp.search.NeighbourhoodParams(num_neighbours=search.neighbours),
            "perturbation": pyvrp.search.PerturbationParams(
                max_perturbations=search.max_perturbations
            ),
        }
        params = pyvrp.SolveParams(ils=ils, **explore)
        # Prizes reach 100x the longest detour; lateness and overload must be able to cost
        # more than that, and more than the longest arc in a day in metres and cents, or
        # PyVRP keeps stops on infeasible routes.
        top = max((c.prize for c in data.clients()), default=0)
        longest = int(data.distance_matrix(0).max(initial=0)) * max(
            v.cost_per_km for v in problem.vehicles
        )
        if problem.drop_penalty is not None or longest * 10 > 100_000:
            params = pyvrp.SolveParams(
                ils=ils,
                **explore,
                penalty=pyvrp.PenaltyParams(max_penalty=max(100_000.0, 10.0 * max(top, longest))),
            )
        warm = None if not initial else warm_start(problem, data, kept, members, initial)
        result = pyvrp.solve(
            data,
            _Criterion(progress),
            seed=seed,
            collect_stats=False,
            params=params,
            initial_solution=warm,
        )
        best = result.best
        planned = route_plan(best, kept, members)
        feasible = best.is_feasible()
        if not feasible and problem.drop_penalty is not None:
            planned = [repair(problem, p) for p in planned]
            feasible = True
        if feasible:
            planned = restore_high_priority(problem, planned, kept)
        return assemble(problem, planned, pre_dropped, self.name, started, feasible)


def warm_start(
    problem: DayProblem,
    data: pyvrp.ProblemData,
    kept: list[int],
    members: list[list[int]],
    initial: Mapping[str, Sequence[str]],
) -> pyvrp.Solution:
    """`initial` (stop ids per vehicle id) as a PyVRP solution; unknown ids are skipped."""
    client = {problem.stops[s].id: j for j, s in enumerate(kept)}
    type_of = {v: t for t, idx in enumerate(members) for v in idx}
    vehicle_of = problem.vehicle_index()
    routes = []
    for vid, sids in initial.items():
        visits = [client[s] for s in sids if s in client]
        if vid in vehicle_of and visits:
            routes.append(pyvrp.Route(data, visits, type_of[vehicle_of[vid]]))
    return pyvrp.Solution(data, routes)


def repair(problem: DayProblem, planned: PlannedRoute) -> PlannedRoute:
    """Drop stops from an infeasible route until it fits, cheapest penalty first.

    A safety net for when the search ends before it found a feasible plan: a plan with a
    few more dropped stops beats one the driver cannot follow.
    """
    vehicle = problem.vehicles[planned.vehicle]
    duration = problem.travel.duration
    stops = list(planned.stops)

    def violations(route: list[int]) -> int:
        departure = choose_departure(problem, vehicle, route, duration)
        return len(simulate(problem, vehicle, route, departure, None, duration).violations)

    while stops and violations(stops):
        best = min(
            range(len(stops)),
            key=lambda k: (
                violations(stops[:k] + stops[k + 1 :]),
                problem.penalty_of(problem.stops[stops[k]]) or 0,
                -problem.stops[stops[k]].demand,
            ),
        )
        del stops[best]
    return PlannedRoute(planned.vehicle, tuple(stops))


def route_plan(
    solution: pyvrp.Solution, kept: list[int], members: list[list[int]]
) -> list[PlannedRoute]:
    """Map PyVRP routes (per vehicle type) back to our vehicles and stop indexes."""
    free = [list(m) for m in members]
    planned = []
    for route in solution.routes():
        vehicle = free[route.vehicle_type()].pop(0)
        stops = tuple(kept[a.idx] for a in route if a.is_client())
        planned.append(PlannedRoute(vehicle, stops))
    return planned
