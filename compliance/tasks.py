"""Beat job: close the accounts of leaving DSPs on their exit date."""

from celery import shared_task

from compliance.services import offboarding_accounts_close_due
from nextmile.tasks import IDEMPOTENT_TASK


@shared_task(
    name="compliance.offboarding_accounts_close_due",
    **IDEMPOTENT_TASK,
)
def offboarding_accounts_close_due_task() -> int:
    return offboarding_accounts_close_due()
