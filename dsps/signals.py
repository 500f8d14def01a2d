"""What dsps tells the apps above it, after commit: a territory changed hands or shape.

Dsps imports no higher app; routes connects a receiver in its `AppConfig.ready` to cover the
open days' stops again (the network's coverage follows the territories).
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Receivers get `station_id`.
territory_changed = Signal()


def territory_changed_send(*, station_id: int) -> None:
    """Tell the receivers once the transaction that changed the territory commits."""
    transaction.on_commit(
        lambda: territory_changed.send(sender="dsps", station_id=station_id), robust=False
    )
