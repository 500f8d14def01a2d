"""Shared fixtures: loopback-only sockets, people in each role, a real Celery worker, Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from nextmile.celery import app as celery_app
from tests.dsps.factories import MembershipFactory, StaffFactory

# Playwright's sync API runs an event loop in the test thread; the ORM is used beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}
# Under pytest-xdist each test process has its own database, broker and worker logs.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def artifact_log(name: str) -> Path:
    """The log file `name` under test-artifacts/, one per test process."""
    suffix = f"-{XDIST_WORKER}" if XDIST_WORKER else ""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    return ROOT / "test-artifacts" / f"{name}{suffix}.log"


# --- Tests never reach outside 127.0.0.1 ----------------------------------------------------

_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host not in LOOPBACK and not str(host).startswith("127."):
            raise OSError(f"Tests may not connect outside 127.0.0.1 (tried {host}).")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect


# --- Two phases: most tests in parallel, real-worker tests one at a time ---------------------

WORKER_FIXTURES = {"celery_worker_process", "private_workers", "private_queue", "beat_worker"}


def pytest_collection_modifyitems(config, items):
    """A test that needs a real Celery worker is marked `worker`, whoever wrote it.

    `make test` runs the rest in parallel processes, then these one at a time: they time
    worker processes (kills, redeliveries, rounds) and would starve beside a busy neighbour.
    """
    for item in items:
        if WORKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.worker)
        if item.get_closest_marker("alone"):  # timed by the browser, starved by a neighbour
            item.add_marker(pytest.mark.worker)


def pytest_configure(config):
    # The artifacts folder is emptied once per run, by the main process: pytest-playwright
    # would empty it in each test process, deleting a neighbour's worker logs, and so would a
    # pytest that a test starts (the outbox bench), which inherits this variable.
    if hasattr(config, "workerinput") or XDIST_WORKER or os.environ.get("NEXTMILE_TEST_RUN"):
        return
    os.environ["NEXTMILE_TEST_RUN"] = "1"
    shutil.rmtree(config.getoption("--output", "test-artifacts"), ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir():
    """Overrides pytest-playwright's fixture of that name (see `pytest_configure`)."""


# --- Browser -------------------------------------------------------------------------------

# Pages answer slower with the suite's other process busy beside them.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def phone(browser):
    """A 390×844 touch phone, as drivers use the app."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


# --- People --------------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return StaffFactory().user


@pytest.fixture
def owner(db):
    return MembershipFactory(role=Role.OWNER).user


# --- A real Celery worker ------------------------------------------------------------------


def _database_url(settings_dict) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def worker_env(*, database, **overrides: str) -> dict:
    """The environment of a worker process: the test settings, database and broker."""
    from django.conf import settings

    # The worker gets its test process's broker as it is: it must not shift it again.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "nextmile.settings.test",
        "DATABASE_URL": _database_url(database),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **overrides,
    }


def start_worker(
    *,
    queues: str,
    log_name: str,
    database,
    env: dict | None = None,
    app: str = "nextmile",
    extra: tuple = (),
    **popen,
) -> subprocess.Popen:
    """A real Celery worker process (prefork, one child) consuming `queues`.

    Its output goes to test-artifacts/<log_name>.log; `env` adds to `worker_env`, `extra` to
    the command line (a node name, an embedded beat), `popen` to subprocess.Popen.
    """
    command = [sys.executable, "-m", "celery", "-A", app, "worker", "-Q", queues, *extra]
    command += ["--concurrency=1", "--pool=prefork", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    # The child keeps its own copy of the log file open.
    with open(artifact_log(log_name), "w") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker_env(database=database, **(env or {})),
            stdout=log,
            stderr=subprocess.STDOUT,
            **popen,
        )


def stop_worker(proc: subprocess.Popen) -> None:
    """Ask a worker to finish warmly; kill it if it takes more than 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real worker process (prefork, one child) on the test database and the real broker."""
    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("worker tests need CELERY_BROKER_URL=redis://… (make test sets it)")
    proc = start_worker(
        queues="default,optimize",
        log_name="worker",
        database=connection.settings_dict,
    )
    _wait_for_worker(proc)
    yield proc
    stop_worker(proc)


def _wait_for_worker(proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"The Celery worker exited at start; see {artifact_log('worker')}")
        if celery_app.control.ping(timeout=0.5):
            return
    raise RuntimeError("The Celery worker did not answer within a minute.")


def wait_until(predicate, timeout: float = 30, interval: float = 0.2):
    """Poll `predicate` until it returns something truthy (used with real workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s.")
