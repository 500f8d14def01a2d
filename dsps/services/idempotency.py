"""Idempotency keys: a resent POST gets the first answer instead of doing the work twice.

The first request claims its key before doing the work (a row with no answer yet, committed at
once, the unique constraint deciding between twins); a twin sent while it works waits for the
answer and gets it too.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dsps.models import IdempotentRequest, User

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100
# How long a twin waits for the first request's answer before it is told to send again.
TWIN_WAIT_S = 30.0
TWIN_POLL_S = 0.1


class RequestInProgress(Exception):
    """A request with this key is still being answered (longer than a twin waits)."""


def idempotency_key_check(*, key: str) -> str:
    """The key as given, or a 400 naming the header when it is empty or too long."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: f"Give 1 to {MAX_KEY_LENGTH} characters."})
    return key


def idempotent_request_claim(*, user: User, endpoint: str, key: str) -> IdempotentRequest | None:
    """Claim the key for this request and return None (do the work), or return the answer
    already given. A twin still at work is waited for; past `TWIN_WAIT_S`, RequestInProgress."""
    deadline = time.monotonic() + TWIN_WAIT_S
    while True:
        try:
            with transaction.atomic():
                IdempotentRequest.objects.create(user=user, endpoint=endpoint, key=key)
            return None
        except IntegrityError:
            first = IdempotentRequest.objects.filter(user=user, endpoint=endpoint, key=key).first()
        if first is not None and first.status_code is not None:
            return first
        if time.monotonic() >= deadline:
            raise RequestInProgress
        time.sleep(TWIN_POLL_S)  # its twin is working, or just gave the claim up: try again


def idempotent_request_answer(
    *, user: User, endpoint: str, key: str, status_code: int, body
) -> None:
    """Keep the answer of the request that claimed the key; resends and twins get it."""
    IdempotentRequest.objects.filter(
        user=user, endpoint=endpoint, key=key, status_code__isnull=True
    ).update(status_code=status_code, body=body)


def idempotent_request_release(*, user: User, endpoint: str, key: str) -> None:
    """Give a claim up (the request failed on the server): a retry does the work."""
    IdempotentRequest.objects.filter(
        user=user, endpoint=endpoint, key=key, status_code__isnull=True
    ).delete()
