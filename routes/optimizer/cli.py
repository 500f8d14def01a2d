"""`python -m routes.optimizer solve FILE`: solve a benchmark instance, print one JSON line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .check import check_feasible
from .decompose import PoolExecutor, improve_day
from .instances import read_instance
from .planner import solve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m routes.optimizer")
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("solve", help="solve a VRPLIB .vrp or Solomon .txt instance")
    cmd.add_argument("file", help="instance file (.vrp VRPLIB, .txt Solomon/Homberger)")
    cmd.add_argument("--time-limit", type=float, default=10.0, help="seconds of search")
    cmd.add_argument("--engine", choices=["auto", "pyvrp", "ortools"], default="auto")
    cmd.add_argument("--seed", type=int, default=1)
    cmd.add_argument(
        "--scale",
        type=int,
        default=None,
        help="integer units per instance unit (default: 100, or less when the file's times "
        "would not fit)",
    )
    cmd.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes; above 1, route-based decomposition on a local pool (default 1)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        instance = read_instance(args.file, scale=args.scale)
    except (OSError, ValueError) as exc:
        print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.workers > 1:
        with PoolExecutor(args.workers) as pool:
            solution = improve_day(instance.problem, args.time_limit, executor=pool, seed=args.seed)
    else:
        solution = solve(instance.problem, args.time_limit, engine=args.engine, seed=args.seed)
    routes = instance.customer_routes(solution)
    violations = check_feasible(instance.problem, solution, duration=instance.exact_durations())
    out = {
        "name": instance.name,
        "routes": routes,
        "vehicles": len(routes),
        "distance": instance.distance(routes),
        "feasible": solution.feasible and not violations,
        "engine": solution.engine,
        "wall_s": round(solution.wall_s, 3),
        "scale": instance.provider.scale,
        "workers": args.workers,
    }
    print(json.dumps(out))
    return 0
