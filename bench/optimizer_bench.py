"""Measure the route optimiser against plain OR-Tools and plain PyVRP on public instances.

Every engine gets the same time limit, one after the other on the same machine, so each
ratio in the report comes from one run. Every plan is judged by the optimiser's own
checker under exact (unrounded) Euclidean travel times.

    python bench/optimizer_bench.py --set solomon --time-limit 10
    python bench/optimizer_bench.py --set homberger1000 --only R1_10_1 --engines auto,pyvrp

Instances are read from ../shared/benchmarks next to the repository root unless
--instances DIR (or NEXTMILE_BENCH_INSTANCES) says otherwise. A CSV goes to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyvrp  # noqa: E402
from pyvrp.stop import MaxRuntime  # noqa: E402

from routes.optimizer import check_feasible, solve  # noqa: E402
from routes.optimizer.decompose import GroupJob, PoolExecutor, improve_day  # noqa: E402
from routes.optimizer.engines.common import PlannedRoute, assemble  # noqa: E402
from routes.optimizer.instances import Instance, read_instance  # noqa: E402

SETS = {
    "solomon": ("solomon", "*.vrp"),
    "homberger200": ("homberger", "*_2_1.vrp"),
    "homberger1000": ("homberger", "*_10_1.vrp"),
    "cvrp": ("cvrp", "*.vrp"),
}
FIELDS = [
    "set",
    "instance",
    "class",
    "engine",
    "time_limit_s",
    "vehicles",
    "distance",
    "distance_round",
    "bks_euclid",
    "gap_pct",
    "bks_round",
    "gap_round_pct",
    "feasible",
    "violations",
    "wall_s",
]


def default_instances() -> Path:
    return Path(os.environ.get("NEXTMILE_BENCH_INSTANCES", ROOT.parent / "shared" / "benchmarks"))


def read_bks(folder: Path) -> dict[tuple[str, str], float]:
    out = {}
    with open(folder / "bks.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            out[(row["instance"].upper(), row["objective_kind"])] = float(row["bks_distance"])
    return out


def instance_class(name: str) -> str:
    """C1, R2, RC1 ... for Solomon; C1_2 (size 200) etc. for Homberger; X for CVRPLIB."""
    if name.startswith("X-"):
        return "X"
    if "_" in name:
        prefix, size, _ = name.split("_")
        return f"{prefix}_{size}"
    return name.rstrip("0123456789") + name[len(name.rstrip("0123456789"))]


def run_plain_pyvrp(path: Path, instance: Instance, limit: float, seed: int):
    """PyVRP as its documentation shows it: read the file, solve, nothing else."""
    started = time.perf_counter()
    data = pyvrp.read(path, round_func="exact")
    result = pyvrp.Model.from_data(data).solve(stop=MaxRuntime(limit), seed=seed, display=False)
    routes = [[a.idx + 1 for a in r if a.is_client()] for r in result.best.routes()]
    stop_index = {s.id: i for i, s in enumerate(instance.problem.stops)}
    planned = [
        PlannedRoute(k, tuple(stop_index[str(c)] for c in route)) for k, route in enumerate(routes)
    ]
    fleet = len(instance.problem.vehicles)
    if len(planned) > fleet:
        raise RuntimeError(f"PyVRP used {len(planned)} routes for a fleet of {fleet}.")
    solution = assemble(instance.problem, planned, [], "pyvrp-plain", started, True)
    return solution, time.perf_counter() - started


def run_parallel(
    instance: Instance,
    limit: float,
    seed: int,
    workers: int = 2,
    options: dict | None = None,
    warm: bool = False,
):
    """The app's parallel path: `improve_day` on a local pool, from the pool's start to its
    shutdown; `options` are `improve_day`'s settings to try instead of its defaults.

    `warm`: the pool's processes are started and have loaded the solver before the clock
    starts, as the app's Celery workers have before a plan job; the clock stops at the answer.
    """
    started = time.perf_counter()
    with PoolExecutor(workers) as pool:
        if warm:
            pool.run([GroupJob(instance.problem, 0.05, seed, optional=True)] * workers)
            started = time.perf_counter()
        solution = improve_day(
            instance.problem, max(0.1, limit - 0.5), executor=pool, seed=seed, **(options or {})
        )
        answered = time.perf_counter()
    return solution, (answered if warm else time.perf_counter()) - started


def run_engine(
    path: Path, instance: Instance, engine: str, limit: float, seed: int, options: dict, warm
):
    if engine == "pyvrp":
        return run_plain_pyvrp(path, instance, limit, seed)
    if engine == "parallel":
        return run_parallel(instance, limit, seed, options=options, warm=warm)
    started = time.perf_counter()
    solution = solve(instance.problem, limit, engine=engine, seed=seed)
    return solution, time.perf_counter() - started


def label(engine: str, decompose: str, warm: bool = False) -> str:
    """The engine's name in the results, with the decomposition settings tried."""
    if engine != "parallel":
        return engine
    return " ".join(filter(None, [engine, "warm" if warm else "", decompose]))


