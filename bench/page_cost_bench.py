"""CPU per request of the two heaviest pages of the load benchmark, without a server.

    python bench/page_cost_bench.py                  # 40 routes × 150 stops, 20 requests each
    python bench/page_cost_bench.py --profile driver # cProfile of one driver page request

Seeds a station day into `--database-url` (dropped first) the way `load_bench.py` does, with
one DSP so that its dispatcher's live board shows every route, then asks for the driver's day
page (`/routes/my-day/`) and the live board data (`/routes/live/data/`) through the Django
test client with the production settings (DEBUG off) and prints the process CPU time per
request (median and minimum; the database's own time is not counted) and the response size.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_bench import app_env, collectstatic, recreate_database, seed, setup_django  # noqa: E402

DEFAULT_DB = "postgres://nextmile:nextmile@127.0.0.1:5432/nextmile_pagecost"


def cpu_per_request(client, url: str, n: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(n):
        start = time.process_time()
        response = client.get(url)
        times.append((time.process_time() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return times, size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DB, help="dropped and recreated")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--routes", type=int, default=40)
    parser.add_argument("--stops", type=int, default=150)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", choices=["driver", "board"], help="cProfile one request")
    args = parser.parse_args(argv)
    args.secret_key = secrets.token_urlsafe(48)
    env = app_env(args)
    env["ALLOWED_HOSTS"] = "testserver"
    env["CACHE_URL"] = "locmemcache://pagecost"
    recreate_database(args.database_url)
    setup_django(env)
    from django.core.management import call_command
    from django.test import Client

    from dsps.models import User

    call_command("migrate", interactive=False, verbosity=0)
    plan = seed(drivers=args.routes, dsps=1, stops=args.stops, seed_no=1)
    collectstatic()
    pages = {
        "driver": ("driver000@bench.example", "/routes/my-day/"),
        "board": ("dispatch0@bench.example", "/routes/live/data/"),
    }
    print(f"{args.routes} routes × {args.stops} stops, {plan['packages']} packages")
    for name, (email, url) in pages.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        cpu_per_request(client, url, 3)  # warm: templates, connections, caches
        if args.profile == name:
            profile = cProfile.Profile()
            profile.enable()
            client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            continue
        times, size = cpu_per_request(client, url, args.requests)
        print(
            f"{url:22} CPU per request: median {statistics.median(times):.1f} ms, "
            f"min {min(times):.1f} ms; {size / 1024:.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
