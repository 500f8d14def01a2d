"""A 50,000-row manifest CSV through the import: wall time and peak memory of the process.

The file is written to disk first and handed to the import as an open file, as Django does
with uploads above FILE_UPLOAD_MAX_MEMORY_SIZE, so the figure shows what the import itself
holds (the rows are streamed twice; one small record per stop stays in memory).

    DATABASE_URL=postgres://… python bench/manifest_import_bench.py --rows 50000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextmile.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from plan_job_bench import clear, manifest_csv, world  # noqa: E402

from routes.models import Package  # noqa: E402
from routes.planning.jobs import manifest_import  # noqa: E402

MACHINE = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    from django.conf import settings

    if "postgres" not in settings.DATABASES["default"]["ENGINE"]:
        print("manifest_import_bench: set DATABASE_URL (PostgreSQL).")
        return
    call_command("migrate", verbosity=0)
    clear()
    station, staff = world(args.rows, 4)
    data = manifest_csv(args.rows)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        tmp.write(data)
        tmp.flush()
        file_mb = round(len(data) / 1e6, 1)
        del data
        with open(tmp.name, "rb") as raw:
            upload = File(raw, name="bench.csv")
            started = time.perf_counter()
            result = manifest_import(
                user=staff,
                upload=upload,
                service_date=station.today() + dt.timedelta(days=1),
                station=station,
            )
            took = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": MACHINE,
        "rows": args.rows,
        "file_mb": file_mb,
        "seconds": round(took, 1),
        "packages_written": Package.objects.filter(manifest=result.manifest).count(),
        "stops": result.stops_created,
        "rss_before_mb": round(before_kb / 1024),
        "rss_peak_mb": round(peak_kb / 1024),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "manifest_import.jsonl", "a") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=1))
    clear()


if __name__ == "__main__":
    main()
