"""What a solve returns: ordered routes with times, and the stops left out with a reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RouteResult:
    """One vehicle's route.

    `stop_ids` in visiting order; `arrival_s[k]` is when the van reaches stop k and
    `start_s[k]` when service starts there (later than arrival when it waits for the
    window). `departure_s` / `return_s`: leaving and re-entering the depot. `distance_m`,
    `drive_s`, `service_s`, `wait_s` are route totals; `load` the volume carried out.
    `break_start_s` is when the driver's break starts, if the vehicle has one.
    """

    vehicle_id: str
    stop_ids: tuple[str, ...]
    arrival_s: tuple[int, ...]
    start_s: tuple[int, ...]
    departure_s: int
    return_s: int
    distance_m: int
    drive_s: int
    service_s: int
    wait_s: int
    load: int
    break_start_s: int | None = None

    @property
    def duration_s(self) -> int:
        return self.return_s - self.departure_s


@dataclass(frozen=True)
class DroppedStop:
    """A stop the plan does not serve, and why, in a sentence a dispatcher can read."""

    stop_id: str
    reason: str


@dataclass(frozen=True)
class DaySolution:
    """The plan for one day.

    `objective` is in cents: distance cost, plus drop penalties, plus the balance term.
    `engine` names what produced it ("pyvrp", "ortools", "pyvrp+ortools", "none").
    `wall_s` is the solve's wall-clock time. `feasible` is False only when the engine could
    not produce a plan meeting every hard constraint (capacity, windows, shifts).
    """

    routes: tuple[RouteResult, ...]
    dropped: tuple[DroppedStop, ...]
    objective: float
    engine: str
    wall_s: float
    feasible: bool

    @property
    def distance_m(self) -> int:
        return sum(r.distance_m for r in self.routes)

    @property
    def num_routes(self) -> int:
        return len(self.routes)
