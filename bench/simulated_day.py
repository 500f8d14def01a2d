"""Many simulated station days through the real re-plan services (the property test's seeds
and more): four routes, random progress, a closure, a breakdown and a late stop, the
dispatcher applying each proposal, the day's invariants checked after every step.

    DJANGO_SETTINGS_MODULE=nextmile.settings.test DATABASE_URL=postgres://… \\
        python bench/simulated_day.py --seeds 50 --time-limit 2

Each day runs in a transaction that is rolled back, against an empty database (the test
database: the factories' sequences start again in every process). Prints one JSON line per
day that broke an invariant and a summary line; exits 1 when any day broke one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextmile.settings.test")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from tests.routes.simulated_day import run_day  # noqa: E402


class Rollback(Exception):
    pass


def one(seed: int, time_limit_s: int) -> dict:
    started = time.monotonic()
    try:
        with transaction.atomic():
            day = run_day(seed, time_limit_s=time_limit_s)
            raise Rollback
    except Rollback:
        pass
    return {
        "seed": seed,
        "wall_s": round(time.monotonic() - started, 2),
        "steps": [[s.name, s.status] for s in day.steps],
        "broken": day.broken,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="days to play (seeds 1..N)")
    parser.add_argument("--first", type=int, default=1, help="the first seed")
    parser.add_argument("--time-limit", type=int, default=2, help="solver seconds a re-plan")
    args = parser.parse_args()
    days = [one(seed, args.time_limit) for seed in range(args.first, args.first + args.seeds)]
    bad = [d for d in days if d["broken"]]
    for day in bad:
        print(json.dumps(day))
    applied = sum(1 for d in days for _, status in d["steps"] if status == "applied")
    print(
        json.dumps(
            {
                "days": len(days),
                "broken_days": len(bad),
                "applied": applied,
                "wall_s": round(sum(d["wall_s"] for d in days), 1),
            }
        )
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
