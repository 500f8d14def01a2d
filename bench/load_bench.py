"""Load: 200 drivers on the road and dispatchers watching, against gunicorn and PostgreSQL.

One command builds everything it needs (`make bench-load` runs the first line):

    python bench/load_bench.py                       # 200 drivers, 60 s, time 10x faster
    python bench/load_bench.py --duration 120 --time-factor 20 --workers 3 --threads 4

1. (Re)creates the database `--database-url` (default nextmile_loadbench; dropped first)
   and migrates it.
2. Seeds one station day: `--dsps` DSPs sharing `--drivers` drivers, each driver clocked in
   on a route in progress of about `--stops` stops (one to three packages per stop, as a
   merged manifest gives), one dispatcher per DSP, and a signed-in session for every one of
   them (sessions are written straight to the session store: signing in through the page
   would measure the password hasher and trip the sign-in rate limit).
3. Collects static files and starts the app under gunicorn on 127.0.0.1 with the production
   settings (DEBUG off), configured through the environment only.
4. For `--duration` seconds every driver, on its own thread, does what the phone does,
   with time compressed by `--time-factor`: a location ping every 30 s (`POST
   /api/v1/pings/`), a delivery event for each package of the next stop every 144 s
   (`POST /api/v1/day/events/`, multipart with an idempotency key; 10 % failed with a
   reason; 5 % of events are sent twice, as a phone that lost the answer does: the resend
   must come back 200 with the first event), and a reload of its route page every 300 s
   (`GET /routes/my-day/`). Each dispatcher polls the live board data (`GET
   /routes/live/data/`) every 5 s, as the page does (not compressed).
5. Prints, per endpoint: requests, throughput, p50 / p95 / p99 latency and errors (any
   status other than the expected one, or an exception), and writes the same as JSON to
   `bench/results/load-<timestamp>.json`.

The load generator runs on the same machine as the app and PostgreSQL: on 2 cores its own
threads take a share of the CPU the figures are measured with.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import signal
import statistics
import string
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://nextmile:nextmile@127.0.0.1:5432/nextmile_loadbench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
STATION = {"lat": Decimal("32.789800"), "lon": Decimal("-96.828400")}

# Endpoint → the status codes that count as success.
EXPECTED = {
    "ping": {201},
    "event": {201},
    "event resend": {200},
    "driver day page": {200},
    "live board data": {200},
}


# --- Database and app -----------------------------------------------------------------------


def app_env(args) -> dict:
    """The app's settings, from the environment only (production settings, DEBUG off)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nextmile.settings.production",
        "SECRET_KEY": args.secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "CELERY_BROKER_URL": args.redis_url,
        "CACHE_URL": args.redis_url,
        "SECURE_SSL_REDIRECT": "False",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
    }


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def seed(*, drivers: int, dsps: int, stops: int, seed_no: int) -> dict:
    """One station day with every driver clocked in on a route in progress (bulk writes)."""
    # Django is set up only by `setup_django`, after the command line names the database, so
    # Django's and the project's modules are imported here, not at the top.
    from datetime import date

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    # Models load only after django.setup(), which `setup_django` has run.
    from drivers.models import Driver
    from dsps.models import Dsp, Membership, Role, Station, User
    from fleet.models import Vehicle
    from routes.models import Manifest, Package, Route, RouteStop, ShiftPunch, Stop

    rng = random.Random(seed_no)
    station = Station.objects.create(
        code="BNCH1",
        name="Bench Station",
        address="1 Bench Way, Dallas, TX",
        latitude=STATION["lat"],
        longitude=STATION["lon"],
        timezone="America/Chicago",
    )
    day = station.today()
    now = timezone.now()
    dsp_rows = Dsp.objects.bulk_create(
        Dsp(
            name=f"Bench DSP {d + 1}",
            code=f"bench-{d + 1}",
            station=station,
            status=Dsp.Status.ACTIVE,
            activated_at=now,
        )
        for d in range(dsps)
    )
    users = User.objects.bulk_create(
        [User(email=f"driver{n:03d}@bench.example", password="!") for n in range(drivers)]
        + [User(email=f"dispatch{d}@bench.example", password="!") for d in range(dsps)]
    )
    driver_users, dispatch_users = users[:drivers], users[drivers:]
    Membership.objects.bulk_create(
        [
            Membership(user=u, dsp=dsp_rows[n % dsps], role=Role.DRIVER)
            for n, u in enumerate(driver_users)
        ]
        + [
            Membership(user=u, dsp=dsp_rows[d], role=Role.DISPATCHER)
            for d, u in enumerate(dispatch_users)
        ]
    )
    profiles = Driver.objects.bulk_create(
        Driver(
            dsp=dsp_rows[n % dsps],
            user=u,
            first_name="Driver",
            last_name=f"{n:03d}",
            licence_number=f"BL{n:06d}",
            licence_expires_on=date(day.year + 2, 1, 1),
            hired_on=day - timedelta(days=200),
        )
        for n, u in enumerate(driver_users)
    )
    vans = Vehicle.objects.bulk_create(
        Vehicle(
            dsp=dsp_rows[n % dsps],
            plate=f"BN-{n:04d}",
            vin=f"BENCHVIN{n:09d}",
            package_capacity=400,
            odometer_km=10_000 + n,
        )
        for n in range(drivers)
    )
    manifest = Manifest.objects.create(station=station, service_date=day, source="bench")
    # Everyone left the station 90 minutes ago; a stop every 144 s, 8 hours of work.
    departs = now - timedelta(minutes=90)
    gap = timedelta(seconds=144)
    routes = Route.objects.bulk_create(
        Route(
            dsp=dsp_rows[n % dsps],
            station=station,
            service_date=day,
            code=f"BN{n:03d}",
            driver=profiles[n],
            vehicle=vans[n],
            status=Route.Status.IN_PROGRESS,
            planned_stops=stops,
            departs_at=departs,
            returns_at=departs + gap * (stops + 10),
            distance_m=stops * 900,
        )
        for n in range(drivers)
    )
    ShiftPunch.objects.bulk_create(
        ShiftPunch(
            driver=profiles[n],
            route=r,
            kind=ShiftPunch.Kind.CLOCK_IN,
            at=departs - timedelta(minutes=20),
            odometer_km=vans[n].odometer_km,
            idempotency_key=f"bench-clock-in-{r.pk}",
        )
        for n, r in enumerate(routes)
    )
    stop_rows, centre = [], []
    for n, r in enumerate(routes):
        # Each route works its own neighbourhood within ~15 km of the station.
        angle = 2 * math.pi * n / drivers
        km = 4 + 11 * rng.random()
        lat0 = float(STATION["lat"]) + km / 111 * math.sin(angle)
        lon0 = float(STATION["lon"]) + km / 94 * math.cos(angle)
        centre.append((lat0, lon0))
        for s in range(stops):
            stop_rows.append(
                Stop(
                    manifest=manifest,
                    dsp_id=r.dsp_id,
                    address=f"{100 + s} Bench St {n:03d}, Dallas, TX",
                    latitude=Decimal(f"{lat0 + rng.gauss(0, 0.01):.6f}"),
                    longitude=Decimal(f"{lon0 + rng.gauss(0, 0.012):.6f}"),
                    package_count=1,
                    size=1,
                )
            )
    stop_rows = Stop.objects.bulk_create(stop_rows, batch_size=2000)
    route_stops, packages = [], []
    counter = 0
    for i, stop in enumerate(stop_rows):
        r = routes[i // stops]
        seq = i % stops + 1
        at = departs + gap * seq
        route_stops.append(
            RouteStop(route=r, stop=stop, sequence=seq, planned_arrival=at, planned_start=at)
        )
        for _ in range(rng.choice([1, 1, 1, 1, 1, 2, 3])):
            counter += 1
            packages.append(
                Package(
                    manifest=manifest,
                    dsp_id=r.dsp_id,
                    stop=stop,
                    tracking_id=f"BN{counter:08d}",
                    recipient_name="A. Recipient",
                    address=stop.address,
                    latitude=stop.latitude,
                    longitude=stop.longitude,
                )
            )
    RouteStop.objects.bulk_create(route_stops, batch_size=2000)
    Package.objects.bulk_create(packages, batch_size=2000)
    manifest.package_count = len(packages)
    manifest.save(update_fields=["package_count"])

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    by_stop: dict[int, list[str]] = defaultdict(list)
    for p in packages:
        by_stop[p.stop_id].append(p.tracking_id)
    plan = {"drivers": [], "dispatchers": [], "packages": len(packages)}
    for n, r in enumerate(routes):
        rs = stop_rows[n * stops : (n + 1) * stops]
        plan["drivers"].append(
            {
                "route": r.pk,
                "session": session_for(driver_users[n]),
                "centre": centre[n],
                "stops": [by_stop[s.pk] for s in rs],
            }
        )
    plan["dispatchers"] = [session_for(u) for u in dispatch_users]
    return plan


def collectstatic() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def start_gunicorn(args, env: dict) -> subprocess.Popen:
    log = open(ROOT / "bench" / "results" / "load-gunicorn.log", "w")  # noqa: SIM115
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "nextmile.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread" if args.threads > 1 else "sync",
        "--backlog",
        "2048",
        "--timeout",
        "60",
    ]
    if args.access_log:  # request line, status and server-side time in microseconds
        cmd += ["--access-logfile", "-", "--access-logformat", "%(r)s %(s)s %(D)s"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see bench/results/load-gunicorn.log")
        try:
            if requests.get(f"{base(args)}/healthz", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop_gunicorn(proc)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def base(args) -> str:
    return f"http://127.0.0.1:{args.port}"


# --- Simulated people -----------------------------------------------------------------------


class Recorder:
    """Latencies and failures per endpoint, kept per thread and merged at the end."""

    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, list[str]] = defaultdict(list)

    def call(self, name: str, send) -> object | None:
        started = time.perf_counter()
        try:
            response = send()
        except Exception as error:
            self.latency[name].append((time.perf_counter() - started) * 1000)
            self._error(name, f"{type(error).__name__}: {error}")
            return None
        self.latency[name].append((time.perf_counter() - started) * 1000)
        if response.status_code not in EXPECTED[name]:
            self._error(name, f"{response.status_code}: {response.text[:200]}")
        return response

    def _error(self, name: str, text: str) -> None:
        self.errors[name] += 1
        if len(self.samples[name]) < 5:
            self.samples[name].append(text)

    def merge(self, other: Recorder) -> None:
        for k, v in other.latency.items():
            self.latency[k] += v
        for k, v in other.errors.items():
            self.errors[k] += v
        for k, v in other.samples.items():
            self.samples[k] = (self.samples[k] + v)[:5]


def client(session_key: str):
    import requests

    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    s = requests.Session()
    # Production cookies are Secure; over plain HTTP on loopback send them by hand.
    s.headers["Cookie"] = f"sessionid={session_key}; csrftoken={csrf}"
    s.headers["X-CSRFToken"] = csrf
    s.headers["Accept"] = "application/json"
    # A new connection per request: reusing one the server is closing as idle would count
    # as a reset, which is the client's race, not the app's error.
    s.headers["Connection"] = "close"
    s.trust_env = False
    return s


def driver_loop(args, d: dict, stop_at: float, rec: Recorder, rng: random.Random) -> None:
    s = client(d["session"])
    url = base(args)
    scale = 1 / args.time_factor
    every = {
        "ping": args.ping_every * scale,
        "event": args.stop_every * scale,
        "page": args.page_every * scale,
    }
    due = {k: time.monotonic() + rng.uniform(0, v) for k, v in every.items()}
    next_stop = 0
    lat, lon = d["centre"]
    while True:
        kind = min(due, key=due.get)
        if due[kind] >= stop_at:
            return
        wait = due[kind] - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        # A phone's timer does not queue up missed turns: a late answer delays the next one.
        due[kind] = max(due[kind], time.monotonic()) + every[kind] * rng.uniform(0.8, 1.2)
        if kind == "ping":
            lat += rng.gauss(0, 0.0005)
            lon += rng.gauss(0, 0.0005)
            body = {
                "latitude": f"{lat:.6f}",
                "longitude": f"{lon:.6f}",
                "accuracy_m": rng.randint(3, 30),
                "recorded_at": datetime.now().astimezone().isoformat(),
            }
            rec.call("ping", lambda b=body: s.post(f"{url}/api/v1/pings/", json=b, timeout=30))
        elif kind == "page":
            rec.call("driver day page", lambda: s.get(f"{url}/routes/my-day/", timeout=30))
        elif next_stop < len(d["stops"]):
            for code in d["stops"][next_stop]:
                failed = rng.random() < 0.1
                fields = {
                    "route": str(d["route"]),
                    "code": code,
                    "kind": "failed" if failed else "delivered",
                    "idempotency_key": uuid.uuid4().hex,
                    "reason": "recipient_unavailable" if failed else "",
                    "delivered_to": "" if failed else "recipient",
                    "latitude": f"{lat:.6f}",
                    "longitude": f"{lon:.6f}",
                }
                multipart = {k: (None, v) for k, v in fields.items()}
                post = lambda m=multipart: s.post(  # noqa: E731
                    f"{url}/api/v1/day/events/", files=m, timeout=30
                )
                rec.call("event", post)
                if rng.random() < args.resend:
                    rec.call("event resend", post)
            next_stop += 1


def dispatcher_loop(args, session_key: str, stop_at: float, rec: Recorder, rng) -> None:
    s = client(session_key)
    url = f"{base(args)}/routes/live/data/"
    due = time.monotonic() + rng.uniform(0, args.board_every)
    while due < stop_at:
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        due = max(due, time.monotonic()) + args.board_every
        rec.call("live board data", lambda: s.get(url, timeout=30))


def warm_up(args, plan: dict) -> None:
    """A few requests of each kind, unrecorded, so every worker has imported and connected."""
    for d in plan["drivers"][: args.workers * args.threads]:
        s = client(d["session"])
        s.get(f"{base(args)}/routes/my-day/", timeout=30)
        s.post(
            f"{base(args)}/api/v1/pings/",
            json={"latitude": f"{d['centre'][0]:.6f}", "longitude": f"{d['centre'][1]:.6f}"},
            timeout=30,
        )
    for key in plan["dispatchers"]:
        client(key).get(f"{base(args)}/routes/live/data/", timeout=30)


def run_load(args, plan: dict) -> tuple[Recorder, float]:
    recorders = []
    threads = []
    started = time.monotonic()
    stop_at = started + args.duration
    for n, d in enumerate(plan["drivers"]):
        rec = Recorder()
        recorders.append(rec)
        t = threading.Thread(
            target=driver_loop, args=(args, d, stop_at, rec, random.Random(n)), daemon=True
        )
        threads.append(t)
    for n, key in enumerate(plan["dispatchers"]):
        rec = Recorder()
        recorders.append(rec)
        t = threading.Thread(
            target=dispatcher_loop,
            args=(args, key, stop_at, rec, random.Random(10_000 + n)),
            daemon=True,
        )
        threads.append(t)
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.duration + 120)
    elapsed = time.monotonic() - started
    total = Recorder()
    for rec in recorders:
        total.merge(rec)
    return total, elapsed


