"""From the database to the optimiser and back: problem building, timing and estimates.

Only reads here; the writes that use these live in services.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dsps.models import Dsp, Station
from fleet.models import Vehicle
from nextmile.energy import energy_price
from nextmile.money import CENT
from routes.conf import setting
from routes.models import Package, Route, Stop
from routes.optimizer import (
    DayProblem,
    Depot,
    HaversineProvider,
    LatLon,
    RouteResult,
    StopSpec,
    TravelMatrices,
    VehicleSpec,
    Violation,
    find_violations,
)
from routes.optimizer.schedule import choose_departure, simulate
from routes.optimizer.violations import plan_error
from routes.planning.availability import availability_for
from routes.rules.ev_range import range_limit_m


def seconds(at: time) -> int:
    return at.hour * 3600 + at.minute * 60 + at.second


def moment(station: Station, day: date, offset_s: float) -> datetime:
    """Seconds since the station's local midnight on `day` as an aware datetime."""
    return station.localize(day, time(0)) + timedelta(seconds=round(offset_s))


def provider() -> HaversineProvider:
    return HaversineProvider(
        circuity=float(setting("ROUTES_CIRCUITY")), speed_kmh=float(setting("ROUTES_SPEED_KMH"))
    )


def profile(kind: str) -> dict:
    profiles = setting("ROUTES_VEHICLE_PROFILES")
    return profiles.get(kind) or profiles[setting("ROUTES_DEFAULT_VEHICLE_KIND")]


def cost_per_km_cents(kind: str) -> int:
    p = profile(kind)
    per_km = Decimal(p["per_km"]) * energy_price(p["energy"]) + Decimal(p["wear"])
    return max(1, int((per_km * 100).to_integral_value(ROUND_HALF_UP)))


def estimates(*, kind: str, distance_m: int, duration_s: int) -> dict:
    """Energy (litres or kWh), CO2 (kg) and cost ($: energy, wear, driver time) of a route."""
    p = profile(kind)
    km = Decimal(distance_m) / 1000
    energy = km * Decimal(p["per_km"])
    hours = Decimal(duration_s) / 3600
    cost = (
        energy * energy_price(p["energy"])
        + km * Decimal(p["wear"])
        + hours * Decimal(setting("ROUTES_DRIVER_HOURLY"))
    )
    return {
        "energy": energy.quantize(CENT),
        "energy_unit": p["unit"],
        "co2_kg": (energy * Decimal(p["co2"])).quantize(CENT),
        "cost": cost.quantize(CENT),
    }


def stop_window(stop: Stop) -> tuple[int, int] | None:
    """The stop's time window in seconds since the station's midnight, or None."""
    if stop.window_start is None or stop.window_end is None:
        return None
    return (seconds(stop.window_start), seconds(stop.window_end))


_OWN = object()  # `stop_spec`'s marker for "the stop's own window"


def stop_spec(
    stop: Stop, vehicle_id: str | None = None, *, spec_id: str | None = None, window=_OWN
) -> StopSpec:
    """The solver's view of a stop: the one place plan, re-time and re-plan read its demand,
    service time, window and priority. A re-plan names it by its route stop (`spec_id`) and
    may narrow its window (`window`, None for any time)."""
    return StopSpec(
        id=spec_id or str(stop.pk),
        location=LatLon(float(stop.latitude), float(stop.longitude)),
        demand=stop.package_count,
        service_s=stop.service_time_s,
        window=stop_window(stop) if window is _OWN else window,
        priority="high" if stop.priority == Package.Priority.HIGH else "normal",
        vehicle_id=vehicle_id,
    )


def van_kind(vehicle: Vehicle | None) -> str:
    """The van's kind, or the kind a route without a van yet is planned as."""
    return vehicle.kind if vehicle else setting("ROUTES_DEFAULT_VEHICLE_KIND")


