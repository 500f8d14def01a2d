"""The embedded SQLite default takes writes from a worker process and the web at once."""

import multiprocessing
import sqlite3

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

WRITES = 150


def _connection(path):
    return DatabaseWrapper(
        {
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": settings.SQLITE_OPTIONS,
            "TEST": {},
        },
        alias=f"sqlite-{path.name}",
    )


def _write(path, who):
    connection = _connection(path)
    for n in range(WRITES):
        with _atomic(connection), connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM event")
            cursor.execute("INSERT INTO event (who, n) VALUES (%s, %s)", [who, n])
    connection.close()


class _atomic:
    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.connection.ensure_connection()
        self.connection.set_autocommit(False)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.connection.commit()
        else:
            self.connection.rollback()
        self.connection.set_autocommit(True)


def test_a_worker_and_the_web_write_at_once(tmp_path, django_db_blocker):
    # given: a fresh database file opened with the project's SQLite options
    path = tmp_path / "nextmile.sqlite3"
    with django_db_blocker.unblock():
        first = _connection(path)
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE event (who TEXT, n INTEGER)")
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        first.close()
        # when: a worker process and this (web) process write interleaved transactions
        ctx = multiprocessing.get_context("spawn")
        worker = ctx.Process(target=_write, args=(path, "worker"))
        worker.start()
        _write(path, "web")
        worker.join(60)
    # then: no write was lost to "database is locked"
    assert worker.exitcode == 0
    rows = sqlite3.connect(path).execute("SELECT who, COUNT(*) FROM event GROUP BY who").fetchall()
    assert sorted(rows) == [("web", WRITES), ("worker", WRITES)]
