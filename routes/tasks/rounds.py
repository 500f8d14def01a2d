"""The sub-task of a plan run's rounds: one group of neighbouring routes, solved once."""

from celery import shared_task

from nextmile.tasks import IDEMPOTENT_TASK
from routes.planning.rounds import plan_group_solve


# A lost worker's group keeps its previous routes, so a killed child's message is not
# handed back: the coordinator has moved on by then.
@shared_task(
    name="routes.plan_group_solve",
    queue="optimize",
    reject_on_worker_lost=False,
    **IDEMPOTENT_TASK,
)
def plan_group_solve_task(
    run_id: int, round_key: str, group: int, payload: dict, deadline: float
) -> None:
    plan_group_solve(
        run_id=run_id, round_key=round_key, group=group, payload=payload, deadline=deadline
    )
