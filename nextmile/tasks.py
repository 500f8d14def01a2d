"""What every project task shares."""

from collections.abc import Callable

from celery import Signature, Task, current_app
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as QueueError

# Tasks take ids and are safe to run twice: acknowledged only once they have finished, and
# retried with backoff while the database is briefly unreachable.
IDEMPOTENT_TASK = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
}


def registered_task(name: str) -> Task:
    """The task registered under `name`, with its queue and options. A web process has not
    imported the apps' task modules yet; Celery's autodiscovery does so on first need."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def task_signature(name: str, *args) -> Signature:
    """The signature of the task registered under `name`, with its queue and options."""
    return registered_task(name).s(*args)


def enqueue_after_commit(
    name: str,
    *args,
    countdown: int | None = None,
    on_queue_error: Callable[[], object] | None = None,
) -> None:
    """Queue the task registered under `name` once the current transaction commits (at once
    outside one). Services call this instead of importing a task module, so task modules import
    their services at the top and no cycle hides in a function. With the broker unreachable,
    `on_queue_error` runs instead when given; otherwise the error propagates. `countdown` delays
    the task by that many seconds."""

    def send() -> None:
        try:
            task = registered_task(name)
            if countdown:
                task.apply_async(args, countdown=countdown)
            else:
                task.delay(*args)
        except QueueError:
            if on_queue_error is None:
                raise
            on_queue_error()

    transaction.on_commit(send)
