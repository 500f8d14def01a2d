"""Demo world: one day's manifest of about 1,500 packages around the station, in stops.

Stops go to the DSP holding the territory that contains them (lone-star holds DDA1-01, Oak
Lawn / Uptown); the rest are uncovered. The dispatcher plans the day from the Planning page.

Deterministic (a seeded generator), so the same day always gets the same packages.
"""

import math
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from drivers.models import Driver
from fleet.models import Vehicle
from routes.day.tracking import tracking_link_for
from routes.manifests.imports import manifest_build_stops
from routes.models import (
    DayConfirmation,
    DeliveryEvent,
    Manifest,
    Package,
    Route,
    RouteStop,
    ShiftPunch,
    Stop,
)
from routes.planning.jobs import routes_timed_write
from routes.planning.problem import retime

PACKAGE_COUNT = 1500
# Neighbourhood centres (lat, lon, spread in km, weight) around the Dallas station.
CLUSTERS = [
    (32.8100, -96.8050, 1.6, 5),  # Oak Lawn / Uptown
    (32.8250, -96.7950, 1.4, 3),
    (32.7700, -96.8200, 1.5, 3),  # Design District / Cedars
    (32.7650, -96.7950, 1.3, 2),
    (32.8000, -96.7700, 1.8, 2),  # East Dallas
]
STREETS = [
    "Cedar Springs Rd",
    "Maple Ave",
    "Lemmon Ave",
    "McKinney Ave",
    "Oak Lawn Ave",
    "Routh St",
    "Fairmount St",
    "Hall St",
    "Ross Ave",
    "Swiss Ave",
    "Live Oak St",
    "Gaston Ave",
    "Harwood St",
    "Akard St",
    "Ervay St",
    "Lamar St",
]
NAMES = [
    "A. Smith",
    "B. Nguyen",
    "C. Lopez",
    "D. Okafor",
    "E. Rossi",
    "F. Kim",
    "G. Ahmed",
    "H. Silva",
    "I. Novak",
    "J. Brown",
]
WINDOWS = [(time(9, 0), time(12, 0)), (time(12, 0), time(15, 0)), (time(15, 0), time(18, 0))]


def _point(rng: random.Random) -> tuple[Decimal, Decimal]:
    lat0, lon0, spread_km, _ = rng.choices(CLUSTERS, weights=[c[3] for c in CLUSTERS])[0]
    dlat = rng.gauss(0, spread_km) / 111.0
    dlon = rng.gauss(0, spread_km) / (111.0 * math.cos(math.radians(lat0)))
    return Decimal(f"{lat0 + dlat:.6f}"), Decimal(f"{lon0 + dlon:.6f}")


def seed(world: dict) -> None:
    _seed_manifest(world)
    _seed_day(world)


def _seed_manifest(world: dict) -> None:
    station = world["station"]
    day = station.today()
    manifest, created = Manifest.objects.get_or_create(
        station=station, service_date=day, defaults={"source": "demo"}
    )
    if not created and manifest.packages.exists():
        manifest_build_stops(manifest=manifest)  # demo data seeded before stops existed
        world["manifest"] = manifest
        return
    rng = random.Random(day.toordinal())
    packages = []
    # About 1 in 6 addresses receives two or three packages: they merge into one stop.
    n = 0
    while n < PACKAGE_COUNT:
        lat, lon = _point(rng)
        address = f"{rng.randint(100, 4999)} {rng.choice(STREETS)}, Dallas, TX"
        recipient = rng.choice(NAMES)
        window = rng.choice(WINDOWS) if rng.random() < 0.3 else (None, None)
        for _ in range(min(rng.choice([1, 1, 1, 1, 1, 2, 3]), PACKAGE_COUNT - n)):
            n += 1
            packages.append(
                Package(
                    manifest=manifest,
                    tracking_id=f"NM{day:%y%m%d}{n:06d}",
                    recipient_name=recipient,
                    recipient_email=f"recipient{n}@example.com" if n % 3 == 0 else "",
                    recipient_phone=f"+1 214 555 {n % 10000:04d}" if n % 4 == 0 else "",
                    address=address,
                    latitude=lat,
                    longitude=lon,
                    window_start=window[0],
                    window_end=window[1],
                    size=rng.choice([1, 1, 1, 2, 2, 3, 5]),
                    weight_g=rng.randint(200, 12000),
                    priority=Package.Priority.HIGH if rng.random() < 0.05 else "normal",
                )
            )
    Package.objects.bulk_create(packages, batch_size=1000)
    manifest_build_stops(manifest=manifest)  # merged by address, allocated by territory
    manifest.package_count = len(packages)
    manifest.total_volume = sum(p.size for p in packages)
    manifest.save(update_fields=["package_count", "total_volume", "updated_at"])
    world["manifest"] = manifest


