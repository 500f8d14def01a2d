"""A synthetic station day, solved through `partition_stops` and the engine at package level.

Stops cluster in territories around a depot on the edge of Hamburg; about 30 % carry a
two-hour delivery window; vans carry 150-250 stops each. Reports wall time, routes,
dropped stops, feasibility (the package's checker) and peak memory of this process.

    python bench/station_day_bench.py --stops 2000 --time-limit 60
    python bench/station_day_bench.py --stops 20000 --time-limit 480

Run one size per process: peak memory is the process's high-water mark.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routes.optimizer import (  # noqa: E402
    Break,
    DayProblem,
    Depot,
    HaversineProvider,
    LatLon,
    StopSpec,
    VehicleSpec,
    check_feasible,
    solve_partitioned,
)

DEPOT = LatLon(53.5511, 9.9937)  # central Hamburg
KM_PER_DEG_LAT = 111.2


def station_day(n_stops: int, seed: int = 1, breaks: bool = False) -> DayProblem:
    rng = random.Random(seed)
    territories = max(4, n_stops // 1500)
    centres = []
    for _ in range(territories):
        bearing = rng.uniform(0, 2 * math.pi)
        km = rng.uniform(3, 18)
        centres.append(
            (
                DEPOT.lat + km * math.sin(bearing) / KM_PER_DEG_LAT,
                DEPOT.lon
                + km * math.cos(bearing) / (KM_PER_DEG_LAT * math.cos(math.radians(DEPOT.lat))),
            )
        )
    stops = []
    for i in range(n_stops):
        lat, lon = centres[rng.randrange(territories)]
        spread = rng.uniform(0.6, 2.0) / KM_PER_DEG_LAT
        window = None
        if rng.random() < 0.3:
            opens = rng.choice(range(9, 18, 2)) * 3600
            window = (opens, opens + 2 * 3600)
        stops.append(
            StopSpec(
                f"p{i}",
                LatLon(lat + rng.gauss(0, spread), lon + rng.gauss(0, spread * 1.6)),
                demand=rng.choice([1, 1, 1, 2, 3]),
                service_s=rng.randint(45, 120),
                window=window,
                priority="high" if rng.random() < 0.02 else "normal",
            )
        )
    # One van per 170 stops leaves room for the windows; 360 units holds 225 stops of the
    # mean demand 1.6.
    vans = math.ceil(n_stops / 170)
    vehicles = [
        VehicleSpec(
            f"van{k:03d}",
            capacity=360,
            shift_start_s=8 * 3600,
            shift_end_s=20 * 3600,
            max_duration_s=11 * 3600,
            rest_break=Break(12 * 3600, 14 * 3600, 30 * 60) if breaks else None,
        )
        for k in range(vans)
    ]
    return DayProblem(
        [Depot("DHH1", DEPOT)], stops, vehicles, provider=HaversineProvider(1.3, 28.0)
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=2000)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--max-stops", type=int, default=1000, help="stops per part")
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--breaks", action="store_true", help="a 30-minute break between 12:00 and 14:00 per van"
    )
    args = parser.parse_args(argv)

    problem = station_day(args.stops, args.seed, args.breaks)
    started = time.perf_counter()
    solution = solve_partitioned(
        problem, args.time_limit, max_stops=args.max_stops, engine=args.engine, seed=args.seed
    )
    wall = time.perf_counter() - started
    # Checking needs the whole day's matrices: do it per route's own stops instead.
    violations = check_in_parts(problem, solution)
    sizes = [len(r.stop_ids) for r in solution.routes]
    report = {
        "stops": args.stops,
        "vehicles": len(problem.vehicles),
        "time_limit_s": args.time_limit,
        "max_stops_per_part": args.max_stops,
        "engine": solution.engine,
        "breaks": args.breaks,
        "wall_s": round(wall, 1),
        "routes": len(solution.routes),
        "stops_per_route_min_mean_max": [min(sizes), round(sum(sizes) / len(sizes)), max(sizes)]
        if sizes
        else [],
        "dropped": len(solution.dropped),
        "dropped_high_priority": sum(
            1
            for d in solution.dropped
            if d.stop_id in {s.id for s in problem.stops if s.priority == "high"}
        ),
        "distance_km": round(solution.distance_m / 1000, 1),
        "feasible": solution.feasible and not violations,
        "violations": len(violations),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(report))
    return 0


def check_in_parts(problem: DayProblem, solution) -> list[str]:
    """`check_feasible` on each route's own sub-day, plus every stop accounted for once."""
    from dataclasses import replace

    by_id = {s.id: s for s in problem.stops}
    vehicles = {v.id: v for v in problem.vehicles}
    out = []
    for route in solution.routes:
        sub = replace(
            problem,
            stops=[by_id[s] for s in route.stop_ids],
            vehicles=[vehicles[route.vehicle_id]],
            matrices=None,
        )
        part = replace(solution, routes=(route,), dropped=())
        out += check_feasible(sub, part)
    seen = [s for r in solution.routes for s in r.stop_ids] + [d.stop_id for d in solution.dropped]
    if sorted(seen) != sorted(by_id):
        out.append("Some stop is missing or appears twice.")
    return out


if __name__ == "__main__":
    sys.exit(main())
