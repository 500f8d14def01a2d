"""Day-of-delivery tasks (re-plans and tracking links): ids in, one service call."""

from celery import shared_task

from nextmile.tasks import IDEMPOTENT_TASK
from routes.day.tracking import tracking_links_send
from routes.replan.disruptions import replan_job_run


@shared_task(
    name="routes.replan_job_run",
    queue="optimize",
    reject_on_worker_lost=True,
    **IDEMPOTENT_TASK,
)
def replan_job_run_task(replan_job_id: int) -> None:
    replan_job_run(job_id=replan_job_id)


@shared_task(
    name="routes.tracking_links_send",
    queue="default",
    **IDEMPOTENT_TASK,
)
def tracking_links_send_task(route_id: int) -> None:
    tracking_links_send(route_id=route_id)