# --- Report ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def report(rec: Recorder, elapsed: float) -> list[dict]:
    rows = []
    for name in EXPECTED:
        lat = rec.latency.get(name, [])
        if not lat:
            continue
        rows.append(
            {
                "endpoint": name,
                "requests": len(lat),
                "per_s": round(len(lat) / elapsed, 1),
                "p50_ms": round(percentile(lat, 0.50), 1),
                "p95_ms": round(percentile(lat, 0.95), 1),
                "p99_ms": round(percentile(lat, 0.99), 1),
                "mean_ms": round(statistics.fmean(lat), 1),
                "max_ms": round(max(lat), 1),
                "errors": rec.errors.get(name, 0),
                "error_samples": rec.samples.get(name, []),
            }
        )
    every = [v for vs in rec.latency.values() for v in vs]
    rows.append(
        {
            "endpoint": "all",
            "requests": len(every),
            "per_s": round(len(every) / elapsed, 1),
            "p50_ms": round(percentile(every, 0.50), 1),
            "p95_ms": round(percentile(every, 0.95), 1),
            "p99_ms": round(percentile(every, 0.99), 1),
            "mean_ms": round(statistics.fmean(every), 1) if every else 0,
            "max_ms": round(max(every), 1) if every else 0,
            "errors": sum(rec.errors.values()),
            "error_samples": [],
        }
    )
    return rows


