"""Text messages to recipients through a pluggable backend (setting `ROUTES_SMS_BACKEND`, a
dotted path to a class with `send(to, body)` that raises on failure).

The default backend sends nothing over the network: it keeps each message in `outbox` and
writes it to the `routes.day.sms` log, the way Django's console/locmem mail backends do.
"""

from __future__ import annotations

import logging

from django.utils.module_loading import import_string

from routes.conf import setting

logger = logging.getLogger("routes.day.sms")

outbox: list[dict] = []


class OutboxSmsBackend:
    """Keeps messages in memory and in the log; never leaves the machine."""

    def send(self, to: str, body: str) -> None:
        outbox.append({"to": to, "body": body})
        logger.info("SMS to %s: %s", to, body)


def sms_send(*, to: str, body: str) -> None:
    """Send one text through the configured backend (errors propagate to the caller)."""
    import_string(setting("ROUTES_SMS_BACKEND"))().send(to, body)
