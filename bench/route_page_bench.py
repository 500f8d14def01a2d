"""Weight and time of the route page for a long route, without a server.

    python bench/route_page_bench.py                 # 8 routes × 250 stops, 10 requests
    python bench/route_page_bench.py --browser       # and load it in chromium, timeline drawn

Seeds a station day into `--database-url` (dropped first) the way `load_bench.py` does, marks
its routes assigned (still editable, so the page carries its timeline and move form), then asks
for one route's page (`/routes/<id>/`) and its neighbour's timeline lane
(`/routes/<id>/timeline/`, fetched by the page) through the Django test client with the
production settings (DEBUG off), and prints the wall time per request (median and maximum,
database included) and the response size. The page's limit: under 400 KB and 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._pages import page_arguments, page_timings, seeded_app  # noqa: E402

DEFAULT_DB = "postgres://nextmile:nextmile@127.0.0.1:5432/nextmile_routepage"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    page_arguments(parser, database=DEFAULT_DB, routes=8, stops=250, requests=10)
    parser.add_argument("--browser", action="store_true", help="also time it in chromium")
    args = parser.parse_args(argv)
    # No map tiles: they come from another server (a backdrop only, not the page's cost), and
    # a bench never reaches outside this machine; without this each load waited on them.
    seeded_app(
        args,
        hosts="testserver,127.0.0.1",
        cache="locmemcache://routepage",
        env={"MAP_TILE_URL": ""},
    )
    # Django is set up only now, by seeded_app (it picks the database and cache the bench
    # creates), so Django's and the project's modules are imported here, not at the top.
    from django.test import Client

    # Models load only after django.setup(), which seeded_app has just run.
    from dsps.models import User
    from routes.models import Route

    Route.objects.update(status=Route.Status.ASSIGNED)
    first, second = Route.objects.order_by("code")[:2]
    client = Client()
    client.force_login(User.objects.get(email="dispatch0@bench.example"))
    print(f"{args.routes} routes × {first.route_stops.count()} stops")
    for url in (f"/routes/{first.pk}/", f"/routes/{second.pk}/timeline/"):
        page_timings(client, url, 2)  # warm: templates, connections
        times, size = page_timings(client, url, args.requests)
        print(
            f"{url:24} wall per request: median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms; {size / 1024:.0f} KiB"
        )
    if args.browser:
        browser_load(client, f"/routes/{first.pk}/", args.requests)
    return 0


def browser_load(client, path: str, n: int) -> None:
    """Time from navigation to the timeline drawn, in Debian's chromium, over a live server."""
    import os

    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    # The app as deployed: WhiteNoise serves the collected, hashed static files.
    server = LiveServerThread("127.0.0.1", lambda app: app, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    session = client.cookies["sessionid"].value
    times = []
    with sync_playwright() as pw:
        chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        browser = pw.chromium.launch(executable_path=chromium)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
        page = context.new_page()
        for k in range(n + 1):
            start = time.perf_counter()
            response = page.goto(base + path)
            assert response.ok and page.url == base + path, (response.status, page.url)
            page.wait_for_selector("#timeline[data-ready='1']", state="attached")
            if k:  # the first load warms the browser's cache of scripts and styles
                times.append((time.perf_counter() - start) * 1000)
        browser.close()
    server.terminate()
    print(
        f"{path:24} in chromium, navigation to timeline drawn: "
        f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
