"""What every project task shares."""

from django.db import OperationalError

# Tasks take ids and are safe to run twice: acknowledged only once they have finished, and
# retried with backoff while the database is briefly unreachable.
IDEMPOTENT_TASK = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 3,
}