def table(rows: list[dict]) -> str:
    head = "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |"
    out = [head, "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        out.append(
            f"| {r['endpoint']} | {r['requests']} | {r['per_s']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['errors']} |"
        )
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DB, help="dropped and recreated")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="broker and cache")
    parser.add_argument("--drivers", type=int, default=200)
    parser.add_argument("--dsps", type=int, default=5)
    parser.add_argument("--stops", type=int, default=150, help="stops per route")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument(
        "--time-factor", type=float, default=10.0, help="simulated seconds per real second"
    )
    parser.add_argument("--ping-every", type=float, default=30.0, help="simulated seconds")
    parser.add_argument(
        "--stop-every", type=float, default=144.0, help="simulated seconds per stop"
    )
    parser.add_argument(
        "--page-every", type=float, default=300.0, help="simulated seconds per page reload"
    )
    parser.add_argument("--board-every", type=float, default=5.0, help="real seconds")
    parser.add_argument("--resend", type=float, default=0.05, help="share of events sent twice")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn process")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--access-log", action="store_true", help="log server-side times to load-gunicorn.log"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="JSON file (default bench/results/load-<time>.json)")
    args = parser.parse_args(argv)
    args.secret_key = secrets.token_urlsafe(48)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)

    env = app_env(args)
    t0 = time.monotonic()
    recreate_database(args.database_url)
    setup_django(env)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    plan = seed(drivers=args.drivers, dsps=args.dsps, stops=args.stops, seed_no=args.seed)
    collectstatic()
    connections.close_all()
    print(
        f"Seeded {args.drivers} routes × {args.stops} stops ({plan['packages']} packages), "
        f"{args.dsps} DSPs in {time.monotonic() - t0:.0f} s.",
        file=sys.stderr,
    )
    proc = start_gunicorn(args, env)
    try:
        warm_up(args, plan)
        load_before = os.getloadavg()
        rec, elapsed = run_load(args, plan)
    finally:
        stop_gunicorn(proc)
    rows = report(rec, elapsed)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_before,
        "load_average_at_end": os.getloadavg(),
        "config": {
            k: v for k, v in vars(args).items() if k not in ("secret_key", "database_url", "out")
        },
        "elapsed_s": round(elapsed, 1),
        "endpoints": rows,
    }
    out = (
        Path(args.out)
        if args.out
        else ROOT / "bench" / "results" / (f"load-{datetime.now(UTC):%Y%m%d-%H%M%S}.json")
    )
    out.write_text(json.dumps(result, indent=2))
    print(table(rows))
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(
        f"\n{elapsed:.0f} s of load; load average {load_before[0]:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs; JSON: {shown}"
    )
    for r in rows:
        for sample in r["error_samples"]:
            print(f"  {r['endpoint']} error: {sample}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