def vehicle_spec(
    station: Station, vehicle: Vehicle | None, vehicle_id: str, **shift
) -> VehicleSpec:
    """The solver's view of a van: the one place plan, re-time and re-plan take its capacity
    and cost from (defaults for a route without a van yet in `routes.conf`). `shift`
    overrides the station's day (a re-plan starts from now, at the van's position)."""
    return VehicleSpec(
        id=vehicle_id,
        capacity=vehicle.package_capacity if vehicle else int(setting("ROUTES_DEFAULT_CAPACITY")),
        cost_per_km=cost_per_km_cents(van_kind(vehicle)),
        **{
            "max_distance_m": range_limit_m(vehicle),
            "shift_start_s": seconds(station.opens_at),
            "shift_end_s": seconds(station.closes_at),
            "max_duration_s": int(setting("ROUTES_MAX_SHIFT_S")),
            **shift,
        },
    )


def depot(station: Station) -> Depot:
    return Depot(
        id=station.code, location=LatLon(float(station.latitude), float(station.longitude))
    )


def day_problem(
    *,
    depots: list[Depot],
    stops: list[StopSpec],
    vehicles: list[VehicleSpec],
    matrices: TravelMatrices | None = None,
) -> DayProblem:
    """The one builder of a DayProblem for plan, re-time and re-plan: the same travel
    provider, drop penalty and balance (`routes.conf`). `matrices` replace the provider's
    travel (a re-plan stretches legs through a disrupted area)."""
    return DayProblem(
        depots=depots,
        stops=stops,
        vehicles=vehicles,
        provider=provider(),
        matrices=matrices,
        drop_penalty=int(setting("ROUTES_DROP_PENALTY")),
        balance_weight=int(setting("ROUTES_BALANCE_WEIGHT")),
    )


def stops_to_plan(*, dsp: Dsp, service_date: date):
    """The DSP's stops of the day that are not on a route already handed out."""
    return (
        Stop.objects.filter(
            dsp=dsp, manifest__station=dsp.station, manifest__service_date=service_date
        )
        .exclude(route_stop__route__status__in=Route.Status.values[1:])
        .order_by("id")
    )


@dataclass
class Planned:
    """A problem ready to solve and what its ids mean."""

    problem: DayProblem | None
    stops: dict[str, Stop]
    vehicles: dict[str, Vehicle]
    no_vehicle_reason: str = ""
    legs: dict[str, list[int]] = field(default_factory=dict)


def build_problem(*, dsp: Dsp, service_date: date) -> Planned:
    """The DSP's day as a DayProblem (None when it has no stops or no van and driver)."""
    station = dsp.station
    stops = {str(s.pk): s for s in stops_to_plan(dsp=dsp, service_date=service_date)}
    available = availability_for(dsp=dsp, on=service_date)
    vehicles = {str(v.pk): v for v in available.vehicles[: available.route_count]}
    if not stops:
        return Planned(None, stops, vehicles)
    if not vehicles:
        reason = (
            "no van is available that day."
            if not available.vehicles
            else "no driver is available that day."
        )
        return Planned(None, stops, vehicles, no_vehicle_reason=reason)
    problem = day_problem(
        depots=[depot(station)],
        stops=[stop_spec(s) for s in stops.values()],
        vehicles=[vehicle_spec(station, v, vid) for vid, v in vehicles.items()],
    )
    return Planned(problem, stops, vehicles)


def route_fields(station: Station, day: date, vehicle: Vehicle | None, result) -> dict:
    """Route totals from a RouteResult (or anything with the same attributes)."""
    duration = max(0, int(result.return_s - result.departure_s))
    return {
        "departs_at": moment(station, day, result.departure_s),
        "returns_at": moment(station, day, result.return_s),
        "distance_m": int(result.distance_m),
        "drive_s": int(result.drive_s),
        "service_s": int(result.service_s),
        "load": int(result.load),
        "planned_stops": len(result.stop_ids),
        "planned_km": (Decimal(int(result.distance_m)) / 1000).quantize(Decimal("0.1")),
        **estimates(
            kind=van_kind(vehicle),
            distance_m=int(result.distance_m),
            duration_s=duration,
        ),
    }


def legs(problem: DayProblem, result: RouteResult) -> list[int]:
    """Metres driven to reach each stop of the route."""
    index = {s.id: problem.stop_location(i) for i, s in enumerate(problem.stops)}
    distance = problem.travel.distance
    previous = problem.vehicles[problem.vehicle_index()[result.vehicle_id]].start_depot
    out = []
    for sid in result.stop_ids:
        here = index[sid]
        out.append(int(distance[previous, here]))
        previous = here
    return out


