"""Screenshots of the main pages, from the demo data, into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py            # all pages, desktop and phone
    .venv/bin/python scripts/screenshots.py --only route-desktop

Builds a throwaway SQLite database (`manage.py migrate` and `seed_demo`, as `make run` does),
serves it with `runserver` on 127.0.0.1 (no map tiles: nothing outside this machine is
asked for), signs in as each demo role in Debian's chromium and saves what the screen shows
at desktop (1366×900) and phone (390×844) width, as 256-colour PNGs to keep them small.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
ROLES = {
    "staff": "program staff",
    "owner": "DSP owner",
    "dispatcher": "dispatcher",
    "driver": "driver",
}
# name, role, path ({route}, {statement}, {scorecard} filled from the database), sizes
PAGES = [
    ("owner-home", "owner", "/", (DESKTOP, PHONE)),
    ("plan", "dispatcher", "/routes/plan/", (DESKTOP,)),
    ("route", "dispatcher", "/routes/{route}/", (DESKTOP, PHONE)),
    ("dispatch", "dispatcher", "/routes/board/", (DESKTOP, PHONE)),
    ("live-board", "dispatcher", "/routes/live/", (DESKTOP,)),
    ("driver-day", "driver", "/routes/my-day/", (PHONE,)),
    ("scorecard", "owner", "/billing/scorecards/{scorecard}/", (DESKTOP,)),
    ("statement", "owner", "/billing/statements/{statement}/", (DESKTOP,)),
    ("finances", "owner", "/billing/finances/", (DESKTOP, PHONE)),
    ("network", "staff", "/network/", (DESKTOP,)),
    ("applications", "staff", "/dsps/applications/", (DESKTOP,)),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(db: Path) -> dict:
    """`make run`'s settings (dev, SQLite, the filesystem broker), whatever this shell says."""
    kept = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "CACHE_URL"}}
    return {
        **kept,
        "DJANGO_SETTINGS_MODULE": "nextmile.settings.dev",
        "DATABASE_URL": f"sqlite:///{db}",
        "MAP_TILE_URL": "",
        "DEBUG": "True",
    }


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def ids(env: dict) -> dict:
    """The ids the paths need, read by the app's own shell (one process, no Django here)."""
    code = (
        "from routes.models import Route; from billing.models import Statement, Scorecard;"
        "r = Route.objects.filter(route_stops__isnull=False, status='assigned')"
        ".order_by('-service_date', 'code')"
        ".first(); print(r.pk, Statement.objects.order_by('-pk').first().pk,"
        " Scorecard.objects.order_by('-pk').first().pk)"
    )
    route, statement, scorecard = manage(env, "shell", "-c", code).split()[-3:]
    return {"route": route, "statement": statement, "scorecard": scorecard}


def wait_up(base: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # 127.0.0.1 only
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("runserver did not start")


def save_small(png: bytes, path: Path) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def sign_ins(seed_output: str) -> dict[str, tuple[str, str]]:
    """Email and password by role label, from the lines `seed_demo` prints."""
    found = {}
    for line in seed_output.splitlines():
        words = line.split()
        emails = [w for w in words if "@" in w]
        if len(emails) == 1 and words[-1] != emails[0]:
            label = " ".join(words[: words.index(emails[0])])
            found.setdefault(label, (emails[0], words[-1]))
    return found


def shoot(base: str, filled: dict, logins: dict, only: str | None) -> list[Path]:
    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium")
        )
        for role, label in ROLES.items():
            pages = [p for p in PAGES if p[1] == role]
            for size in (DESKTOP, PHONE):
                todo = [(n, path) for n, _r, path, sizes in pages if size in sizes]
                todo = [(n, p) for n, p in todo if not only or only == f"{n}-{kind(size)}"]
                if not todo:
                    continue
                context = browser.new_context(viewport=size, device_scale_factor=1)
                page = context.new_page()
                sign_in(page, base, *logins[label])
                for name, path in todo:
                    page.goto(base + path.format(**filled), wait_until="networkidle")
                    target = OUT / f"{name}-{kind(size)}.png"
                    save_small(page.screenshot(), target)
                    saved.append(target)
                context.close()
        browser.close()
    return saved


def kind(size: dict) -> str:
    return "phone" if size is PHONE else "desktop"


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="one shot, e.g. route-desktop")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nm-shots-") as tmp:
        env = app_env(Path(tmp) / "db.sqlite3")
        manage(env, "migrate", "--no-input", "-v0")
        logins = sign_ins(manage(env, "seed_demo"))
        filled = ids(env)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_up(f"http://127.0.0.1:{port}")
            saved = shoot(f"http://127.0.0.1:{port}", filled, logins, args.only)
        finally:
            server.terminate()
            server.wait()
    total = sum(p.stat().st_size for p in saved)
    print(f"{len(saved)} screenshots, {total / 1024:.0f} KiB, in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
