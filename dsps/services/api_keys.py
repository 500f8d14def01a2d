"""API keys: created once and shown once, stored as a hash, revocable."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dsps.models import ApiKey, Role, User
from dsps.tenancy import dsp_of, role_of

# The scopes each role may hand to a key: never more than the creator holds.
_GRANTABLE = {
    Role.PROGRAM_STAFF: (ApiKey.Scope.READ_ONLY, ApiKey.Scope.DISPATCHER, ApiKey.Scope.OWNER),
    Role.OWNER: (ApiKey.Scope.READ_ONLY, ApiKey.Scope.DISPATCHER, ApiKey.Scope.OWNER),
}


@transaction.atomic
def api_key_create(
    *, by: User, name: str, scope: str, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Create a key for the creator's DSP (none for staff); return it and the raw key, once."""
    role = role_of(by)
    if role not in _GRANTABLE:
        raise PermissionDenied("Only DSP owners and program staff can create API keys.")
    errors = {}
    if not name.strip():
        errors["name"] = "Give the key a name."
    if scope not in _GRANTABLE[role]:
        errors["scope"] = "Choose read-only, dispatcher or owner."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationError(errors)
    raw = ApiKey.PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name.strip(),
        dsp=dsp_of(by),
        created_by=by,
        scope=scope,
        key_prefix=raw[:10],
        key_hash=ApiKey.hash_of(raw),
        expires_at=expires_at,
    )
    key.full_clean()
    key.save()
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by: User) -> ApiKey:
    """Revoke a key for good; revoking twice changes nothing."""
    if role_of(by) not in _GRANTABLE:
        raise PermissionDenied("Only DSP owners and program staff can revoke API keys.")
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
    return key


def api_key_touch(*, key: ApiKey, now: datetime) -> None:
    """Record the last use, at most once a minute so busy integrations do not write per call."""
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
