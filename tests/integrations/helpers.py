"""Run what commits would run, without a broker: route events in, webhook tasks captured."""

from __future__ import annotations

import hashlib
import hmac

from integrations.models import WebhookDelivery
from integrations.services import delivery_attempt


def after_commit(capture, action):
    """Run `action`, then its after-commit callbacks (route events → deliveries).

    Returns (result, queued): the webhook tasks those callbacks would queue are captured and
    not sent to the broker; tests make the attempts themselves with `send_all`.
    """
    with capture(execute=False) as callbacks:
        result = action()
    with capture(execute=False) as queued:
        for callback in callbacks:
            callback()
    return result, queued


def send_all(number: int = 1, trigger: str = "first") -> list:
    """Make attempt `number` of every delivery, as the queued tasks would."""
    return [
        delivery_attempt(delivery_id=pk, number=number, trigger=trigger)
        for pk in WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True)
    ]


def signature_ok(secret: str, post) -> bool:
    """What a receiver does (docs/webhooks.md): recompute the HMAC and compare."""
    timestamp = post.headers["X-NextMile-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + post.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(post.headers["X-NextMile-Signature"], f"v1={expected}")
