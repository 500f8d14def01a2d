"""A synthetic station day planned end to end: CSV import, allocation, plan job, real workers.

Clustered stops around a station, time windows on some, split across several DSP territories
(vertical strips), vans sized for 150–250 stops a route. The day goes through the same
services as the app: `manifest_import` (one transaction), then a station-wide `plan_job_start`
whose per-DSP solves run in separate Celery worker processes on the `optimize` queue.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… \\
        python bench/plan_job_bench.py --stops 2000 --time-limit 60 --workers 2

Needs PostgreSQL and Redis (the embedded SQLite / filesystem defaults are too slow to say
anything). Reports wall time of import and plan, routes, dropped stops, and the peak resident
memory of the worker processes; a JSON line goes to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import platform
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextmile.settings.dev")

import django  # noqa: E402

django.setup()

import factory.django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from drivers.models import (  # noqa: E402
    Audience,
    Driver,
    TrainingCompletion,
    WeeklyAvailability,
)
from drivers.selectors import required_modules  # noqa: E402
from dsps.models import (  # noqa: E402
    Dsp,
    DspApplication,
    Membership,
    Role,
    Station,
    Territory,
    TerritoryHolding,
    User,
)
from dsps.onboarding import onboarding_complete  # noqa: E402
from fleet.models import Inspection, InspectionItem, InsurancePolicy, Lease, Vehicle  # noqa: E402
from routes.models import Manifest, Package, PlanJob, PlanRun, Route, Stop  # noqa: E402
from routes.planning.jobs import manifest_import, plan_job_start  # noqa: E402

# The onboarding checklist's rows, built as the app's own tests build them.
from tests.drivers import factories as drivers_f  # noqa: E402
from tests.drivers.factories import CompletionFactory, trained  # noqa: E402
from tests.dsps import factories as dsps_f  # noqa: E402
from tests.dsps.factories import DspApplicationFactory, MembershipFactory  # noqa: E402
from tests.fleet import factories as fleet_f  # noqa: E402
from tests.fleet.factories import ready_vehicle  # noqa: E402
from tests.routes.factories import ready_driver  # noqa: E402

CODE = "BENCH"
LAT0, LON0 = 32.7898, -96.8284
CELERY = [
    *(sys.executable, "-m", "celery", "-A", "nextmile", "worker", "-Q", "default,optimize"),
    *("--concurrency=1", "--loglevel=WARNING"),
    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
]
# What onboarding adds to a DSP, children before parents.
ONBOARDING_MODELS = [
    TrainingCompletion,
    WeeklyAvailability,
    InspectionItem,
    Inspection,
    Lease,
    InsurancePolicy,
    Vehicle,
    Driver,
    DspApplication,
    TerritoryHolding,
]
HEADER = "tracking_id,recipient_name,address,latitude,longitude,window_start,window_end,size\n"


def clear() -> None:
    station = Station.objects.filter(code=CODE).first()
    if station is None:
        return
    Route.objects.filter(station=station).delete()
    PlanJob.objects.filter(station=station).delete()
    for manifest in Manifest.objects.filter(station=station):
        Package.objects.filter(manifest=manifest).delete()
        Stop.objects.filter(manifest=manifest).delete()
        manifest.delete()
    dsps = Dsp.objects.filter(station=station)
    Territory.objects.filter(station=station).delete()
    Membership.objects.filter(dsp__in=dsps).delete()
    PlanRun.objects.filter(dsp__in=dsps).delete()
    for model in ONBOARDING_MODELS:
        model.objects.filter(**{f"{model.TENANT_PATH}__in": dsps}).delete()
    dsps.delete()
    station.delete()


def world(stops: int, dsps: int) -> tuple[Station, User]:
    station = Station.objects.create(
        code=CODE,
        name="Bench station",
        address="Bench",
        latitude=f"{LAT0:.6f}",
        longitude=f"{LON0:.6f}",
    )
    staff, _ = User.objects.get_or_create(email="bench-staff@nextmile.example")
    Membership.objects.get_or_create(user=staff, defaults={"role": Role.PROGRAM_STAFF})
    west, east = LON0 - 0.25, LON0 + 0.25
    width = (east - west) / dsps
    for k in range(dsps):
        dsp = Dsp.objects.create(
            name=f"Bench DSP {k + 1}", code=f"bench-{k + 1}", station=station, status="active"
        )
        left, right = west + k * width, west + (k + 1) * width
        ring = [[left, LAT0 - 0.25], [right, LAT0 - 0.25], [right, LAT0 + 0.25]]
        ring += [[left, LAT0 + 0.25], [left, LAT0 - 0.25]]
        Territory.objects.create(
            station=station,
            code=f"B-{k + 1}",
            name=f"Strip {k + 1}",
            boundary={"type": "Polygon", "coordinates": [ring]},
            dsp=dsp,
        )
    return station, staff


def fleet(station: Station) -> None:
    """Onboard each DSP as the app requires, then vans and drivers: one route per 180 stops.

    Onboarding is the real checklist (`dsps.onboarding`): verified documents (an approved
    application), an owner with every required owner module passed, leased, insured and
    inspected vans, and licensed, trained drivers available that day. The test factories
    build those rows, so the bench follows the checklist wherever it goes.
    """
    # Factory sequences start at 0 in every process; start this run's past any earlier run's
    # rows (emails, VINs, licence numbers are unique across the whole database).
    offset = int(time.time() * 1000) % 10**9
    for module in (dsps_f, fleet_f, drivers_f):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
                value.reset_sequence(offset, force=True)
    driver_modules = required_modules(audience=Audience.DRIVER)
    for dsp in Dsp.objects.filter(station=station).order_by("code"):
        routes = math.ceil(Stop.objects.filter(dsp=dsp).count() / 180) + 2
        DspApplicationFactory(dsp=dsp, approved=True)
        owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
        for module in required_modules(audience=Audience.OWNER):
            CompletionFactory(driver=None, user=owner, dsp=dsp, module=module)
        for _ in range(routes):
            ready_vehicle(dsp, package_capacity=300)
            trained(ready_driver(dsp), *driver_modules)
        if not onboarding_complete(dsp):
            raise RuntimeError(f"{dsp.name} is not onboarded; see dsps/onboarding.py.")


def manifest_csv(stops: int, seed: int = 7) -> bytes:
    """`stops` packages in clusters around the station, a quarter with a three-hour window."""
    rng = random.Random(seed)
    centres = [(LAT0 + rng.uniform(-0.2, 0.2), LON0 + rng.uniform(-0.22, 0.22)) for _ in range(12)]
    out = io.StringIO()
    out.write(HEADER)
    for n in range(stops):
        lat, lon = rng.choice(centres)
        lat += rng.gauss(0, 0.02)
        lon += rng.gauss(0, 0.024)
        lon = min(max(lon, LON0 - 0.249), LON0 + 0.249)
        lat = min(max(lat, LAT0 - 0.249), LAT0 + 0.249)
        window = ("", "")
        if rng.random() < 0.25:
            start = rng.choice([9, 12, 15])
            window = (f"{start:02d}:00", f"{start + 3:02d}:00")
        out.write(f"BN{n:07d},R {n},{n} Bench St,{lat:.6f},{lon:.6f},{window[0]},{window[1]},1\n")
    return out.getvalue().encode()


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split()
            for child in children:
                out.extend(tree(int(child)))
    except OSError:
        pass
    return out


MACHINE = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def stop_workers(workers: list[subprocess.Popen], grace_s: float = 30) -> None:
    """Ask each worker for a warm shutdown; kill the group of one that is still busy after grace_s.

    A worker finishing a long solve can outlive the grace period; waiting on it used to end the
    bench with a traceback after the figures were taken.
    """
    for w in workers:
        w.terminate()
    deadline = time.monotonic() + grace_s
    for w in workers:
        try:
            w.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(w.pid, signal.SIGKILL)
            w.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=2000)
    parser.add_argument("--dsps", type=int, default=4)
    parser.add_argument("--time-limit", type=int, default=60, help="seconds per DSP solve")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (1 child each)")
    args = parser.parse_args()
    if (
        not settings.CELERY_BROKER_URL.startswith("redis://")
        or "postgres" not in (settings.DATABASES["default"]["ENGINE"])
    ):
        print("plan_job_bench: set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).")
        return
    call_command("migrate", verbosity=0)
    clear()
    station, staff = world(args.stops, args.dsps)
    data = manifest_csv(args.stops)
    upload = SimpleUploadedFile("bench.csv", data, content_type="text/csv")
    day = station.today() + dt.timedelta(days=1)
    started = time.perf_counter()
    result = manifest_import(user=staff, upload=upload, service_date=day, station=station)
    import_s = time.perf_counter() - started
    fleet(station)

    # A plan run counts on as many group solvers as there are worker processes.
    env = {**os.environ, "ROUTES_OPTIMIZE_WORKERS": str(args.workers)}
    workers = [
        subprocess.Popen(
            [*CELERY, "-n", f"bench{k}@%h"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so that stop_workers reaches children
        )
        for k in range(args.workers)
    ]
    try:
        time.sleep(4)
        started = time.perf_counter()
        with transaction.atomic():
            job = plan_job_start(
                user=staff, service_date=day, time_limit_s=args.time_limit, station=station
            )
        peak_kb = 0
        while True:
            job.refresh_from_db()
            pids = [p for w in workers for p in tree(w.pid)]
            peak_kb = max(peak_kb, max((rss_kb(p) for p in pids), default=0))
            if not job.is_active:
                break
            time.sleep(0.5)
        plan_s = time.perf_counter() - started
    finally:
        stop_workers(workers)
    runs = list(PlanRun.objects.filter(job=job).select_related("dsp"))
    record = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": MACHINE,
        "stops": args.stops,
        "dsps": args.dsps,
        "workers": args.workers,
        "time_limit_s": args.time_limit,
        "import_s": round(import_s, 1),
        "plan_s": round(plan_s, 1),
        "status": job.status,
        "routes": job.summary.get("routes"),
        "routed": job.summary.get("stops"),
        "dropped": job.summary.get("dropped"),
        "uncovered": result.uncovered,
        "km": job.summary.get("km"),
        "peak_worker_process_rss_mb": round(peak_kb / 1024),
        "runs": [
            {
                "dsp": r.dsp.code,
                "status": r.status,
                "engine": r.summary.get("engine"),
                **{k: r.summary.get(k) for k in ("routes", "stops", "dropped", "km")},
                "started": r.started_at.isoformat() if r.started_at else None,
                "finished": r.finished_at.isoformat() if r.finished_at else None,
            }
            for r in runs
        ],
        "error": job.error,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "plan_job.jsonl", "a") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
