"""Electric vans' range: the longest route a plan may give a van, and how much a route uses."""

from __future__ import annotations

from routes.conf import setting
from routes.optimizer import Violation, ViolationKind


def range_limit_m(vehicle) -> int | None:
    """Metres a van may drive in one route: its offer's range less the reserve, or None."""
    offer = getattr(vehicle, "offer", None) if vehicle is not None else None
    if offer is None or not offer.range_km:
        return None
    reserve = int(setting("ROUTES_EV_RESERVE_PERCENT"))
    return offer.range_km * 1000 * (100 - reserve) // 100


def driven_m(route, remaining) -> int:
    """Metres the route has driven so far: the legs to its stops that are done."""
    left = {rs.pk for rs in remaining}
    return sum(rs.leg_distance_m for rs in route.route_stops.all() if rs.pk not in left)


def range_left_m(vehicle, driven: int) -> int | None:
    """What a van that has driven `driven` metres today may still drive, or None."""
    limit = range_limit_m(vehicle)
    return None if limit is None else max(1, limit - driven)


def range_share(route) -> float | None:
    """The share of its van's full range a route drives (0.5 = half), or None for no range."""
    offer = getattr(route.vehicle, "offer", None) if route.vehicle_id else None
    if offer is None or not offer.range_km:
        return None
    return route.distance_m / (offer.range_km * 1000)


def range_problems(problems: list[Violation]) -> list[Violation]:
    """The rule breaks that are an electric van's range (a hand edit may not cause these)."""
    return [p for p in problems if p.kind == ViolationKind.OVER_RANGE]
