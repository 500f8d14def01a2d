"""A small station day with an overflow: built by hand so every figure can be checked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from billing.models import Scorecard
from dsps.models import Dsp, Station
from routes.models import Manifest, Package, Stop
from tests.dsps.factories import DspFactory, StationFactory, TerritoryFactory, square
from tests.fleet.factories import LeaseFactory, VehicleOfferFactory

STOPS_PER_ROUTE = 5


@dataclass
class World:
    station: Station
    day: datetime.date
    manifest: Manifest
    a: Dsp  # great tier, 1 van (capacity 5), 9 stops: 4 over
    b: Dsp  # fantastic, 2 vans (capacity 10), 3 stops
    c: Dsp  # fair, 2 vans (capacity 10), 2 stops
    uncovered: list[Stop]


def stops_in(manifest, dsp, area: dict, count: int, start: int = 0) -> list[Stop]:
    """`count` stops (one package each) spread along the diagonal of a square `area`."""
    (lon0, lat0), (lon1, lat1) = area["coordinates"][0][0], area["coordinates"][0][2]
    made = Stop.objects.bulk_create(
        Stop(
            manifest=manifest,
            dsp=dsp,
            address=f"{start + i + 1} Elm St, Dallas, TX",
            latitude=Decimal(str(round(lat0 + (lat1 - lat0) * (i + 1) / (count + 1), 6))),
            longitude=Decimal(str(round(lon0 + (lon1 - lon0) * (i + 1) / (count + 1), 6))),
            package_count=1,
            size=1,
        )
        for i in range(count)
    )
    Package.objects.bulk_create(
        Package(
            manifest=manifest,
            dsp=dsp,
            stop=stop,
            tracking_id=f"NW{manifest.pk:04d}{start + i:05d}",
            recipient_name="R. Cipient",
            address=stop.address,
            latitude=stop.latitude,
            longitude=stop.longitude,
        )
        for i, stop in enumerate(made)
    )
    return made


def vans(dsp, count: int, offer=None) -> None:
    for _ in range(count):
        LeaseFactory(vehicle__dsp=dsp, **({"offer": offer} if offer else {}))


def overflow_world(*, station: Station | None = None, scale: int = 1) -> World:
    """Three DSPs and an unassigned territory; `scale` multiplies every figure."""
    station = station or StationFactory()
    day = station.today()
    manifest = Manifest.objects.create(station=station, service_date=day)
    offer = VehicleOfferFactory()
    dsps = {}
    week = day - datetime.timedelta(days=7)
    for key, offset, tier, n_vans in (
        ("a", 0.0, "great", 1),
        ("b", 0.05, "fantastic", 2),
        ("c", -0.05, "fair", 2),
    ):
        dsp = DspFactory(station=station, name=f"DSP {key.upper()} of {station.code}")
        TerritoryFactory(station=station, dsp=dsp, boundary=square(offset, 0.0))
        Scorecard.objects.create(
            dsp=dsp, week_start=week, tier=tier, metrics={"dcr": {"value": 99.1, "tier": "great"}}
        )
        vans(dsp, n_vans * scale, offer)
        dsps[key] = dsp
    TerritoryFactory(station=station, dsp=None, boundary=square(0.0, 0.05))
    stops_in(manifest, dsps["a"], square(0.0, 0.0), 9 * scale)
    stops_in(manifest, dsps["b"], square(0.05, 0.0), 3 * scale, start=1000)
    stops_in(manifest, dsps["c"], square(-0.05, 0.0), 2 * scale, start=2000)
    uncovered = stops_in(manifest, None, square(0.0, 0.05), 2 * scale, start=3000)
    return World(station, day, manifest, dsps["a"], dsps["b"], dsps["c"], uncovered)
