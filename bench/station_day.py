"""A held-out station-shaped day: clustered neighbourhoods plus rural stops.

About 85 % of the stops fall in neighbourhoods (a few hundred metres to two kilometres
across) scattered 2-18 km around a depot, the rest spread thinly within 22 km; 40 %
carry a one- or two-hour window between 09:00 and 19:00; every stop takes 60 s; the fleet
gives about 115 stops per van (each van could carry 250). Deterministic for a seed.

    python bench/station_day.py --stops 3000 --seed 1 --out day.json   # write it as JSON
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routes.optimizer import (  # noqa: E402
    DayProblem,
    Depot,
    HaversineProvider,
    LatLon,
    StopSpec,
    VehicleSpec,
)

DEPOT = LatLon(48.1372, 11.5756)  # Munich, a different city from the older benches
KM_PER_DEG_LAT = 111.2
RURAL_SHARE = 0.15
WINDOW_SHARE = 0.4
STOPS_PER_VAN = 115


def _offset(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    dlat = km * math.sin(bearing) / KM_PER_DEG_LAT
    dlon = km * math.cos(bearing) / (KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def station_day(n_stops: int, seed: int = 1, *, stops_per_van: int = STOPS_PER_VAN) -> DayProblem:
    """The day as a `DayProblem` (haversine travel, circuity 1.3, 30 km/h)."""
    rng = random.Random(seed)
    hoods = []
    for _ in range(max(3, n_stops // 60)):
        centre = _offset(DEPOT.lat, DEPOT.lon, rng.uniform(2, 18), rng.uniform(0, 2 * math.pi))
        hoods.append((centre, rng.uniform(0.2, 1.0)))
    stops = []
    for i in range(n_stops):
        if rng.random() < RURAL_SHARE:
            km = 22 * math.sqrt(rng.random())
            lat, lon = _offset(DEPOT.lat, DEPOT.lon, km, rng.uniform(0, 2 * math.pi))
        else:
            (clat, clon), radius = rng.choice(hoods)
            lat, lon = _offset(clat, clon, abs(rng.gauss(0, radius)), rng.uniform(0, 2 * math.pi))
        window = None
        if rng.random() < WINDOW_SHARE:
            hours = rng.choice([1, 2])
            opens = rng.randrange(9, 19 - hours) * 3600
            window = (opens, opens + hours * 3600)
        stops.append(
            StopSpec(
                f"s{i}",
                LatLon(round(lat, 6), round(lon, 6)),
                demand=1,
                service_s=60,
                window=window,
            )
        )
    vans = max(1, math.ceil(n_stops / stops_per_van))
    vehicles = [
        VehicleSpec(
            f"van{k:03d}",
            capacity=250,
            shift_start_s=8 * 3600,
            shift_end_s=20 * 3600,
            # One kind of van: a cost of 1 per metre keeps PyVRP's default penalties in scale.
            cost_per_km=1,
        )
        for k in range(vans)
    ]
    return DayProblem(
        [Depot("MUC1", DEPOT)],
        stops,
        vehicles,
        provider=HaversineProvider(circuity=1.3, speed_kmh=30.0),
        drop_penalty=None,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="write the day's stops and vans as JSON here")
    args = parser.parse_args(argv)
    day = station_day(args.stops, args.seed)
    windows = sum(1 for s in day.stops if s.window)
    summary = {
        "stops": len(day.stops),
        "vans": len(day.vehicles),
        "windows": windows,
        "stops_per_van": round(len(day.stops) / len(day.vehicles)),
    }
    if args.out:
        body = {
            "depot": [DEPOT.lat, DEPOT.lon],
            "stops": [
                {"id": s.id, "lat": s.location.lat, "lon": s.location.lon, "window": s.window}
                for s in day.stops
            ],
            "vans": len(day.vehicles),
        }
        Path(args.out).write_text(json.dumps(body))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
