"""Thin Celery wrappers: ids in, one service call."""

from celery import shared_task

from nextmile.tasks import IDEMPOTENT_TASK

from .services import WEBHOOK_DELIVER, delivery_attempt


# The POST is made at most once per attempt number (the service writes the attempt first), so
# a redelivered message sends nothing twice; retries of a failed POST are new attempts that
# the service schedules with a growing countdown.
@shared_task(
    name=WEBHOOK_DELIVER,
    queue="default",
    **IDEMPOTENT_TASK,
)
def webhook_deliver_task(delivery_id: int, number: int, trigger: str = "first") -> None:
    delivery_attempt(delivery_id=delivery_id, number=number, trigger=trigger)
