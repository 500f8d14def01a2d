"""Public benchmark instances (Solomon, Gehring & Homberger, CVRPLIB X) as day problems.

Customers become stops with ids "1".."n" (CVRPLIB numbering: VRPLIB node id minus one),
coordinates become planar points, and every time and distance is multiplied by the
provider's scale so the engines work on integers while plans stay feasible under exact
real-valued travel times.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vrplib

from .matrix import EuclideanProvider, Point
from .problem import MAX_TIME_S, DayProblem, Depot, StopSpec, VehicleSpec
from .solution import DaySolution


@dataclass(frozen=True)
class Instance:
    """A benchmark instance: its name, kind ("vrptw" or "cvrp") and the day it becomes."""

    name: str
    kind: str
    problem: DayProblem
    provider: EuclideanProvider

    @property
    def exact(self) -> np.ndarray:
        """Unrounded distances in instance units (travel time equals distance)."""
        return self.provider.exact(self.problem.locations)

    def exact_durations(self) -> np.ndarray:
        """Exact travel times on the problem's scaled clock, for `check_feasible`."""
        return self.exact * self.provider.scale

    def customer_routes(self, solution: DaySolution) -> list[list[int]]:
        return [[int(s) for s in r.stop_ids] for r in solution.routes]

    def distance(self, routes: list[list[int]], *, rounded: bool = False) -> float:
        """Total length of `routes` (customer numbers), unrounded or with each arc rounded."""
        d = self.exact
        if rounded:
            d = np.rint(d)
        total = 0.0
        for route in routes:
            path = [0, *route, 0]
            total += float(sum(d[a, b] for a, b in itertools.pairwise(path)))
        return total


def auto_scale(data: dict) -> int:
    """The finest of 100, 10 and 1 units per instance unit that keeps every time in range.

    Solomon-style files count minutes up to about a thousand (scale 100); files in seconds
    over a working day reach tens of thousands (scale 10 or 1).
    """
    longest = 0.0
    for key in ("time_window", "service_time"):
        if data.get(key) is not None:
            longest = max(longest, float(np.max(data[key])))
    for scale in (100, 10):
        if longest * scale <= MAX_TIME_S:
            return scale
    return 1


def read_instance(path: str | Path, *, scale: int | None = None) -> Instance:
    """Read a VRPLIB `.vrp` (CVRP or VRPTW) or Solomon-format `.txt` instance.

    `scale`: integer units per instance unit; None picks it from the file (`auto_scale`).
    Raises `ValueError` when the file has no depot, more than one depot, or a scaled time
    beyond the one-week horizon the problem allows.
    """
    path = Path(path)
    fmt = "solomon" if path.suffix.lower() == ".txt" else "vrplib"
    data = vrplib.read_instance(str(path), instance_format=fmt)
    if scale is None:
        scale = auto_scale(data)
    depots = np.atleast_1d(data.get("depot", [0]))
    if len(depots) != 1 or int(depots[0]) != 0:
        raise ValueError("Only instances with a single depot at the first node are supported.")
    coords = np.asarray(data["node_coord"], dtype=float)
    demand = np.asarray(data["demand"], dtype=np.int64)
    n = len(coords) - 1
    service = np.broadcast_to(np.asarray(data.get("service_time", 0)), (n + 1,)).astype(float)
    windows = data.get("time_window")
    kind = "vrptw" if windows is not None else "cvrp"
    provider = EuclideanProvider(scale)

    def scaled(value: float) -> int:
        out = round(float(value) * scale)
        if out > MAX_TIME_S:
            raise ValueError(f"Time {value} times scale {scale} exceeds the horizon.")
        return out

    stops = []
    for c in range(1, n + 1):
        window = None
        if windows is not None:
            window = (scaled(windows[c][0]), scaled(windows[c][1]))
        stops.append(
            StopSpec(
                str(c),
                Point(*coords[c]),
                demand=int(demand[c]),
                service_s=scaled(service[c]),
                window=window,
            )
        )
    capacity = int(data["capacity"])
    if "vehicles" in data:
        fleet = int(data["vehicles"])
    else:
        # CVRPLIB leaves the fleet open; twice the lower bound is never binding in practice.
        fleet = 2 * max(1, math.ceil(int(demand.sum()) / capacity))
    shift_end = scaled(windows[0][1]) if windows is not None else MAX_TIME_S
    vehicles = [
        VehicleSpec(f"v{k + 1}", capacity, 0, shift_end, cost_per_km=1) for k in range(fleet)
    ]
    problem = DayProblem(
        [Depot("depot", Point(*coords[0]))],
        stops,
        vehicles,
        provider=provider,
        drop_penalty=None,
    )
    return Instance(str(data.get("name", path.stem)), kind, problem, provider)
