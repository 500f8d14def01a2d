"""Idempotency keys: a resent POST gets the first answer instead of doing the work twice."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dsps.models import IdempotentRequest, User

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


def idempotency_key_check(*, key: str) -> str:
    """The key as given, or a 400 naming the header when it is empty or too long."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: f"Give 1 to {MAX_KEY_LENGTH} characters."})
    return key


def idempotent_request_find(*, user: User, endpoint: str, key: str) -> IdempotentRequest | None:
    """The answer already given to this user's request with this key at this endpoint."""
    return IdempotentRequest.objects.filter(user=user, endpoint=endpoint, key=key).first()


def idempotent_request_record(
    *, user: User, endpoint: str, key: str, status_code: int, body
) -> IdempotentRequest:
    """Keep the first answer; a concurrent twin that recorded first wins."""
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                user=user, endpoint=endpoint, key=key, status_code=status_code, body=body
            )
    except IntegrityError:
        return IdempotentRequest.objects.get(user=user, endpoint=endpoint, key=key)
