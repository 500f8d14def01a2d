"""A year (or any number of days) of realistic delivery history for a station, for dashboards
and their benchmarks: manifests, stops, packages, routes with ordered stops, delivery events
(with failures and late deliveries), punches, sparse location pings, safety incidents and
inspections, for every active DSP of the station that has drivers and vans.

Deterministic: each DSP-day draws from its own seeded generator, so the same day always gets
the same data whatever range is asked for. Days on which the DSP already has routes are left
alone, so running it twice adds nothing. Rows are written with `bulk_create`, a week per
transaction.

Built in: a few "problem" addresses that fail often, one "problem" area (a grid cell) where
deliveries run late, two drivers with more safety incidents, a weekday pattern (quiet Sundays),
a slow upward trend and a peak from mid-November.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from billing.services import scorecard_generate
from drivers.models import Driver, SafetyIncident
from dsps.geometry import contains, haversine_km, polygon_from_geojson
from dsps.models import Dsp, Station, Territory
from fleet.models import Inspection, Vehicle
from nextmile.calendar import week_start_of
from routes.demo import STREETS, WINDOWS, _point
from routes.models import (
    DeliveryEvent,
    FailureReason,
    LocationPing,
    Manifest,
    Package,
    Route,
    RouteStop,
    ShiftPunch,
    Stop,
)

SOURCE = "generated history"
SPEED_KMH = 30.0
CIRCUITY = 1.3
SERVICE_S = 240
PING_EVERY = timedelta(minutes=30)
FAIL_REASONS = [
    FailureReason.RECIPIENT_UNAVAILABLE,
    FailureReason.NO_ACCESS,
    FailureReason.BUSINESS_CLOSED,
    FailureReason.CANNOT_LOCATE,
    FailureReason.NO_SECURE_LOCATION,
]
WEEKDAY_FACTOR = [1.0, 1.0, 0.95, 1.0, 1.05, 0.85, 0.6]  # Monday … Sunday


@dataclass
class Address:
    text: str
    lat: Decimal
    lon: Decimal
    weight: int
    fail_p: float
    late_p: float
    window: tuple[time, time] | None


@dataclass
class Summary:
    days: int = 0
    routes: int = 0
    stops: int = 0
    packages: int = 0
    events: int = 0
    punches: int = 0
    pings: int = 0
    incidents: int = 0


def _address_pool(dsp: Dsp, rng: random.Random, size: int) -> list[Address]:
    territory = Territory.objects.filter(station=dsp.station, dsp=dsp).first()
    polygon = polygon_from_geojson(territory.boundary) if territory else None
    points: list[tuple[Decimal, Decimal]] = []
    for _ in range(size * 20):
        if len(points) >= size:
            break
        lat, lon = _point(rng)
        if polygon is None or contains(polygon, float(lat), float(lon)):
            points.append((lat, lon))
    if not points:  # a territory far from the demo neighbourhoods: scatter around the station
        base_lat, base_lon = float(dsp.station.latitude), float(dsp.station.longitude)
        points = [
            (
                Decimal(f"{base_lat + rng.gauss(0, 0.02):.6f}"),
                Decimal(f"{base_lon + rng.gauss(0, 0.02):.6f}"),
            )
            for _ in range(size)
        ]
    late_cell = _cell(*points[rng.randrange(len(points))])
    pool = []
    for n, (lat, lon) in enumerate(points):
        problem = rng.random() < 0.01
        business = rng.random() < 0.1
        pool.append(
            Address(
                text=f"{100 + n} {rng.choice(STREETS)}, Dallas, TX",
                lat=lat,
                lon=lon,
                weight=4 if problem else (3 if business else 1),
                fail_p=0.4 if problem else 0.008,
                late_p=0.4 if _cell(lat, lon) == late_cell else 0.03,
                window=rng.choice(WINDOWS) if business or rng.random() < 0.25 else None,
            )
        )
    return pool


def _cell(lat, lon) -> tuple[int, int]:
    return (math.floor(float(lat) / 0.005), math.floor(float(lon) / 0.005))


def _leg(a: tuple[float, float], b: tuple[float, float]) -> tuple[int, int]:
    """(metres, seconds) of a leg: great-circle × circuity at the city speed."""
    metres = int(haversine_km(*a, *b) * 1000 * CIRCUITY)
    return metres, int(metres / (SPEED_KMH / 3.6))


class HistoryGenerator:
    def __init__(self, *, station: Station, seed: int = 7, stops_per_route: int = 30):
        self.station = station
        self.seed = seed
        self.stops_per_route = stops_per_route
        self.tz = station.tz
        self.depot = (float(station.latitude), float(station.longitude))
        self.summary = Summary()

    def scorecards(self, *, days: int, end: date | None = None) -> int:
        """Store billing's scorecard of every closed week in the range, for every DSP; returns
        how many were written (a week already scored is refreshed)."""
        end = end or self.station.today() - timedelta(days=1)
        first = week_start_of(end - timedelta(days=days - 1))
        last_closed = min(
            week_start_of(end), week_start_of(self.station.today()) - timedelta(days=7)
        )
        written = 0
        for dsp in Dsp.objects.filter(station=self.station, status=Dsp.Status.ACTIVE):
            week = first
            while week <= last_closed:
                scorecard_generate(dsp=dsp, week_start=week)
                written += 1
                week += timedelta(days=7)
        return written

    def run(self, *, days: int, end: date | None = None) -> Summary:
        """Generate `days` station days up to `end` (default: yesterday) for every DSP."""
        end = end or self.station.today() - timedelta(days=1)
        first = end - timedelta(days=days - 1)
        dsps = list(
            Dsp.objects.filter(station=self.station, status=Dsp.Status.ACTIVE).order_by("pk")
        )
        for dsp in dsps:
            drivers = list(
                Driver.objects.filter(dsp=dsp, status=Driver.Status.ACTIVE).order_by("pk")
            )
            vans = list(Vehicle.objects.filter(dsp=dsp).order_by("pk"))
            if not drivers or not vans:
                continue
            rng = random.Random(f"{self.seed}-{dsp.code}")
            pool = _address_pool(dsp, rng, size=max(600, 25 * self.stops_per_route * 4))
            risky = {d.pk for d in drivers[:2]} if len(drivers) > 4 else set()
            inspector = get_user_model().objects.filter(membership__dsp=dsp).order_by("pk").first()
            taken = set(
                Route.objects.filter(dsp=dsp, service_date__range=(first, end)).values_list(
                    "service_date", flat=True
                )
            )
            day = first
            while day <= end:
                week = [
                    day + timedelta(days=i)
                    for i in range(7)
                    if day + timedelta(days=i) <= end and day + timedelta(days=i) not in taken
                ]
                if week:
                    with transaction.atomic():
                        self._days(dsp, week, drivers, vans, pool, risky, inspector, first)
                day += timedelta(days=7)
        return self.summary

    def _volume(self, day: date, first: date, fleet: int) -> int:
        factor = WEEKDAY_FACTOR[day.weekday()] * (1 + 0.1 * (day - first).days / 365)
        if (day.month == 11 and day.day >= 15) or (day.month == 12 and day.day <= 24):
            factor *= 1.25
        return max(1, min(fleet, round(fleet * 0.8 * factor)))

    def _days(self, dsp, days, drivers, vans, pool, risky, inspector, first) -> None:
        weights = [a.weight for a in pool]
        plans = []  # (route, [(address, [packages])])
        manifests = {}
        for day in days:
            rng = random.Random(f"{self.seed}-{dsp.code}-{day.isoformat()}")
            manifest, _ = Manifest.objects.get_or_create(
                station=self.station, service_date=day, defaults={"source": SOURCE}
            )
            manifests[day] = manifest
            n_routes = self._volume(day, first, min(len(drivers), len(vans)))
            wanted = n_routes * self.stops_per_route
            chosen = list(dict.fromkeys(rng.choices(range(len(pool)), weights=weights, k=wanted)))
            picked = [pool[i] for i in chosen]
            picked.sort(
                key=lambda a: math.atan2(float(a.lat) - self.depot[0], float(a.lon) - self.depot[1])
            )
            size = math.ceil(len(picked) / n_routes)
            offset = day.toordinal()
            for r in range(n_routes):
                chunk = picked[r * size : (r + 1) * size]
                if not chunk:
                    continue
                route = Route(
                    dsp=dsp,
                    station=self.station,
                    service_date=day,
                    code=f"G{r + 1:02d}",
                    driver=drivers[(r + offset) % len(drivers)],
                    vehicle=vans[r % len(vans)],
                    status=Route.Status.COMPLETED,
                    departs_at=datetime.combine(day, time(8, 30), tzinfo=self.tz),
                )
                plans.append((route, chunk, rng))
        stops, packages, route_stops = [], [], []
        per_route = []
        for route, chunk, rng in plans:
            manifest = manifests[route.service_date]
            at = route.departs_at
            here = self.depot
            metres = drive = 0
            rows = []
            for seq, address in enumerate(chunk, start=1):
                point = (float(address.lat), float(address.lon))
                leg_m, leg_s = _leg(here, point)
                metres, drive, here = metres + leg_m, drive + leg_s, point
                at = at + timedelta(seconds=leg_s)
                start, end = address.window or (None, None)
                count = 2 if rng.random() < 0.15 else 1
                stop = Stop(
                    manifest=manifest,
                    dsp=route.dsp,
                    address=address.text,
                    latitude=address.lat,
                    longitude=address.lon,
                    package_count=count,
                    size=count,
                    weight_g=1500 * count,
                    window_start=start,
                    window_end=end,
                    service_time_s=SERVICE_S,
                )
                stops.append(stop)
                pkgs = [
                    Package(
                        manifest=manifest,
                        dsp=route.dsp,
                        tracking_id=f"G{route.dsp_id}{route.service_date:%y%m%d}{route.code}{seq:03d}{k}",
                        recipient_name="Generated recipient",
                        address=address.text,
                        latitude=address.lat,
                        longitude=address.lon,
                        window_start=start,
                        window_end=end,
                    )
                    for k in range(count)
                ]
                packages.extend(pkgs)
                rows.append((address, stop, pkgs, seq, at, leg_m))
                at = at + timedelta(seconds=SERVICE_S)
            back_m, back_s = _leg(here, self.depot)
            route.planned_stops = len(chunk)
            route.distance_m = metres + back_m
            route.planned_km = Decimal(route.distance_m / 1000).quantize(Decimal("0.1"))
            route.drive_s = drive + back_s
            route.service_s = SERVICE_S * len(chunk)
            route.load = sum(len(r[2]) for r in rows)
            route.returns_at = at + timedelta(seconds=back_s)
            per_route.append((route, rows, rng))
        Route.objects.bulk_create([p[0] for p in per_route])
        Stop.objects.bulk_create(stops, batch_size=2000)
        for stop, package in (
            (row[1], p) for _, rows, _ in per_route for row in rows for p in row[2]
        ):
            package.stop = stop
        Package.objects.bulk_create(packages, batch_size=2000)
        for route, rows, _ in per_route:
            for _address, stop, _pkgs, seq, at, leg_m in rows:
                route_stops.append(
                    RouteStop(
                        route=route,
                        stop=stop,
                        sequence=seq,
                        planned_arrival=at,
                        planned_start=at,
                        leg_distance_m=leg_m,
                    )
                )
        RouteStop.objects.bulk_create(route_stops, batch_size=2000)
        rs_by_stop = {rs.stop_id: rs for rs in route_stops}
        self._events(per_route, rs_by_stop, risky, inspector)
        self.summary.days += len(days)
        self.summary.routes += len(per_route)
        self.summary.stops += len(stops)
        self.summary.packages += len(packages)

    def _events(self, per_route, rs_by_stop, risky, inspector) -> None:
        events, punches, pings, incidents, inspections = [], [], [], [], []
        odometer: dict[int, int] = {}
        for route, rows, rng in per_route:
            delay = 0.0
            track = []
            for address, stop, pkgs, _seq, planned, _leg_m in rows:
                delay = max(-10.0, min(25.0, delay + rng.gauss(0, 3)))
                late = rng.random() < address.late_p
                minutes = delay + (rng.uniform(35, 90) if late else 0)
                at = planned + timedelta(minutes=minutes)
                track.append((at, address))
                failed = rng.random() < address.fail_p
                for package in pkgs:
                    window = None
                    if package.window_start and not failed:
                        window = not late  # the plan puts windowed stops inside their window
                    events.append(
                        DeliveryEvent(
                            route=route,
                            route_stop=rs_by_stop[stop.pk],
                            package=package,
                            driver=route.driver,
                            kind=DeliveryEvent.Kind.FAILED
                            if failed
                            else DeliveryEvent.Kind.DELIVERED,
                            reason=rng.choice(FAIL_REASONS) if failed else "",
                            delivered_to="" if failed else DeliveryEvent.DeliveredTo.SAFE_PLACE,
                            photo_review=DeliveryEvent.PhotoReview.NONE
                            if failed
                            else (
                                DeliveryEvent.PhotoReview.ACCEPTED
                                if rng.random() < 0.975
                                else DeliveryEvent.PhotoReview.NONE
                            ),
                            within_window=window,
                            latitude=address.lat,
                            longitude=address.lon,
                            occurred_at=at,
                            idempotency_key=f"gen-{package.pk}",
                        )
                    )
            van = route.vehicle
            start_km = odometer.get(van.pk, van.odometer_km or 10_000)
            end_km = start_km + round(route.distance_m / 1000 * rng.uniform(1.0, 1.15))
            odometer[van.pk] = end_km
            clock_out = (track[-1][0] if track else route.departs_at) + timedelta(minutes=35)
            middle = route.departs_at + (clock_out - route.departs_at) / 2
            for kind, at, km in (
                (ShiftPunch.Kind.CLOCK_IN, route.departs_at - timedelta(minutes=30), start_km),
                (ShiftPunch.Kind.BREAK_START, middle, None),
                (ShiftPunch.Kind.BREAK_END, middle + timedelta(minutes=30), None),
                (ShiftPunch.Kind.CLOCK_OUT, clock_out, end_km),
            ):
                punches.append(
                    ShiftPunch(
                        driver=route.driver,
                        route=route,
                        kind=kind,
                        at=at,
                        odometer_km=km,
                        idempotency_key=f"gen-{route.pk}-{kind}",
                    )
                )
            due = route.departs_at
            for at, address in track:
                if at >= due:
                    pings.append(
                        LocationPing(
                            route=route,
                            latitude=address.lat,
                            longitude=address.lon,
                            accuracy_m=rng.randint(5, 30),
                            recorded_at=at,
                        )
                    )
                    due = at + PING_EVERY
            if rng.random() < (0.08 if route.driver_id in risky else 0.01):
                incidents.append(
                    SafetyIncident(
                        driver=route.driver,
                        kind=rng.choice(["speeding", "harsh_braking", "seatbelt"]),
                        severity="low",
                        occurred_at=route.departs_at + timedelta(hours=3),
                        route_ref=route.code,
                    )
                )
            if inspector and rng.random() < 0.985:
                inspections.append(
                    Inspection(
                        vehicle=van,
                        inspector=inspector,
                        inspected_on=route.service_date,
                        odometer_km=start_km,
                        result=Inspection.Result.PASS,
                    )
                )
        DeliveryEvent.objects.bulk_create(events, batch_size=2000)
        ShiftPunch.objects.bulk_create(punches, batch_size=2000)
        LocationPing.objects.bulk_create(pings, batch_size=2000)
        SafetyIncident.objects.bulk_create(incidents)
        Inspection.objects.bulk_create(inspections, batch_size=2000)
        self.summary.events += len(events)
        self.summary.punches += len(punches)
        self.summary.pings += len(pings)
        self.summary.incidents += len(incidents)