def retime_id(route: Route) -> str:
    """The solver's id of a route's van in `retime`."""
    return f"route-{route.pk}"


def retime(
    *, station: Station, day: date, routes: list[tuple[Route, list[Stop]]]
) -> list[tuple[RouteResult, list[int], list[Violation]]]:
    """Times for routes kept in a fixed order (a hand edit): per route its result, the metres
    of each leg and every rule it breaks (capacity, windows, shift), re-checked from the matrices
    (`routes.planning.words.retimed_words` words them).
    """
    specs, vehicles = [], []
    for route, stops in routes:
        vehicles.append(vehicle_spec(station, route.vehicle, retime_id(route)))
        specs.extend(stop_spec(s) for s in stops)
    problem = day_problem(depots=[depot(station)], stops=specs, vehicles=vehicles)
    position = {s.id: i for i, s in enumerate(problem.stops)}
    duration = problem.travel.duration
    out = []
    for vehicle, (_, stops) in zip(problem.vehicles, routes, strict=True):
        order = [position[str(s.pk)] for s in stops]
        departure = choose_departure(problem, vehicle, order, duration)
        result, timing = timed_result(problem, vehicle.id, [str(s.pk) for s in stops], departure)
        out.append((result, legs(problem, result), timing.violations))
    return out


def timed_result(problem: DayProblem, vehicle_id: str, stop_ids: list[str], departure: float):
    """A route driven in the given order, leaving at `departure`, timed from the problem's
    matrices: its RouteResult and the timing (with every rule it breaks)."""
    position = {s.id: i for i, s in enumerate(problem.stops)}
    vehicle = problem.vehicles[problem.vehicle_index()[vehicle_id]]
    timing = simulate(problem, vehicle, [position[sid] for sid in stop_ids], departure, None)
    result = RouteResult(
        vehicle_id=vehicle_id,
        stop_ids=tuple(stop_ids),
        arrival_s=tuple(round(a) for a in timing.arrival),
        start_s=tuple(round(a) for a in timing.start),
        departure_s=round(timing.departure),
        return_s=round(timing.return_),
        distance_m=int(timing.distance),
        drive_s=round(timing.drive),
        service_s=int(timing.service),
        wait_s=round(timing.wait),
        load=int(timing.load),
    )
    return result, timing


def verify(problem: DayProblem, solution) -> tuple[list[Violation], dict[str, list[int]]]:
    """The checker's findings for a solution and the metres of each leg, by vehicle id.

    A day above `ROUTES_STOPS_PER_PART` stops is checked route by route (each route against a
    problem of its own stops), so no day-wide matrix is ever built: for 8,000 stops that
    matrix alone would take more than a gigabyte. Every stop must still be routed or dropped
    exactly once.
    """
    if len(problem.stops) <= int(setting("ROUTES_STOPS_PER_PART")):
        return find_violations(problem, solution), {
            r.vehicle_id: legs(problem, r) for r in solution.routes
        }
    violations: list[Violation] = []
    seen = Counter(sid for r in solution.routes for sid in r.stop_ids)
    seen.update(d.stop_id for d in solution.dropped)
    stops = {s.id: s for s in problem.stops}
    for sid in stops:
        if seen[sid] != 1:
            violations.append(plan_error(f"Stop {sid} is routed or dropped {seen[sid]} times."))
    violations.extend(plan_error(f"Unknown stop {sid}.") for sid in seen if sid not in stops)
    vehicles = problem.vehicle_index()
    out = {}
    for route in solution.routes:
        if route.vehicle_id not in vehicles or any(sid not in stops for sid in route.stop_ids):
            continue
        vehicle = problem.vehicles[vehicles[route.vehicle_id]]
        sub = replace(
            problem,
            stops=[stops[sid] for sid in route.stop_ids],
            vehicles=[vehicle],
            matrices=None,
        )
        alone = replace(solution, routes=(route,), dropped=())
        violations.extend(find_violations(sub, alone))
        out[route.vehicle_id] = legs(sub, route)
    return violations, out
