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
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._pages import page_arguments, page_timings, seeded_app  # noqa: E402

DEFAULT_DB = "postgres://nextmile:nextmile@127.0.0.1:5432/nextmile_pagecost"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    page_arguments(parser, database=DEFAULT_DB, routes=40, stops=150, requests=20)
    parser.add_argument("--profile", choices=["driver", "board"], help="cProfile one request")
    args = parser.parse_args(argv)
    plan = seeded_app(args, hosts="testserver", cache="locmemcache://pagecost")
    # Django is set up only now, by seeded_app: its and the project's modules come after.
    from django.test import Client

    # Models load only after django.setup(), which seeded_app has just run.
    from dsps.models import User

    pages = {
        "driver": ("driver000@bench.example", "/routes/my-day/"),
        "board": ("dispatch0@bench.example", "/routes/live/data/"),
    }
    print(f"{args.routes} routes × {args.stops} stops, {plan['packages']} packages")
    for name, (email, url) in pages.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        page_timings(client, url, 3, time.process_time)  # warm: templates, connections, caches
        if args.profile == name:
            profile = cProfile.Profile()
            profile.enable()
            client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            continue
        times, size = page_timings(client, url, args.requests, time.process_time)
        print(
            f"{url:22} CPU per request: median {statistics.median(times):.1f} ms, "
            f"min {min(times):.1f} ms; {size / 1024:.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
