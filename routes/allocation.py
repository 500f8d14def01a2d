"""Which DSP holds the territory a point lies in (shapely over the territories' GeoJSON)."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry import shape

from dsps.models import Station, Territory


@dataclass
class TerritoryIndex:
    """The held territories of a station, ready for point-in-polygon look-ups."""

    geometries: list
    holders: list[int]

    @classmethod
    def for_station(cls, station: Station) -> TerritoryIndex:
        geometries, holders = [], []
        rows = Territory.objects.filter(station=station, dsp__isnull=False).order_by("id")
        for boundary, dsp_id in rows.values_list("boundary", "dsp_id"):
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
