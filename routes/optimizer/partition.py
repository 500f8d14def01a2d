"""Split a day too big for one solve into compact parts, solve each, merge the plans.

A 20,000-stop station day does not fit one distance matrix (3.2 GB per matrix) nor one
search; parts of a few hundred to a thousand stops each do.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .engines import get_engine
from .engines.common import ProgressCallback, StopCallback, objective_cents
from .matrix import LatLon, Location
from .problem import DayProblem
from .solution import DaySolution, DroppedStop


def _planar(locations: Sequence[Location]) -> np.ndarray:
    if all(isinstance(loc, LatLon) for loc in locations):
        lat = np.array([loc.lat for loc in locations])
        lon = np.array([loc.lon for loc in locations])
        # Equirectangular projection: fine over a station's few tens of kilometres.
        return np.column_stack([lon * np.cos(np.radians(lat.mean())), lat])
    return np.array([(loc.x, loc.y) for loc in locations], dtype=float).reshape(-1, 2)


def _bisect(xy: np.ndarray, members: np.ndarray, max_size: int, out: list[np.ndarray]) -> None:
    if len(members) <= max_size:
        out.append(members)
        return
    pts = xy[members]
    centred = pts - pts.mean(axis=0)
    # Cut across the principal axis so both halves stay compact.
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    order = members[np.argsort(centred @ vt[0], kind="stable")]
    parts = math.ceil(len(members) / max_size)
    cut = len(members) * (parts // 2) // parts
    _bisect(xy, order[:cut], max_size, out)
    _bisect(xy, order[cut:], max_size, out)


def partition_stops(
    problem: DayProblem, max_stops: int = 1000, method: str = "bisect"
) -> list[list[int]]:
    """Group stop indexes into parts of at most `max_stops` stops.

    `method`: "bisect" (recursive cuts across the principal axis: compact, evenly sized
    parts) or "sweep" (equal sectors by angle around the first depot). Stops pinned to a
    vehicle are kept with that vehicle's other pinned stops. Raises `ValueError` for
    `max_stops` below 1 or an unknown method.
    """
    if max_stops < 1:
        raise ValueError("A part must hold at least one stop.")
    n = len(problem.stops)
    if n == 0:
        return []
    xy = _planar([problem.depots[0].location] + [s.location for s in problem.stops])
    free = np.array([i for i, s in enumerate(problem.stops) if s.vehicle_id is None], dtype=int)
    parts: list[np.ndarray] = []
    if len(free):
        if method == "bisect":
            _bisect(xy[1:], free, max_stops, parts)
        elif method == "sweep":
            rel = xy[1:][free] - xy[0]
            order = free[np.argsort(np.arctan2(rel[:, 1], rel[:, 0]), kind="stable")]
            k = math.ceil(len(order) / max_stops)
            parts = list(np.array_split(order, k))
        else:
            raise ValueError(f"Unknown partition method {method!r}; use bisect or sweep.")
    pinned: dict[str, list[int]] = {}
    for i, s in enumerate(problem.stops):
        if s.vehicle_id is not None:
            pinned.setdefault(s.vehicle_id, []).append(i)
    return [sorted(int(i) for i in p) for p in parts] + list(pinned.values())


def _share_vehicles(problem: DayProblem, parts: list[list[int]]) -> list[list[int]]:
    """Give each part vehicles in proportion to its demand and stop count (at least one)."""
    stops = problem.stops
    total_demand = sum(s.demand for s in stops) or 1
    weights = [
        max(sum(stops[i].demand for i in p) / total_demand, len(p) / len(stops)) for p in parts
    ]
    pinned_to = {}
    for k, p in enumerate(parts):
        for i in p:
            if stops[i].vehicle_id is not None:
                pinned_to[stops[i].vehicle_id] = k
    free = [v for v, spec in enumerate(problem.vehicles) if spec.id not in pinned_to]
    share = [[] for _ in parts]
    for v, spec in enumerate(problem.vehicles):
        if spec.id in pinned_to:
            share[pinned_to[spec.id]].append(v)
    want = np.array(weights) / sum(weights) * len(free)
    counts = np.floor(want).astype(int)
    for k in np.argsort(-(want - counts))[: len(free) - counts.sum()]:
        counts[k] += 1
    # A part with stops but no van would drop everything; borrow from the largest share.
    for k in range(len(parts)):
        if counts[k] + len(share[k]) == 0 and counts.max() > 1:
            counts[int(np.argmax(counts))] -= 1
            counts[k] += 1
    pos = 0
    for k in range(len(parts)):
        share[k].extend(free[pos : pos + counts[k]])
        pos += counts[k]
    return share


def sub_problem(problem: DayProblem, stops: Sequence[int], vehicles: Sequence[int]) -> DayProblem:
    """The day restricted to some stops and vehicles (indexes), with only their depots.

    Travel matrices are subset from `problem.matrices` when given, otherwise the provider
    computes them for these locations only.
    """
    sub_vehicles = [problem.vehicles[v] for v in vehicles]
    used_depots = sorted({d for v in sub_vehicles for d in (v.start_depot, v.end_depot)})
    depot_map = {d: j for j, d in enumerate(used_depots)}
    sub_vehicles = [
        replace(v, start_depot=depot_map[v.start_depot], end_depot=depot_map[v.end_depot])
        for v in sub_vehicles
    ]
    matrices = None
    if problem.matrices is not None:
        matrices = problem.matrices.subset(used_depots + [problem.stop_location(i) for i in stops])
    return replace(
        problem,
        depots=[problem.depots[d] for d in used_depots],
        stops=[problem.stops[i] for i in stops],
        vehicles=sub_vehicles,
        matrices=matrices,
    )


def solve_partitioned(
    problem: DayProblem,
    time_limit_s: float,
    *,
    max_stops: int = 1000,
    method: str = "bisect",
    engine: str = "auto",
    seed: int = 1,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
) -> DaySolution:
    """Solve each part of `partition_stops` in turn and merge them into one plan.

    Each part gets the share of `time_limit_s` left when it starts, divided by the parts
    left, so slow matrix building early on does not overrun the total. Travel matrices are
    built per part (never for the whole day) unless `problem.matrices` is given. A part
    with no vehicle left drops its stops. Progress reports the sum of the parts solved so
    far; cancellation stops at once and drops the stops of unsolved parts.
    """
    started = time.perf_counter()
    parts = partition_stops(problem, max_stops, method)
    vehicles = _share_vehicles(problem, parts)
    solver = get_engine(engine)
    routes, dropped, feasible, done = [], [], True, 0.0
    engines = set()
    for k, (part, vans) in enumerate(zip(parts, vehicles, strict=True)):
        sub_stops = [problem.stops[i] for i in part]
        cancelled = should_stop is not None and should_stop()
        if not vans or cancelled:
            reason = (
                "the planning run was cancelled."
                if cancelled
                else "no vehicle was left for its area."
            )
            dropped.extend(DroppedStop(s.id, reason) for s in sub_stops)
            continue
        sub = sub_problem(problem, part, vans)
        remaining = time_limit_s - (time.perf_counter() - started)
        budget = max(0.1, remaining / (len(parts) - k))

        def report(obj: float, _elapsed: float, base: float = done) -> None:
            if on_progress is not None:
                on_progress(base + obj, time.perf_counter() - started)

        solution = solver.solve(sub, budget, seed=seed, on_progress=report, should_stop=should_stop)
        engines.add(solution.engine)
        routes.extend(solution.routes)
        dropped.extend(solution.dropped)
        feasible = feasible and solution.feasible
        done += solution.objective
    order = problem.vehicle_index()
    routes.sort(key=lambda r: order[r.vehicle_id])
    dropped_ids = [d.stop_id for d in dropped]
    return DaySolution(
        routes=tuple(routes),
        dropped=tuple(dropped),
        objective=objective_cents(problem, routes, dropped_ids),
        engine="+".join(sorted(engines)) or "none",
        wall_s=time.perf_counter() - started,
        feasible=feasible and not (problem.drop_penalty is None and dropped),
    )
