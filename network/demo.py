"""Network demo: six weeks of the station's daily stops before today (a weekday pattern with a
gentle rise), so the peak planning page has a history to forecast from.

Deterministic and idempotent: a day that already has stops is left as it is.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from routes.models import Manifest, Stop

DAYS = 42
BASE_STOPS = 600
WEEKDAY = [1.15, 1.05, 1.0, 1.0, 1.2, 0.85, 0.45]  # Monday … Sunday
GROWTH_PER_DAY = 0.006


def seed(world: dict) -> None:
    station = world["station"]
    dsp = world.get("active_dsp")
    today = station.today()
    first = today - timedelta(days=DAYS)
    busy = set(
        Stop.objects.filter(
            manifest__station=station, manifest__service_date__range=(first, today)
        ).values_list("manifest__service_date", flat=True)
    )
    rng = random.Random(9)
    lat0, lon0 = float(station.latitude), float(station.longitude)
    for t in range(DAYS):
        day = first + timedelta(days=t)
        if day in busy:
            continue
        manifest, _ = Manifest.objects.get_or_create(
            station=station, service_date=day, defaults={"source": "demo history"}
        )
        count = round(BASE_STOPS * WEEKDAY[day.weekday()] * (1 + GROWTH_PER_DAY * t))
        Stop.objects.bulk_create(
            (
                Stop(
                    manifest=manifest,
                    dsp=dsp,
                    address=f"{100 + k} History Ln, Dallas, TX",
                    latitude=Decimal(f"{lat0 + rng.uniform(-0.04, 0.04):.6f}"),
                    longitude=Decimal(f"{lon0 + rng.uniform(-0.04, 0.04):.6f}"),
                    package_count=1,
                    size=1,
                )
                for k in range(count)
            ),
            batch_size=2000,
        )
