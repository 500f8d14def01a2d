"""Retention: location pings are kept `LOCATION_PING_RETENTION_DAYS` days, then deleted.

Celery beat runs `routes.prune_location_pings` nightly (`CELERY_BEAT_SCHEDULE` in settings).
Deleting in batches keeps each transaction short while drivers keep sending pings.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nextmile.tasks import IDEMPOTENT_TASK
from routes.models import LocationPing

log = logging.getLogger(__name__)
BATCH = 10_000
DEFAULT_RETENTION_DAYS = 30


def location_ping_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete pings recorded before the retention window; return how many went."""
    days = int(getattr(settings, "LOCATION_PING_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = LocationPing.objects.filter(recorded_at__lt=cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            deleted += LocationPing.objects.filter(pk__in=ids).delete()[0]
    log.info("Pruned %s location pings recorded before %s", deleted, cutoff.isoformat())
    return deleted


@shared_task(
    name="routes.prune_location_pings",
    queue="default",
    **IDEMPOTENT_TASK,
)
def location_ping_prune_task() -> int:
    return location_ping_prune()
