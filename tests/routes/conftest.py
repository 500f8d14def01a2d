"""Extra workers for the planning tests that kill one mid-solve."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid

import pytest

from nextmile.celery import app
from tests.conftest import artifact_log, start_worker

# One private queue per test: a message a killed worker never acknowledged is restored by
# Redis to its queue later, possibly during a later test (or session, whose run ids start
# again at 1). With a fresh queue name nobody ever consumes such a stale message.
QUEUE_PREFIX = "optimize-redelivery-test"


class Workers:
    """Start workers on a private queue (so the session worker never takes their tasks)."""

    def __init__(self, database):
        self.database = database
        self.queue = f"{QUEUE_PREFIX}-{uuid.uuid4().hex[:12]}"
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str) -> subprocess.Popen:
        proc = start_worker(
            queues=self.queue,
            log_name=f"worker-{name}",
            database=self.database,
            app="tests.routes.celery_short_visibility",
            extra=("-n", f"{name}@%h"),
            start_new_session=True,  # its own process group: SIGKILL takes parent and child
        )
        self.procs.append(proc)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def succeeded(self, name: str) -> int:
        """How many tasks the worker `name` has finished, from its log."""
        return artifact_log(f"worker-{name}").read_text().count(" succeeded in ")

    def stop_all(self) -> None:
        # The test is over and its queue is purged next: nothing is left for a warm shutdown
        # to finish, and waiting for one costs seconds per test.
        for proc in self.procs:
            if proc.poll() is None:
                self.kill(proc)


@pytest.fixture
def private_workers(transactional_db):
    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("worker tests need CELERY_BROKER_URL=redis://… (make test sets it)")
    workers = Workers(connection.settings_dict)
    yield workers
    workers.stop_all()
    _purge(workers.queue)


def _purge(queue: str) -> None:
    """Drop what is left in a test's private queue."""

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
