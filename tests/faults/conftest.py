"""A private Redis (that a test may stop and start) and a real worker on it.

Other engineers and the session worker keep the shared Redis; these tests start their own
redis-server on a free loopback port, point a worker and this process's Celery app at it, and
stop it to simulate an outage.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from nextmile.celery import app
from tests.conftest import start_worker, stop_worker, wait_until


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, interval=0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def _point_celery_at(url: str) -> None:
    """Send this process's tasks to `url` from now on (drop pooled connections to the old one)."""

    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
    # Kombu keeps one pool per broker URL process-wide: forget ours, never close it, so the
    # shared broker's pool still works when the tests point back at it.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def private_queue(django_db_setup, django_db_blocker):
    """A private Redis plus one worker on it; this process publishes there meanwhile."""
    from django.conf import settings
    from django.db import connection

    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server on the PATH")
    redis = PrivateRedis()
    redis.start()
    previous = app.conf.broker_url
    _point_celery_at(redis.url)
    worker = start_worker(
        queues="default,optimize",
        log_name="worker-faults",
        database=connection.settings_dict,
        env={"CELERY_BROKER_URL": redis.url},
        extra=("-n", "faults@%h"),
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        assert worker.poll() is None, "the faults worker exited; see test-artifacts"
        assert time.monotonic() < deadline, "the faults worker did not answer within a minute"
    settings_url = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = redis.url
    yield redis
    settings.CELERY_BROKER_URL = settings_url
    stop_worker(worker)
    if redis.proc is not None:
        redis.stop()
    _point_celery_at(previous)