def decompose_options(text: str) -> dict:
    """`group_stops=250,start_share=0.4,start_part_stops=none` as `improve_day` keywords."""
    options = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = item.partition("=")
        options[name] = None if value.lower() == "none" else float(value)
        if name in ("group_stops", "whole_day_max", "start_part_stops") and options[name]:
            options[name] = int(options[name])
    return options


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="solomon")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument(
        "--engines",
        default="auto,ortools,pyvrp",
        help="any of auto, ortools, pyvrp (plain) and parallel (decomposition on two processes)",
    )
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--instances", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--report", type=Path, nargs="+", help="only print tables for CSVs")
    parser.add_argument(
        "--decompose",
        default="",
        help="parallel engine only: improve_day settings to try, e.g. "
        "group_stops=250,start_share=0.4,start_part_stops=none",
    )
    parser.add_argument(
        "--warm-pool",
        action="store_true",
        help="parallel engine only: start the pool's processes before the clock starts",
    )
    args = parser.parse_args(argv)
    options = decompose_options(args.decompose)
    if args.report:
        print(report(args.report))
        return 0

    folder = args.instances or default_instances()
    if not (folder / "bks.csv").exists():
        print(f"No benchmark instances in {folder}; pass --instances DIR.", file=sys.stderr)
        return 2
    bks = read_bks(folder)
    names = {n.strip().upper() for n in args.only.split(",") if n.strip()}
    sets = list(SETS) if args.set == "all" else [args.set]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or ROOT / "bench" / "results" / f"optimizer-{args.set}-{stamp}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)

    rows = []
    with open(out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS)
        writer.writeheader()
        for set_name in sets:
            sub, pattern = SETS[set_name]
            for path in sorted((folder / sub).glob(pattern)):
                if names and path.stem.upper() not in names:
                    continue
                instance = read_instance(path)
                exact = instance.exact_durations()
                for engine in engines:
                    solution, wall = run_engine(
                        path, instance, engine, args.time_limit, args.seed, options, args.warm_pool
                    )
                    routes = instance.customer_routes(solution)
                    violations = check_feasible(instance.problem, solution, duration=exact)
                    distance = instance.distance(routes)
                    rounded = instance.distance(routes, rounded=True)
                    key = path.stem.upper()
                    b_euc = bks.get((key, "distance_euclid"))
                    b_round = bks.get((key, "distance_round"))
                    row = {
                        "set": set_name,
                        "instance": path.stem,
                        "class": instance_class(path.stem),
                        "engine": label(engine, args.decompose, args.warm_pool),
                        "time_limit_s": args.time_limit,
                        "vehicles": len(routes),
                        "distance": round(distance, 4),
                        "distance_round": round(rounded),
                        "bks_euclid": b_euc,
                        "gap_pct": round(100 * (distance / b_euc - 1), 3) if b_euc else "",
                        "bks_round": b_round or "",
                        "gap_round_pct": round(100 * (rounded / b_round - 1), 3) if b_round else "",
                        "feasible": solution.feasible and not violations,
                        "violations": len(violations),
                        "wall_s": round(wall, 2),
                    }
                    rows.append(row)
                    writer.writerow(row)
                    fh.flush()
                    print(
                        f"{path.stem:12} {engine:8} veh={row['vehicles']:3} "
                        f"dist={distance:10.2f} gap={row['gap_pct']}% "
                        f"feasible={row['feasible']} wall={wall:.1f}s",
                        file=sys.stderr,
                        flush=True,
                    )
    print(markdown(rows))
    print(f"\nCSV: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}", file=sys.stderr)
    return 0


def markdown(rows: list[dict]) -> str:
    """Per-instance table, then per-class means over the feasible runs only, and each
    engine's distance over plain PyVRP's (the mean of the instances' ratios)."""
    engines = list(dict.fromkeys(r["engine"] for r in rows))
    by_instance: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in rows:
        by_instance[r["instance"]][r["engine"]] = r
    head = "| instance | " + " | ".join(f"{e} veh | {e} distance | {e} gap %" for e in engines)
    lines = [head + " |", "|" + " --- |" * (1 + 3 * len(engines))]
    for name, per in by_instance.items():
        cells = [name]
        for e in engines:
            r = per.get(e)
            if r is None:
                cells += ["", "", ""]
            elif not _feasible(r):
                cells += [str(r["vehicles"]), f"infeasible ({r['violations']})", ""]
            else:
                cells += [str(r["vehicles"]), f"{float(r['distance']):.2f}", str(r["gap_pct"])]
        lines.append("| " + " | ".join(cells) + " |")

    ratios = [e for e in engines if e != "pyvrp"] if "pyvrp" in engines else []
    head = "| class | n | " + " | ".join(f"{e} feasible | {e} mean gap %" for e in engines)
    lines += ["", head + "".join(f" | {e}/pyvrp distance" for e in ratios) + " |"]
    lines.append("|" + " --- |" * (2 + 2 * len(engines) + len(ratios)))
    by_class: dict[str, list[str]] = defaultdict(list)
    for name, per in by_instance.items():
        by_class[next(iter(per.values()))["class"]].append(name)
    for cls, names in by_class.items():
        cells = [cls, str(len(names))]
        for e in engines:
            runs = [by_instance[n][e] for n in names if e in by_instance[n]]
            ok = [r for r in runs if _feasible(r) and r["gap_pct"] != ""]
            gap = statistics.fmean(float(r["gap_pct"]) for r in ok) if ok else None
            cells += [f"{len(ok)}/{len(runs)}", "" if gap is None else f"{gap:.2f}"]
        for e in ratios:
            rs = [
                float(by_instance[n][e]["distance"]) / float(by_instance[n]["pyvrp"]["distance"])
                for n in names
                if all(k in by_instance[n] and _feasible(by_instance[n][k]) for k in (e, "pyvrp"))
            ]
            cells.append(f"{statistics.fmean(rs):.4f}" if rs else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _feasible(row: dict) -> bool:
    return str(row["feasible"]) == "True"


def report(paths: list[Path]) -> str:
    """Markdown for CSVs written earlier, e.g. to rebuild docs/benchmarks.md tables."""
    rows = []
    for path in paths:
        with open(path, newline="") as fh:
            rows += list(csv.DictReader(fh))
    return markdown(rows)


if __name__ == "__main__":
    sys.exit(main())
