"""Day problems and plans as JSON-ready dicts, to hand a group to another machine's worker.

Only what a queue message can carry: locations, stops, vehicles, the provider's settings
(haversine or Euclidean) and the penalties. Matrices are not sent; the worker computes
them for the group's own locations.
"""

from __future__ import annotations

from dataclasses import asdict

from .matrix import EuclideanProvider, HaversineProvider, LatLon, Point
from .problem import Break, DayProblem, Depot, StopSpec, VehicleSpec
from .solution import DaySolution, DroppedStop, RouteResult


def _loc(loc) -> list:
    return ["ll", loc.lat, loc.lon] if isinstance(loc, LatLon) else ["xy", loc.x, loc.y]


def _unloc(raw) -> LatLon | Point:
    kind, a, b = raw
    return LatLon(a, b) if kind == "ll" else Point(a, b)


def problem_to_dict(problem: DayProblem) -> dict:
    """`problem` as plain data. Raises `ValueError` for a provider that cannot travel."""
    provider = problem.provider
    if isinstance(provider, HaversineProvider):
        travel = {"kind": "haversine", **asdict(provider)}
    elif isinstance(provider, EuclideanProvider):
        travel = {"kind": "euclidean", "scale": provider.scale}
    else:
        raise ValueError(f"Cannot send a {type(provider).__name__} to another worker.")
    return {
        "depots": [[d.id, _loc(d.location)] for d in problem.depots],
        "stops": [
            [s.id, _loc(s.location), s.demand, s.service_s, s.window, s.priority, s.vehicle_id]
            for s in problem.stops
        ],
        "vehicles": [
            {**asdict(v), "rest_break": asdict(v.rest_break) if v.rest_break else None}
            for v in problem.vehicles
        ],
        "travel": travel,
        "drop_penalty": problem.drop_penalty,
        "high_priority_penalty": problem.high_priority_penalty,
        "balance_weight": problem.balance_weight,
    }


def problem_from_dict(data: dict) -> DayProblem:
    travel = dict(data["travel"])
    kind = travel.pop("kind")
    provider = HaversineProvider(**travel) if kind == "haversine" else EuclideanProvider(**travel)
    vehicles = []
    for raw in data["vehicles"]:
        brk = raw.get("rest_break")
        vehicles.append(VehicleSpec(**{**raw, "rest_break": Break(**brk) if brk else None}))
    return DayProblem(
        depots=[Depot(i, _unloc(loc)) for i, loc in data["depots"]],
        stops=[
            StopSpec(i, _unloc(loc), d, svc, tuple(w) if w else None, prio, pin)
            for i, loc, d, svc, w, prio, pin in data["stops"]
        ],
        vehicles=vehicles,
        provider=provider,
        drop_penalty=data["drop_penalty"],
        high_priority_penalty=data["high_priority_penalty"],
        balance_weight=data["balance_weight"],
    )


def solution_to_dict(solution: DaySolution) -> dict:
    return {
        "routes": [asdict(r) for r in solution.routes],
        "dropped": [[d.stop_id, d.reason] for d in solution.dropped],
        "objective": solution.objective,
        "engine": solution.engine,
        "wall_s": solution.wall_s,
        "feasible": solution.feasible,
    }


def solution_from_dict(data: dict) -> DaySolution:
    routes = []
    for raw in data["routes"]:
        fields = {
            **raw,
            **{k: tuple(raw[k]) for k in ("stop_ids", "arrival_s", "start_s")},
        }
        routes.append(RouteResult(**fields))
    return DaySolution(
        routes=tuple(routes),
        dropped=tuple(DroppedStop(i, r) for i, r in data["dropped"]),
        objective=data["objective"],
        engine=data["engine"],
        wall_s=data["wall_s"],
        feasible=data["feasible"],
    )