DEMO_ROUTES = [("LS-D1", 14), ("LS-D2", 12)]


def _seed_day(world: dict) -> None:
    """Two assigned routes for lone-star today (the demo driver on LS-D1, part-way through), built
    straight from the day's stops when the dispatcher has not planned yet.
    """
    dsp = world.get("active_dsp")
    manifest = world.get("manifest")
    if dsp is None or manifest is None:
        return
    day = manifest.service_date
    if Route.objects.filter(dsp=dsp, service_date=day).exclude(code__startswith="LS-D").exists():
        return  # the day was planned: leave the plan alone
    active = Driver.objects.filter(dsp=dsp, status=Driver.Status.ACTIVE).order_by("pk")
    drivers = list(active.filter(user__email="driver@lone-star.example")[:1])
    drivers += list(active.exclude(pk__in=[d.pk for d in drivers])[: 2 - len(drivers)])
    vans = list(Vehicle.objects.filter(dsp=dsp, status=Vehicle.Status.ACTIVE).order_by("plate")[:2])
    if len(drivers) < 2 or len(vans) < 2:
        return
    tz = dsp.station.tz
    start = datetime.combine(day, time(8, 30), tzinfo=tz)
    for (code, size), driver, van in zip(DEMO_ROUTES, drivers, vans, strict=True):
        route, created = Route.objects.get_or_create(
            dsp=dsp,
            service_date=day,
            code=code,
            defaults={
                "station": dsp.station,
                "driver": driver,
                "vehicle": van,
                "status": Route.Status.ASSIGNED,
            },
        )
        if created:
            stops = list(
                Stop.objects.filter(manifest=manifest, dsp=dsp, route_stop__isnull=True).order_by(
                    "longitude", "latitude"
                )[:size]
            )
            for n, stop in enumerate(stops, start=1):
                at = start + timedelta(minutes=9 * n)
                RouteStop.objects.create(
                    route=route, stop=stop, sequence=n, planned_arrival=at, planned_start=at
                )
            # Times, distance, energy and cost from the one calculation a plan or a move uses.
            timed = retime(station=dsp.station, day=day, routes=[(route, stops)])
            routes_timed_write(routes=[route], orders={route.pk: stops}, timed=timed)
        for rs in route.route_stops.select_related("stop"):
            for package in rs.stop.packages.all():
                tracking_link_for(package=package)
        DayConfirmation.objects.get_or_create(
            driver=driver,
            service_date=day + timedelta(days=1),
            defaults={"available": True, "answered_at": start - timedelta(hours=14)},
        )
    _seed_progress(Route.objects.get(dsp=dsp, service_date=day, code=DEMO_ROUTES[0][0]), start)


def _seed_progress(route: Route, start: datetime) -> None:
    """The demo driver clocked in and worked the first stops: three delivered, one failed."""
    ShiftPunch.objects.get_or_create(
        idempotency_key=f"demo-{route.pk}-clock-in",
        defaults={
            "driver": route.driver,
            "route": route,
            "kind": ShiftPunch.Kind.CLOCK_IN,
            "at": start - timedelta(minutes=20),
            "odometer_km": route.vehicle.odometer_km,
        },
    )
    for rs in route.route_stops.select_related("stop").order_by("sequence")[:4]:
        for package in rs.stop.packages.all():
            failed = rs.sequence == 3
            DeliveryEvent.objects.get_or_create(
                idempotency_key=f"demo-{route.pk}-{package.pk}",
                defaults={
                    "route": route,
                    "route_stop": rs,
                    "package": package,
                    "driver": route.driver,
                    "kind": DeliveryEvent.Kind.FAILED if failed else DeliveryEvent.Kind.DELIVERED,
                    "reason": "no_access" if failed else "",
                    "delivered_to": "" if failed else DeliveryEvent.DeliveredTo.RECIPIENT,
                    "occurred_at": rs.planned_arrival + timedelta(minutes=3),
                },
            )
    Route.objects.filter(pk=route.pk, status=Route.Status.ASSIGNED).update(
        status=Route.Status.IN_PROGRESS
    )
