"""Live-tracking tasks: ids in, one service call."""

from celery import shared_task
from django.db import OperationalError

__all__ = ["replan_job_run_task", "tracking_links_send_task"]


@shared_task(
    name="routes.replan_job_run",
    queue="optimize",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def replan_job_run_task(replan_job_id: int) -> None:
    from .disruptions import replan_job_run

    replan_job_run(job_id=replan_job_id)


@shared_task(
    name="routes.tracking_links_send",
    queue="default",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def tracking_links_send_task(route_id: int) -> None:
    from .tracking import tracking_links_send

    tracking_links_send(route_id=route_id)
