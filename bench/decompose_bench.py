"""Route-based decomposition on a station day against one plain PyVRP run, same wall clock.

For each seed, a station-shaped day (`bench/station_day.py`) is solved twice, each given the
same wall clock counted from the day in memory (stops, vans, travel provider) to the answer:

- plain PyVRP: the day's matrices and `pyvrp.ProblemData` built, then one `pyvrp.solve`
  with default parameters for what is left of the wall clock, on one core;
- the app's path: `improve_day` on a local pool of `--workers` processes (the plan job
  uses the same code with Celery workers).

Distances are in metres on the same haversine matrices; each plan is checked route by route
by the package's checker. Peak memory is this process plus its pool children.

    python bench/decompose_bench.py --stops 3000 --time-limit 120 --seeds 1,2,3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyvrp  # noqa: E402
from pyvrp.stop import MaxRuntime  # noqa: E402
from station_day import station_day  # noqa: E402

from routes.optimizer.decompose import PoolExecutor, improve_day, route_fits  # noqa: E402
from routes.optimizer.engines.common import triage  # noqa: E402
from routes.optimizer.engines.pyvrp_engine import build_data  # noqa: E402

MACHINE = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def plain_pyvrp(n: int, seed: int, wall_s: float) -> dict:
    started = time.perf_counter()
    problem = station_day(n, seed)
    kept, _ = triage(problem)
    data, _ = build_data(problem, kept)
    left = wall_s - (time.perf_counter() - started)
    result = pyvrp.solve(data, MaxRuntime(max(0.1, left)), seed=seed, collect_stats=False)
    return {
        "distance_m": int(result.best.distance()),
        "routes": result.best.num_routes(),
        "feasible": bool(result.best.is_feasible()),
        "wall_s": round(time.perf_counter() - started, 1),
    }


def app_path(n: int, seed: int, wall_s: float, workers: int, group_stops: int) -> dict:
    started = time.perf_counter()
    problem = station_day(n, seed)
    with PoolExecutor(workers) as pool:
        # The pool's start and shutdown count against the wall clock too.
        day = improve_day(problem, wall_s - 1.0, executor=pool, seed=seed, group_stops=group_stops)
    wall = time.perf_counter() - started
    served = sorted(s for r in day.routes for s in r.stop_ids) + [d.stop_id for d in day.dropped]
    feasible = (
        day.feasible
        and not day.dropped
        and sorted(served) == sorted(s.id for s in problem.stops)
        and all(route_fits(problem, r) for r in day.routes)
    )
    return {
        "distance_m": day.distance_m,
        "routes": len(day.routes),
        "feasible": feasible,
        "wall_s": round(wall, 1),
    }


def children_peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=3000)
    parser.add_argument("--time-limit", type=float, default=120.0, help="wall clock, seconds")
    parser.add_argument("--seeds", default="1", help="comma-separated day seeds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--group-stops", type=int, default=500)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "decompose.jsonl")
    args = parser.parse_args(argv)
    rows = []
    for seed in (int(s) for s in args.seeds.split(",")):
        plain = plain_pyvrp(args.stops, seed, args.time_limit)
        ours = app_path(args.stops, seed, args.time_limit, args.workers, args.group_stops)
        row = {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": MACHINE,
            "load_avg": os.getloadavg(),
            "stops": args.stops,
            "seed": seed,
            "time_limit_s": args.time_limit,
            "workers": args.workers,
            "group_stops": args.group_stops,
            "plain_pyvrp": plain,
            "app": ours,
            "ratio": round(ours["distance_m"] / plain["distance_m"], 4),
            "peak_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_rss_mb_children": children_peak_mb(),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")
    if len(rows) > 1:
        print(json.dumps({"median_ratio": statistics.median(r["ratio"] for r in rows)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
