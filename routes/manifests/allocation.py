"""Which DSP holds the territory a point lies in (shapely over the territories' GeoJSON), and
what keeps a stop from changing hands or routes (a live route, an impossible window, a
tracking id the receiver already holds)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import shapely
from django.db import transaction
from django.db.models import F, QuerySet
from shapely.geometry import shape

from dsps.models import Dsp, Station, Territory
from dsps.selectors import dsp_is_suspended
from routes.models import Package, Route, Stop

# A stop on a route in one of these states is the driver's: never merged into, never moved off.
LIVE_ROUTE_STATUSES = (Route.Status.ASSIGNED, Route.Status.IN_PROGRESS)


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


def inverted_windows(stops: QuerySet[Stop]) -> QuerySet[Stop]:
    """Those of `stops` whose window closes before it opens (older imports merged some): no
    plan can serve them, so they are moved nowhere until fixed."""
    return stops.filter(
        window_start__isnull=False, window_end__isnull=False, window_end__lte=F("window_start")
    )


def tracking_clashes(*, stop_ids: Collection[int], to_dsp_id: int) -> list[str]:
    """Tracking ids that would appear twice for `to_dsp_id` in a day if these stops' packages
    became its own (a tracking id is unique per DSP and manifest), sorted."""
    moving = list(
        Package.objects.filter(stop_id__in=stop_ids).values_list("manifest_id", "tracking_id")
    )
    counts = Counter(moving)
    held = (
        Package.objects.filter(dsp_id=to_dsp_id, manifest_id__in={m for m, _ in moving})
        .exclude(stop_id__in=stop_ids)
        .values_list("manifest_id", "tracking_id")
    )
    counts.update(key for key in held if key in counts)
    return sorted({tid for (_, tid), n in counts.items() if n > 1})


def territory_changed_receiver(sender, *, station_id: int, **kwargs) -> None:
    """`dsps.signals.territory_changed`: a territory changed hands or shape, so the open
    days' unrouted stops follow it (connected in `RoutesConfig.ready`)."""
    stops_cover_again(station_id=station_id)


def stops_cover_again(*, station_id: int) -> int:
    """After a territory changed hands or shape: each stop of the station's open days (today
    on) that is on no route and was not allocated by hand goes to the DSP whose territory now
    holds it (None: uncovered), its packages with it. Returns how many stops moved."""
    station = Station.objects.get(pk=station_id)
    today = station.today()
    moved = 0
    with transaction.atomic():
        open_ids = Stop.objects.filter(
            manifest__station=station,
            manifest__service_date__gte=today,
            allocated_by_hand=False,
            route_stop__isnull=True,
        ).values_list("pk", flat=True)
        # Locked in id order so two changes at once cannot deadlock.
        stops = Stop.objects.select_for_update(of=("self",)).filter(pk__in=list(open_ids))
        stops = stops.order_by("id")
        days = sorted(set(stops.values_list("manifest__service_date", flat=True)))
        for day in days:
            index = TerritoryIndex.for_station(station, on=day)
            changes: dict[int | None, list[int]] = {}
            for pk, lat, lon, dsp_id in stops.filter(manifest__service_date=day).values_list(
                "pk", "latitude", "longitude", "dsp_id"
            ):
                holder = index.holder_of(float(lon), float(lat))
                if holder != dsp_id:
                    changes.setdefault(holder, []).append(pk)
            for holder, ids in changes.items():
                if holder is not None:  # a package the holder already has stays where it is
                    clashes = tracking_clashes(stop_ids=ids, to_dsp_id=holder)
                    held = Package.objects.filter(stop_id__in=ids, tracking_id__in=clashes)
                    ids = sorted(set(ids) - set(held.values_list("stop_id", flat=True)))
                Stop.objects.filter(pk__in=ids).update(dsp_id=holder)
                Package.objects.filter(stop_id__in=ids).update(dsp_id=holder)
                moved += len(ids)
    return moved
