"""API key authentication: `Authorization: Bearer <key>` or `Token <key>`."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling

from dsps.models import ApiKey
from dsps.services.api_keys import api_key_touch
from dsps.tenancy import act_through_key, membership_of


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate with a NextMile API key; the request is scoped exactly like a session."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one key after the keyword.")
        raw = header[1].decode(errors="replace")
        if header[0].lower() == b"token" and not raw.startswith(ApiKey.PREFIX):
            return None  # a legacy DRF token: TokenAuthentication answers for it
        now = timezone.now()
        key = (
            ApiKey.objects.select_related("created_by").filter(key_hash=ApiKey.hash_of(raw)).first()
        )
        if key is None or not key.is_usable(now) or not key.created_by.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API key.")
        user = key.created_by
        member = membership_of(user)
        if member is None or member.dsp_id != key.dsp_id:
            raise exceptions.AuthenticationFailed("The key's creator no longer works for its DSP.")
        if key.scope == ApiKey.Scope.READ_ONLY and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied("This API key is read-only.")
        act_through_key(user, key)
        api_key_touch(key=key, now=now)
        return user, key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """Per-key request budget (`API_KEY_RATE`, e.g. "600/min"); over it, 429 and Retry-After."""

    scope = "api_key"

    def get_rate(self) -> str | None:
        return settings.API_KEY_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None  # sessions and legacy tokens are not metered here
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
