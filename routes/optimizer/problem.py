"""The day to plan: depots, stops and vehicles, as frozen dataclasses.

Units are integers throughout: times in seconds since the start of the service day,
distances in metres, demand and capacity in the same volume units, money in cents.
Everything a solver would choke on is rejected here with a plain sentence, because
OR-Tools aborts the whole process on an invalid model instead of raising.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from .matrix import (
    HaversineProvider,
    LatLon,
    Location,
    Point,
    TravelMatrices,
    TravelTimeProvider,
)

DAY_S = 24 * 3600
# Big enough for any working day, small enough that sums of a few thousand never overflow.
MAX_TIME_S = 7 * DAY_S
Priority = Literal["normal", "high"]
# 10,000.00 of currency: a high-priority stop outweighs any detour even when normal stops
# are free to drop.
HIGH_PRIORITY_FLOOR = 1_000_000


def _require_int(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number.")


def _require_id(value: object, what: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} id must be a non-empty string.")


def _require_location(value: object, what: str) -> None:
    if not isinstance(value, LatLon | Point):
        raise ValueError(f"{what} location must be a LatLon or a Point.")


@dataclass(frozen=True)
class Depot:
    """A station vans start from and return to."""

    id: str
    location: Location

    def __post_init__(self) -> None:
        _require_id(self.id, "Depot")
        _require_location(self.location, "Depot")


@dataclass(frozen=True)
class StopSpec:
    """One address to visit.

    `demand`: volume units the stop takes from the van (>= 0). `service_s`: seconds spent at
    the stop. `window`: (earliest, latest) start of service in seconds, or None for any
    time. `priority`: "high" stops are dropped only when no vehicle can take them.
    `vehicle_id`: pin the stop to one vehicle (re-planning a day already dispatched).
    Raises `ValueError` for a negative demand or service time, or a window that closes
    before it opens.
    """

    id: str
    location: Location
    demand: int = 0
    service_s: int = 0
    window: tuple[int, int] | None = None
    priority: Priority = "normal"
    vehicle_id: str | None = None

    def __post_init__(self) -> None:
        _require_id(self.id, "Stop")
        _require_location(self.location, "Stop")
        _require_int(self.demand, "Demand")
        _require_int(self.service_s, "Service time")
        if self.demand < 0:
            raise ValueError("Demand cannot be negative.")
        if not 0 <= self.service_s <= MAX_TIME_S:
            raise ValueError("Service time must be between zero and a week.")
        if self.window is not None:
            if len(self.window) != 2:
                raise ValueError("A time window is a pair (opens, closes).")
            opens, closes = self.window
            _require_int(opens, "Window opening")
            _require_int(closes, "Window closing")
            if closes < opens:
                raise ValueError("Time window closes before it opens.")
            if opens < 0 or closes > MAX_TIME_S:
                raise ValueError("Time window must lie between zero and a week.")
            object.__setattr__(self, "window", (opens, closes))
        if self.priority not in ("normal", "high"):
            raise ValueError('Priority must be "normal" or "high".')
        if self.vehicle_id is not None:
            _require_id(self.vehicle_id, "Pinned vehicle")


@dataclass(frozen=True)
class Break:
    """A driver break of `duration_s` starting between `earliest_s` and `latest_s`."""

    earliest_s: int
    latest_s: int
    duration_s: int

    def __post_init__(self) -> None:
        for value, what in (
            (self.earliest_s, "Break start"),
            (self.latest_s, "Break latest start"),
            (self.duration_s, "Break duration"),
        ):
            _require_int(value, what)
        if self.latest_s < self.earliest_s:
            raise ValueError("Break window closes before it opens.")
        if self.duration_s <= 0:
            raise ValueError("Break duration must be positive.")
        if self.earliest_s < 0 or self.latest_s + self.duration_s > MAX_TIME_S:
            raise ValueError("Break must lie between zero and a week.")


@dataclass(frozen=True)
class VehicleSpec:
    """One van with its driver's shift.

    `capacity`: volume units. `shift_start_s` / `shift_end_s`: earliest departure and latest
    return, seconds. `max_duration_s`: longest time away from the depot, or None.
    `cost_per_km`: cents per kilometre driven (relative weight in a mixed fleet).
    `start_depot` / `end_depot`: indexes into `DayProblem.depots` (end defaults to start).
    `rest_break`: an optional `Break`. `max_distance_m`: the longest route the van may
    drive (an electric van's range less its reserve), or None. Raises `ValueError` for
    negative capacity, a shift that ends before it starts or a non-positive maximum duration
    or distance.
    """

    id: str
    capacity: int
    shift_start_s: int = 0
    shift_end_s: int = DAY_S
    max_duration_s: int | None = None
    cost_per_km: int = 100
    start_depot: int = 0
    end_depot: int | None = None
    rest_break: Break | None = None
    max_distance_m: int | None = None

    def __post_init__(self) -> None:
        _require_id(self.id, "Vehicle")
        _require_int(self.capacity, "Capacity")
        _require_int(self.shift_start_s, "Shift start")
        _require_int(self.shift_end_s, "Shift end")
        _require_int(self.cost_per_km, "Cost per km")
        _require_int(self.start_depot, "Start depot")
        if self.capacity < 0:
            raise ValueError("Capacity cannot be negative.")
        if self.shift_end_s < self.shift_start_s:
            raise ValueError("Shift ends before it starts.")
        if self.shift_start_s < 0 or self.shift_end_s > MAX_TIME_S:
            raise ValueError("Shift must lie between zero and a week.")
        if self.max_duration_s is not None:
            _require_int(self.max_duration_s, "Maximum duration")
            if self.max_duration_s <= 0:
                raise ValueError("Maximum duration must be positive.")
        if self.cost_per_km < 0:
            raise ValueError("Cost per km cannot be negative.")
        if self.max_distance_m is not None:
            _require_int(self.max_distance_m, "Maximum distance")
            if self.max_distance_m <= 0:
                raise ValueError("Maximum distance must be positive.")
        if self.end_depot is None:
            object.__setattr__(self, "end_depot", self.start_depot)
        _require_int(self.end_depot, "End depot")
        if self.rest_break is not None and not isinstance(self.rest_break, Break):
            raise ValueError("A rest break must be a Break.")

    @property
    def duration_limit_s(self) -> int:
        """The binding limit on time away: the shift length or the maximum duration."""
        shift = self.shift_end_s - self.shift_start_s
        return shift if self.max_duration_s is None else min(shift, self.max_duration_s)


@dataclass(frozen=True, eq=False)
class DayProblem:
    """Everything one solve needs.

    Locations are indexed depots first, then stops, in the order given. Travel comes from
    `matrices` when given (square, depots + stops in size), otherwise from `provider`
    (default `HaversineProvider()`), computed once on first use.

    `drop_penalty`: cents the plan pays for leaving a normal stop unserved, or None to make
    every stop required (benchmarks). `high_priority_penalty`: the same for a high-priority
    stop (default 1000 times `drop_penalty`, at least 1,000,000). `balance_weight`: cents
    per second of the spread between the earliest start and the latest return over all
    routes, to even out the work (0 = minimise cost only).

    Raises `ValueError` for no depot, no vehicle, duplicate ids, a depot index out of range,
    a pin to an unknown vehicle, negative weights or matrices of the wrong size.
    """

    depots: Sequence[Depot]
    stops: Sequence[StopSpec]
    vehicles: Sequence[VehicleSpec]
    provider: TravelTimeProvider = field(default_factory=HaversineProvider)
    matrices: TravelMatrices | None = None
    drop_penalty: int | None = 100_000
    high_priority_penalty: int | None = None
    balance_weight: int = 0

    def __post_init__(self) -> None:
        for name in ("depots", "stops", "vehicles"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.depots:
            raise ValueError("A day needs at least one depot.")
        if not self.vehicles:
            raise ValueError("A day needs at least one vehicle.")
        for name, kind in (
            ("depots", Depot),
            ("stops", StopSpec),
            ("vehicles", VehicleSpec),
        ):
            if not all(isinstance(item, kind) for item in getattr(self, name)):
                raise ValueError(f"Every item of {name} must be a {kind.__name__}.")
        for name, what in (
            ("depots", "depot"),
            ("stops", "stop"),
            ("vehicles", "vehicle"),
        ):
            ids = [item.id for item in getattr(self, name)]
            if len(set(ids)) != len(ids):
                raise ValueError(f"Two {name} share the same {what} id.")
        vehicle_ids = {v.id for v in self.vehicles}
        for v in self.vehicles:
            for depot in (v.start_depot, v.end_depot):
                if not 0 <= depot < len(self.depots):
                    raise ValueError(
                        f"Vehicle {v.id} refers to depot {depot}, which does not exist."
                    )
        for s in self.stops:
            if s.vehicle_id is not None and s.vehicle_id not in vehicle_ids:
                raise ValueError(f"Stop {s.id} is pinned to unknown vehicle {s.vehicle_id}.")
        if self.drop_penalty is not None:
            _require_int(self.drop_penalty, "Drop penalty")
            if self.drop_penalty < 0:
                raise ValueError("Drop penalty cannot be negative.")
            if self.high_priority_penalty is None:
                high = max(1000 * self.drop_penalty, HIGH_PRIORITY_FLOOR)
                object.__setattr__(self, "high_priority_penalty", high)
        if self.high_priority_penalty is not None:
            _require_int(self.high_priority_penalty, "High-priority penalty")
            if self.drop_penalty is None:
                raise ValueError("A high-priority penalty needs a drop penalty too.")
            if self.high_priority_penalty < self.drop_penalty:
                raise ValueError("High-priority penalty cannot be below the drop penalty.")
        _require_int(self.balance_weight, "Balance weight")
        if self.balance_weight < 0:
            raise ValueError("Balance weight cannot be negative.")
        if self.matrices is not None:
            if not isinstance(self.matrices, TravelMatrices):
                raise ValueError("Matrices must be a TravelMatrices.")
            if self.matrices.size != self.num_locations:
                raise ValueError(
                    f"Matrices are {self.matrices.size} wide but the day has "
                    f"{self.num_locations} locations (depots + stops)."
                )
        elif not isinstance(self.provider, TravelTimeProvider):
            raise ValueError("Provider must have a matrices(locations) method.")

    @property
    def num_locations(self) -> int:
        return len(self.depots) + len(self.stops)

    @property
    def locations(self) -> list[Location]:
        return [d.location for d in self.depots] + [s.location for s in self.stops]

    def stop_location(self, stop_index: int) -> int:
        """Matrix index of the stop at `stop_index`."""
        return len(self.depots) + stop_index

    @cached_property
    def travel(self) -> TravelMatrices:
        """The travel matrices, from `matrices` or computed by the provider once."""
        if self.matrices is not None:
            return self.matrices
        computed = self.provider.matrices(self.locations)
        if not isinstance(computed, TravelMatrices) or computed.size != self.num_locations:
            raise ValueError("The provider returned matrices of the wrong size.")
        return computed

    def penalty_of(self, stop: StopSpec) -> int | None:
        """Cents for leaving `stop` unserved, None when it is required."""
        if self.drop_penalty is None:
            return None
        return self.high_priority_penalty if stop.priority == "high" else self.drop_penalty

    def vehicle_index(self) -> dict[str, int]:
        return {v.id: i for i, v in enumerate(self.vehicles)}
