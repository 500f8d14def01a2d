"""Server-side render time and query count of the dashboard pages over a year of history.

Fill a PostgreSQL database first (the demo world, then a year of generated days):

    DATABASE_URL=postgres://… python manage.py seed_demo
    DATABASE_URL=postgres://… python manage.py generate_history --station DDA1 --days 365
    DATABASE_URL=postgres://… python bench/dashboards_bench.py [--runs 7] [--only analytics]

Each page is requested through Django's test client (the whole request: middleware, views,
templates; no network), signed in as the role that uses it. The first request is reported on
its own (cold caches), then the median and worst of `--runs` more, with the query count of
the last. Pages that answer anything but 200 are reported as failures. Target: under 300 ms.

To add a page, add a row to PAGES: a label, the role to sign in as, and the URL. The URL may
use {dsp} (the station's busiest DSP), {today} and {d7} / {d28} / {d91} (that many days ago).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextmile.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dsps.models import Dsp, Membership, Role, Station  # noqa: E402
from routes.models import DeliveryEvent, Route  # noqa: E402

TARGET_MS = 300
PAGES = [
    ("analytics · owner · last 4 weeks", "owner", "/analytics/"),
    ("analytics · staff · last 4 weeks", "staff", "/analytics/?dsp={dsp}"),
    ("analytics · owner · 13 weeks", "owner", "/analytics/?start={d91}&end={today}"),
    ("analytics CSV · recurring areas", "owner", "/analytics/export.csv?table=recurring-areas"),
    ("analytics API · daily rates", "owner", "/api/v1/analytics/daily/"),
    ("analytics API · leaderboard", "staff", "/api/v1/analytics/leaderboard/?dsp={dsp}"),
    ("network dashboard · staff · today", "staff", "/network/"),
    ("network dashboard · staff · 7 days ago", "staff", "/network/?date={d7}"),
    ("network peak planning · staff", "staff", "/network/peak/"),
    ("network API · DSP rows", "staff", "/api/v1/network/dsps/"),
    ("network API · coverage", "staff", "/api/v1/network/coverage/"),
    ("network API · peak plan", "staff", "/api/v1/network/peak-plan/"),
]
MACHINE = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _users(dsp: Dsp) -> dict:
    members = Membership.objects.select_related("user").filter(is_active=True)
    return {
        "owner": members.filter(dsp=dsp, role=Role.OWNER).first(),
        "dispatcher": members.filter(dsp=dsp, role=Role.DISPATCHER).first(),
        "staff": members.filter(role=Role.PROGRAM_STAFF).first(),
    }


def _render(client: Client, url: str) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries.captured_queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--station", default="DDA1")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="run only pages whose label contains this")
    args = parser.parse_args()
    if "postgres" not in settings.DATABASES["default"]["ENGINE"]:
        sys.exit("dashboards_bench: set DATABASE_URL (PostgreSQL filled by generate_history).")
    station = Station.objects.get(code=args.station)
    dsp = Dsp.objects.filter(station=station).annotate(n=Count("routes")).order_by("-n").first()
    today = station.today()
    fill = {
        "dsp": dsp.pk,
        "today": today.isoformat(),
        **{f"d{n}": (today - dt.timedelta(days=n)).isoformat() for n in (7, 28, 91)},
    }
    routes = Route.objects.filter(station=station)
    print(
        f"{station.code}: {routes.count():,} routes over "
        f"{routes.values('service_date').distinct().count()} days, "
        f"{DeliveryEvent.objects.filter(route__station=station).count():,} delivery events; "
        f"busiest DSP {dsp.name}. {MACHINE}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC."
    )
    clients = {}
    for role, member in _users(dsp).items():
        if member:
            clients[role] = Client()
            clients[role].force_login(member.user)
            clients[role].get("/")  # import and template warm-up, so "first" is the data's
    print(f"{'page':<40} {'first ms':>9} {'median ms':>10} {'worst ms':>9} {'queries':>8}  ")
    failed = False
    for label, role, template in PAGES:
        if args.only and args.only not in label:
            continue
        if role not in clients:
            print(f"{label:<40} no {role} to sign in as")
            continue
        url = template.format(**fill)
        first, _, status = _render(clients[role], url)
        times, queries = [], 0
        for _ in range(args.runs):
            elapsed, queries, status = _render(clients[role], url)
            times.append(elapsed)
        median = statistics.median(times)
        verdict = "ok" if status == 200 and median < TARGET_MS else "SLOW"
        if status != 200:
            verdict = f"HTTP {status}"
        failed |= verdict != "ok"
        print(
            f"{label:<40} {first:>9.0f} {median:>10.0f} {max(times):>9.0f} {queries:>8}  {verdict}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
