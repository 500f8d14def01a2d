"""Which DSP holds the territory a point lies in (shapely over the territories' GeoJSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import shapely
from shapely.geometry import shape

from dsps.models import Dsp, Station, Territory
from dsps.selectors import dsp_is_suspended


@dataclass
class TerritoryIndex:
    """The held territories of a station, ready for point-in-polygon look-ups."""

    geometries: list
    holders: list[int]

    @classmethod
    def for_station(cls, station: Station, on: date | None = None) -> TerritoryIndex:
        """Held territories; with `on`, a DSP suspended from new routes that day holds none
        (its stops stay uncovered for staff to allocate)."""
        geometries, holders = [], []
        rows = Territory.objects.filter(station=station, dsp__isnull=False).order_by("id")
        skip: set[int] = set()
        if on is not None:
            suspended = Dsp.objects.filter(
                territories__in=rows, routes_suspended_from__lte=on
            ).distinct()
            skip = {d.pk for d in suspended if dsp_is_suspended(d, on=on)}
        for boundary, dsp_id in rows.values_list("boundary", "dsp_id"):
            if dsp_id in skip:
                continue
            try:
                geometry = shape(boundary)
            except (AttributeError, KeyError, TypeError, ValueError):
                continue  # a malformed boundary covers nothing rather than breaking an import
            shapely.prepare(geometry)
            geometries.append(geometry)
            holders.append(dsp_id)
        return cls(geometries, holders)

    def holder_of(self, lon: float, lat: float) -> int | None:
        """The id of the DSP whose territory contains the point, or None (uncovered)."""
        for geometry, dsp_id in zip(self.geometries, self.holders, strict=True):
            if shapely.intersects_xy(geometry, lon, lat):
                return dsp_id
        return None
