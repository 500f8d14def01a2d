"""Beat jobs: after each program week closes, its scorecards and draft statements."""

from celery import shared_task

from billing.statements.week_close import week_close_for_dsp
from dsps.models import Dsp
from nextmile.tasks import IDEMPOTENT_TASK


@shared_task(name="billing.week_close", acks_late=True)
def week_close_task() -> int:
    """Fan out one statement job per active DSP for the week that last closed at its station."""
    ids = list(Dsp.objects.filter(status=Dsp.Status.ACTIVE).values_list("id", flat=True))
    for dsp_id in ids:
        statement_generate_task.delay(dsp_id)
    return len(ids)


@shared_task(
    name="billing.statement_generate",
    **IDEMPOTENT_TASK,
)
def statement_generate_task(dsp_id: int, week_start: str | None = None) -> None:
    week_close_for_dsp(dsp_id=dsp_id, week_start=week_start)
