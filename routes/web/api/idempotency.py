"""Idempotency keys on the API's POSTs: a resend gets the first answer (see dsps' service)."""

from rest_framework.response import Response

from dsps.services.idempotency import (
    HEADER,
    idempotency_key_check,
    idempotent_request_find,
    idempotent_request_record,
)


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


class IdempotentPostMixin:
    """A POST sent with an `Idempotency-Key` header is answered once: a resend by the same user
    to the same endpoint gets the first answer (status and body) and does nothing again.

    Put it before `TenantScopedAPIMixin`; answers of 500 and above are not kept, so a retry
    after a server error does the work.
    """

    idempotent_posts = True  # the schema documents the header on this view's POSTs

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_key = None
        raw = request.headers.get(HEADER)
        if request.method != "POST" or raw is None:
            return
        key = idempotency_key_check(key=raw)
        first = idempotent_request_find(user=request.user, endpoint=_endpoint(request), key=key)
        if first is not None:
            raise _Replay(Response(first.body, status=first.status_code))
        self._idempotency_key = key

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        key = getattr(self, "_idempotency_key", None)
        if key is not None and response.status_code < 500:
            idempotent_request_record(
                user=request.user,
                endpoint=_endpoint(request),
                key=key,
                status_code=response.status_code,
                body=getattr(response, "data", None),
            )
            self._idempotency_key = None
        return super().finalize_response(request, response, *args, **kwargs)


def _endpoint(request) -> str:
    return f"{request.method} {request.path}"
