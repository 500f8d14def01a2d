"""Every write to manifests, packages and routes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from .models import Manifest


def manifest_summarise(*, manifest_id: int) -> Manifest:
    """Recount a manifest's packages and volume (run by a worker after an import). Idempotent."""
    with transaction.atomic():
        manifest = Manifest.objects.select_for_update().get(id=manifest_id)
        totals = manifest.packages.aggregate(n=Count("id"), volume=Sum("size"))
        manifest.package_count = totals["n"]
        manifest.total_volume = totals["volume"] or 0
        manifest.summarised_at = timezone.now()
        manifest.save(
            update_fields=["package_count", "total_volume", "summarised_at", "updated_at"]
        )
    return manifest


def manifest_summarise_later(*, manifest: Manifest) -> None:
    """Queue the summary for after the surrounding transaction commits."""
    from .tasks import manifest_summarise_task

    transaction.on_commit(lambda: manifest_summarise_task.delay(manifest.id))
