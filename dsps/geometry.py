"""Territory geometry: GeoJSON polygons (lon/lat) checked with shapely, areas and distances."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from shapely.geometry import Point, Polygon
from shapely.validation import explain_validity

from nextmile.geo import EARTH_RADIUS_KM, km_between

# Sliver overlaps below this (in km²) are drawing noise on a shared edge, not an overlap.
OVERLAP_EPSILON_KM2 = 0.001


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return km_between((lat1, lon1), (lat2, lon2))


def _km_per_degree(lat: float) -> tuple[float, float]:
    """Kilometres per degree of longitude and of latitude near `lat` (fine at city scale)."""
    per_lat = math.pi * EARTH_RADIUS_KM / 180
    return per_lat * math.cos(math.radians(lat)), per_lat


def area_km2(polygon: Polygon) -> float:
    kx, ky = _km_per_degree(polygon.centroid.y)
    return polygon.area * kx * ky


def polygon_from_geojson(boundary, *, field: str = "boundary") -> Polygon:
    """A valid shapely polygon from a GeoJSON Polygon, or a ValidationError naming `field`."""
    if not isinstance(boundary, dict) or boundary.get("type") != "Polygon":
        raise ValidationError({field: "Draw the territory as a GeoJSON Polygon."})
    rings = boundary.get("coordinates")
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        raise ValidationError({field: "The polygon has no outline."})
    try:
        shell = [(float(p[0]), float(p[1])) for p in rings[0]]
        holes = [[(float(p[0]), float(p[1])) for p in ring] for ring in rings[1:]]
    except (TypeError, ValueError, IndexError):
        raise ValidationError({field: "Every corner needs a longitude and a latitude."}) from None
    if shell[0] != shell[-1]:
        raise ValidationError(
            {field: "The outline is not closed: its last corner must repeat the first."}
        )
    if len(shell) < 4:
        raise ValidationError({field: "A territory needs at least three corners."})
    if any(not (-180 <= x <= 180 and -90 <= y <= 90) for x, y in shell):
        raise ValidationError({field: "A corner lies outside longitude ±180 / latitude ±90."})
    polygon = Polygon(shell, holes)
    if not polygon.is_valid:
        reason = explain_validity(polygon)
        raise ValidationError({field: f"The outline crosses itself or is degenerate ({reason})."})
    if polygon.area == 0:
        raise ValidationError({field: "The territory has no area."})
    return polygon


def farthest_km(polygon: Polygon, lat: float, lon: float) -> float:
    return max(haversine_km(lat, lon, y, x) for x, y in polygon.exterior.coords)


def overlap_km2(a: Polygon, b: Polygon) -> float:
    return area_km2(a.intersection(b)) if a.intersects(b) else 0.0


def contains(polygon: Polygon, lat: float, lon: float) -> bool:
    return polygon.covers(Point(lon, lat))
