"""Celery tasks of routes: ids in, one service call. Importing this package registers them all:
Celery's autodiscovery imports the package."""

from . import day, planning, retention, rounds  # noqa: F401
