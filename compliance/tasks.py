"""Beat job: close the accounts of leaving DSPs on their exit date."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="compliance.offboarding_accounts_close_due",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def offboarding_accounts_close_due_task() -> int:
    from compliance.services import offboarding_accounts_close_due

    return offboarding_accounts_close_due()
