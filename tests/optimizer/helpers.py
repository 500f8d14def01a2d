"""Small hand-checkable days shared by the optimizer tests."""

from __future__ import annotations

import time

import numpy as np

from routes.optimizer import (
    DayProblem,
    Depot,
    DroppedStop,
    Point,
    StopSpec,
    TravelMatrices,
    VehicleSpec,
)
from routes.optimizer.engines.common import PlannedRoute, assemble


def line_day(
    xs: list[int],
    *,
    vehicles: list[VehicleSpec] | None = None,
    stop_kwargs: dict[int, dict] | None = None,
    **problem_kwargs,
) -> DayProblem:
    """Depot at 0 and stop k ("s{k}") at xs[k] on a line; distance = time = |dx|."""
    stop_kwargs = stop_kwargs or {}
    coords = [0, *xs]
    m = np.abs(np.subtract.outer(coords, coords)).astype(np.int64)
    stops = [StopSpec(f"s{k}", Point(x, 0), **stop_kwargs.get(k, {})) for k, x in enumerate(xs)]
    vehicles = vehicles or [VehicleSpec("v0", capacity=100, shift_start_s=0, shift_end_s=1000)]
    return DayProblem(
        [Depot("D", Point(0, 0))], stops, vehicles, matrices=TravelMatrices(m, m), **problem_kwargs
    )


def plan(problem: DayProblem, routes: dict[str, list[str]], dropped=()):
    """A DaySolution with the given routes, timed honestly from the matrices."""
    vehicle_of = problem.vehicle_index()
    stop_of = {s.id: i for i, s in enumerate(problem.stops)}
    planned = [
        PlannedRoute(vehicle_of[v], tuple(stop_of[s] for s in stops)) for v, stops in routes.items()
    ]
    pre = [DroppedStop(s, "test") for s in dropped]
    return assemble(problem, planned, pre, "test", time.perf_counter(), True)
