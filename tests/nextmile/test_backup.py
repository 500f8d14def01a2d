"""A dump of the database restores into a fresh database with the same rows."""

import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.drivers.factories import DriverFactory
from tests.fleet.factories import VehicleFactory

ROOT = Path(__file__).resolve().parent.parent.parent
TABLES = ["dsps_dsp", "dsps_user", "fleet_vehicle", "drivers_driver"]


def _url(name: str) -> str:
    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{port}/{name}"


def _admin(sql: str) -> None:
    conn = psycopg2.connect(_url("postgres"))
    conn.autocommit = True  # CREATE / DROP DATABASE refuse to run in a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def _counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        return counts


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database(tmp_path):
    # given: a few committed rows
    for _ in range(3):
        VehicleFactory()
    DriverFactory()
    source = _url(connection.settings_dict["NAME"])
    fresh = f"{connection.settings_dict['NAME']}_restore"
    _admin(f'DROP DATABASE IF EXISTS "{fresh}"')
    _admin(f'CREATE DATABASE "{fresh}"')
    dump = tmp_path / "nextmile.dump"
    try:
        # when
        subprocess.run(
            [ROOT / "scripts/backup.sh", dump],
            env={"DATABASE_URL": source, "PATH": "/usr/bin:/bin"},
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [ROOT / "scripts/restore.sh", dump],
            env={"DATABASE_URL": _url(fresh), "PATH": "/usr/bin:/bin"},
            check=True,
            capture_output=True,
        )
        # then
        assert _counts(_url(fresh)) == _counts(source)
        assert _counts(source)["fleet_vehicle"] == 3
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{fresh}"')
