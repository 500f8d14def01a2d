"""Run a data migration in a test: rows written in the old schema, then migrated forward."""

from collections.abc import Callable

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_forward(before: list, after: list, fill: Callable) -> None:
    """Migrate back to `before`, call `fill(old_apps)` to write rows there, migrate to `after`,
    and leave the database at the latest migrations whatever happens."""
    # No pending FK checks before any ALTER TABLE, backwards or forwards: rows the test wrote
    # before (and `fill` writes) are checked at once for the rest of the transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        fill(executor.loader.project_state(before).apps)
        MigrationExecutor(connection).migrate(after)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
