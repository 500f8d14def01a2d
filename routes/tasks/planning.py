"""Thin Celery wrappers: ids in, one service call."""

from celery import shared_task

from nextmile.tasks import IDEMPOTENT_TASK
from routes.planning.jobs import (
    plan_job_dispatch,
    plan_run_solve,
    plan_runs_sweep_stale,
)


@shared_task(
    name="routes.dispatch_plan_job",
    queue="default",
    **IDEMPOTENT_TASK,
)
def plan_job_dispatch_task(plan_job_id: int) -> None:
    plan_job_dispatch(job_id=plan_job_id)


# A solve that kills its worker child (out of memory, SIGKILL, a native abort) is handed back
# to the queue rather than acknowledged; the service gives up after a few attempts, so a
# solve that always crashes cannot loop.
@shared_task(
    name="routes.plan_run_solve",
    queue="optimize",
    reject_on_worker_lost=True,
    **IDEMPOTENT_TASK,
)
def plan_run_solve_task(plan_run_id: int) -> None:
    plan_run_solve(run_id=plan_run_id)


@shared_task(name="routes.plan_runs_sweep_stale", queue="default", **IDEMPOTENT_TASK)
def plan_runs_sweep_stale_task() -> None:
    plan_runs_sweep_stale()


from routes.tasks.rounds import plan_group_solve_task  # noqa: E402,F401  (autodiscovery)
