"""Travel distances and times between locations, as integer matrices.

Every provider returns a `TravelMatrices` whose rows and columns follow the order of the
locations it was given. Distances are integer metres (or scaled instance units for
`EuclideanProvider`), durations integer seconds (or the same scaled units).
"""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class LatLon:
    """A point on the earth in decimal degrees (WGS 84).

    Raises `ValueError` when the latitude is outside [-90, 90] or the longitude outside
    [-180, 180].
    """

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"Latitude {self.lat} is not between -90 and 90.")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"Longitude {self.lon} is not between -180 and 180.")


@dataclass(frozen=True)
class Point:
    """A point in the plane, for benchmark instances given in abstract coordinates."""

    x: float
    y: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.x) and math.isfinite(self.y)):
            raise ValueError("Point coordinates must be finite numbers.")


Location = LatLon | Point


class TravelMatrices:
    """Square integer matrices of travel distance and travel time.

    `distance[i, j]` and `duration[i, j]` are for travelling from location `i` to `j`.
    Raises `ValueError` when the matrices are not square, differ in size, hold negative
    values or a non-zero diagonal.
    """

    __slots__ = ("distance", "duration")

    def __init__(self, distance: np.ndarray, duration: np.ndarray) -> None:
        distance = np.asarray(distance)
        duration = np.asarray(duration)
        if distance.ndim != 2 or distance.shape[0] != distance.shape[1]:
            raise ValueError("The distance matrix must be square.")
        if duration.shape != distance.shape:
            raise ValueError("The distance and duration matrices differ in size.")
        for name, m in (("distance", distance), ("duration", duration)):
            if not np.issubdtype(m.dtype, np.integer):
                raise ValueError(f"The {name} matrix must hold integers.")
            if m.size and m.min() < 0:
                raise ValueError(f"The {name} matrix holds a negative value.")
            if m.size and np.any(np.diagonal(m) != 0):
                raise ValueError(f"The {name} matrix must have zeros on its diagonal.")
        self.distance = distance.astype(np.int64, copy=False)
        self.duration = duration.astype(np.int64, copy=False)

    @property
    def size(self) -> int:
        return int(self.distance.shape[0])

    def subset(self, indices: Sequence[int]) -> TravelMatrices:
        """The matrices restricted to `indices`, in that order."""
        ix = np.asarray(indices, dtype=np.int64)
        return TravelMatrices(self.distance[np.ix_(ix, ix)], self.duration[np.ix_(ix, ix)])


@runtime_checkable
class TravelTimeProvider(Protocol):
    """Anything that turns a list of locations into travel matrices."""

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices: ...


def _latlon_arrays(locations: Sequence[Location]) -> tuple[np.ndarray, np.ndarray]:
    if not all(isinstance(loc, LatLon) for loc in locations):
        raise ValueError("This provider needs latitude/longitude locations.")
    lat = np.radians(np.fromiter((loc.lat for loc in locations), float, len(locations)))
    lon = np.radians(np.fromiter((loc.lon for loc in locations), float, len(locations)))
    return lat, lon


@dataclass(frozen=True)
class HaversineProvider:
    """Great-circle distance times a road circuity factor, driven at a constant speed.

    Parameters: `circuity` (road distance / straight-line distance, >= 1), `speed_kmh`
    (average driving speed, > 0). Distances come back in whole metres (rounded), durations
    in whole seconds (rounded up, so a plan is never optimistic by a fraction of a second).
    Raises `ValueError` for a circuity below 1 or a non-positive speed.
    """

    circuity: float = 1.3
    speed_kmh: float = 30.0

    def __post_init__(self) -> None:
        if not self.circuity >= 1.0:
            raise ValueError("Circuity must be at least 1.")
        if not self.speed_kmh > 0.0:
            raise ValueError("Speed must be positive.")

    def metres(self, locations: Sequence[Location]) -> np.ndarray:
        """Road-distance estimate in metres, as floats."""
        lat, lon = _latlon_arrays(locations)
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        a = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        )
        great_circle = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        return great_circle * self.circuity

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices:
        metres = self.metres(locations)
        speed_ms = self.speed_kmh / 3.6
        distance = np.rint(metres).astype(np.int64)
        duration = np.ceil(metres / speed_ms).astype(np.int64)
        np.fill_diagonal(distance, 0)
        np.fill_diagonal(duration, 0)
        return TravelMatrices(distance, duration)


@dataclass(frozen=True)
class EuclideanProvider:
    """Planar Euclidean distance for benchmark instances; travel time equals distance.

    Instance distances have decimals, solvers want integers, so both are multiplied by
    `scale`. Durations are rounded up so that a plan feasible on these integers is also
    feasible under exact real-valued times; distances are rounded to nearest. Use
    `exact()` to measure a plan unrounded. Raises `ValueError` for a scale below 1.
    """

    scale: int = 100

    def __post_init__(self) -> None:
        if self.scale < 1:
            raise ValueError("Scale must be at least 1.")

    def exact(self, locations: Sequence[Location]) -> np.ndarray:
        """Unscaled, unrounded distances (floats, instance units)."""
        if not all(isinstance(loc, Point) for loc in locations):
            raise ValueError("The Euclidean provider needs planar points.")
        xy = np.array([(p.x, p.y) for p in locations], dtype=float).reshape(-1, 2)
        diff = xy[:, None, :] - xy[None, :, :]
        return np.sqrt((diff**2).sum(axis=2))

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices:
        scaled = self.exact(locations) * self.scale
        return TravelMatrices(np.rint(scaled).astype(np.int64), np.ceil(scaled).astype(np.int64))


@dataclass(frozen=True)
class OsrmTableProvider:
    """Road-network distances and times from an OSRM-compatible `table` service.

    `base_url` is the server root (e.g. a self-hosted OSRM on the station's network);
    `profile` the routing profile name. Raises `ValueError` when the service answers with
    an error or cannot connect two locations, `OSError` when it cannot be reached.
    """

    base_url: str
    profile: str = "driving"
    timeout_s: float = 30.0

    def table_url(self, locations: Sequence[Location]) -> str:
        _latlon_arrays(locations)
        coords = ";".join(f"{loc.lon:.6f},{loc.lat:.6f}" for loc in locations)
        path = f"/table/v1/{urllib.parse.quote(self.profile)}/{coords}"
        return self.base_url.rstrip("/") + path + "?annotations=distance,duration"

    @staticmethod
    def parse(payload: bytes | str, size: int) -> TravelMatrices:
        """Turn a table response body into matrices for `size` locations."""
        body = json.loads(payload)
        if body.get("code") != "Ok":
            message = body.get("message") or body.get("code") or "no code"
            raise ValueError(f"The routing service refused the table request: {message}.")
        out = []
        for key in ("distances", "durations"):
            rows = body.get(key)
            if not isinstance(rows, list) or len(rows) != size:
                raise ValueError(f"The routing service returned no {size}x{size} {key}.")
            if any(v is None for row in rows for v in row):
                raise ValueError("The routing service found no road between two locations.")
            m = np.array(rows, dtype=float)
            if m.shape != (size, size):
                raise ValueError(f"The routing service returned no {size}x{size} {key}.")
            out.append(m)
        distance = np.rint(out[0]).astype(np.int64)
        duration = np.ceil(out[1]).astype(np.int64)
        np.fill_diagonal(distance, 0)
        np.fill_diagonal(duration, 0)
        return TravelMatrices(distance, duration)

    def matrices(self, locations: Sequence[Location]) -> TravelMatrices:
        request = urllib.request.Request(self.table_url(locations))
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            return self.parse(response.read(), len(locations))
