"""Integrations demo: Lone Star's owner has a webhook with a short delivery log (one event
delivered at once, one after a retry, one that failed five times), and the program has one for
the station. Nothing is sent: the URLs are on example.com and the log is written as history.

Idempotent: rows are found by URL and by fixed event ids.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from dsps.models import Membership, Role

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .services import new_secret

NAMESPACE = uuid.UUID("7b0c5e52-8f31-4bf0-9b3a-2f4f3c1d9a10")
HISTORY = [
    # (event type, answers in order: status code or None for a timeout)
    ("route.assigned", [200]),
    ("delivery.failed", [503, 200]),
    ("route.completed", [None, 500, 500, 500, 500]),
]


def seed(world: dict) -> None:
    dsp = world["active_dsp"]
    owner = Membership.objects.filter(dsp=dsp, role=Role.OWNER).select_related("user").first()
    hook, _ = WebhookSubscription.objects.get_or_create(
        url="https://hooks.example.com/lone-star/nextmile",
        defaults={
            "dsp": dsp,
            "description": "Lone Star dispatch system",
            "events": ["route.assigned", "route.completed", "delivery.failed"],
            "secret": new_secret(),
            "created_by": owner.user if owner else None,
        },
    )
    WebhookSubscription.objects.get_or_create(
        url="https://ops.example.com/program/plans",
        defaults={
            "station": dsp.station,
            "description": "Program planning dashboard",
            "events": ["plan.completed"],
            "secret": new_secret(),
        },
    )
    now = timezone.now().replace(microsecond=0)
    for n, (event_type, answers) in enumerate(HISTORY):
        event_id = uuid.uuid5(NAMESPACE, f"{event_type}-{n}")
        occurred = now - timedelta(hours=3 - n)
        delivery, created = WebhookDelivery.objects.get_or_create(
            subscription=hook,
            event_id=event_id,
            defaults={
                "event_type": event_type,
                "occurred_at": occurred,
                "payload": {
                    "id": str(event_id),
                    "type": event_type,
                    "occurred_at": occurred.isoformat(),
                    "dsp": dsp.pk,
                    "station": dsp.station_id,
                    "data": {"route": None, "note": "demo history"},
                },
            },
        )
        if not created:
            continue
        at = occurred
        for number, code in enumerate(answers, start=1):
            WebhookAttempt.objects.create(
                delivery=delivery,
                number=number,
                trigger="first" if number == 1 else "retry",
                started_at=at,
                status_code=code,
                duration_ms=10_000 if code is None else 180,
                ok=code == 200,
                error="No answer within 10 s."
                if code is None
                else ("" if code == 200 else f"HTTP {code}"),
            )
            at += timedelta(seconds=30 * 2 ** (number - 1))
        ok = answers[-1] == 200
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status="succeeded" if ok else "failed",
            attempt_count=len(answers),
            last_status_code=answers[-1],
            last_attempt_at=at,
        )
