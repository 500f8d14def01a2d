"""E-mail to applicants and owners, sent only once the decision is committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def notify(*, to: str, subject: str, body: str) -> None:
    """Send `subject`/`body` to `to` after the surrounding transaction commits."""
    if not to:
        return
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    )
