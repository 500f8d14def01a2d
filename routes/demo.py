"""Demo world: one day's manifest of about 1,500 packages around the station, in stops.

Stops go to the DSP holding the territory that contains them (lone-star holds DDA1-01, Oak
Lawn / Uptown); the rest are uncovered. The dispatcher plans the day from the Planning page.

Deterministic (a seeded generator), so the same day always gets the same packages.
"""

import math
import random
from datetime import time
from decimal import Decimal

from .imports import manifest_build_stops
from .models import Manifest, Package

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
