"""Idempotency keys on the API's POSTs: a resend gets the first answer (see dsps' service)."""

from rest_framework import exceptions
from rest_framework.response import Response

from dsps.services.idempotency import (
    HEADER,
    RequestInProgress,
    idempotency_key_check,
    idempotent_request_answer,
    idempotent_request_claim,
    idempotent_request_release,
)


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


class StillAnswering(exceptions.APIException):
    status_code = 409
    default_detail = (
        "A request with this Idempotency-Key is still being answered; send it again shortly."
    )
    default_code = "request_in_progress"


class IdempotentPostMixin:
    """A POST sent with an `Idempotency-Key` header is answered once: a resend by the same user
    to the same endpoint, even one sent at the same moment, gets the first answer (status and
    body) and does nothing again.

    Put it before `TenantScopedAPIMixin`; answers of 500 and above are not kept, so a retry
    after a server error does the work.
    """

    idempotent_posts = True  # the schema documents the header on this view's POSTs

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency = None
        raw = request.headers.get(HEADER)
        if request.method != "POST" or raw is None:
            return
        claim = {"user": request.user, "endpoint": _endpoint(request)}
        claim["key"] = idempotency_key_check(key=raw)
        try:
            first = idempotent_request_claim(**claim)
        except RequestInProgress:
            raise StillAnswering from None
        if first is not None:
            raise _Replay(Response(first.body, status=first.status_code))
        self._idempotency = claim

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        try:
            return super().handle_exception(exc)
        except Exception:
            self._give_up_claim()  # a server error: a retry must do the work
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        claim = getattr(self, "_idempotency", None)
        if claim is not None and response.status_code < 500:
            body = getattr(response, "data", None)
            idempotent_request_answer(**claim, status_code=response.status_code, body=body)
            self._idempotency = None
        else:
            self._give_up_claim()
        return super().finalize_response(request, response, *args, **kwargs)

    def _give_up_claim(self):
        claim = getattr(self, "_idempotency", None)
        if claim is not None:
            idempotent_request_release(**claim)
            self._idempotency = None


def _endpoint(request) -> str:
    return f"{request.method} {request.path}"
