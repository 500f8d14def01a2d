"""Geodesy for the whole project: one earth radius, distances between (lat, lon) points, and
areas as shapely polygons. The solver (`routes/optimizer/`, which imports nothing of Django)
keeps its own copy of the radius; a test holds the two equal."""

from __future__ import annotations

import math

from shapely import prepared
from shapely.geometry import LineString, Point, Polygon

# The IUGG mean earth radius.
EARTH_RADIUS_M = 6_371_008.8
EARTH_RADIUS_KM = EARTH_RADIUS_M / 1000

LatLon = tuple[float, float]


def metres_between(a: LatLon, b: LatLon) -> float:
    """Great-circle (haversine) distance between two (lat, lon) points."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def km_between(a: LatLon, b: LatLon) -> float:
    return metres_between(a, b) / 1000


class Area:
    """A GeoJSON polygon's outline, prepared for many point and leg checks."""

    def __init__(self, geojson: dict) -> None:
        shell = [(float(x), float(y)) for x, y in geojson["coordinates"][0]]
        self._shape = prepared.prep(Polygon(shell))

    def covers(self, point: LatLon) -> bool:
        """Whether the (lat, lon) point lies inside or on the edge."""
        return self._shape.covers(Point(point[1], point[0]))

    def touches_leg(self, a: LatLon, b: LatLon) -> bool:
        """Whether the straight leg from a to b (lat, lon) enters the area."""
        if a == b:
            return self.covers(a)
        return self._shape.intersects(LineString([(a[1], a[0]), (b[1], b[0])]))
