"""Thin Celery wrappers: ids in, one service call."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="routes.manifest_summarise",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def manifest_summarise_task(manifest_id: int) -> None:
    from .services import manifest_summarise  # services import this module; avoid the cycle

    manifest_summarise(manifest_id=manifest_id)
