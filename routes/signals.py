"""What routes tells the apps above it, after commit: plans, routes and deliveries that changed.

Routes imports no higher app; one that wants to hear of these events (integrations sends them
to webhooks) connects a receiver to `route_event` in its `AppConfig.ready`. Each event is sent
once, only when the transaction that made it commits, and carries ids, statuses and counts:
never a recipient's name or address.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

log = logging.getLogger(__name__)

PLAN_COMPLETED = "plan.completed"
ROUTE_ASSIGNED = "route.assigned"
ROUTE_STARTED = "route.started"
ROUTE_COMPLETED = "route.completed"
DELIVERY_DELIVERED = "delivery.delivered"
DELIVERY_FAILED = "delivery.failed"
DELIVERY_RETURNED = "delivery.returned"

EVENT_TYPES = {
    PLAN_COMPLETED: "A DSP's plan of a day is written",
    ROUTE_ASSIGNED: "A route gets its driver and van",
    ROUTE_STARTED: "A route's driver clocks in or delivers first",
    ROUTE_COMPLETED: "Every package of a route is delivered or back at the station",
    DELIVERY_DELIVERED: "A package is delivered",
    DELIVERY_FAILED: "A delivery attempt failed",
    DELIVERY_RETURNED: "A package went back to the station",
}

# Receivers get `event=RouteEvent`.
route_event = Signal()


@dataclass(frozen=True)
class RouteEvent:
    id: str
    type: str
    occurred_at: datetime
    dsp_id: int
    station_id: int
    data: dict = field(default_factory=dict)


def route_event_emit(
    *, type: str, dsp_id: int, station_id: int, data: dict, occurred_at: datetime | None = None
) -> RouteEvent:
    """Announce `type` once the current transaction commits (never if it rolls back)."""
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown route event type {type!r}.")
    event = RouteEvent(
        id=str(uuid.uuid4()),
        type=type,
        occurred_at=occurred_at or timezone.now(),
        dsp_id=dsp_id,
        station_id=station_id,
        data=data,
    )

    def send() -> None:
        for receiver, result in route_event.send_robust(sender=RouteEvent, event=event):
            if isinstance(result, Exception):
                log.error("Receiver %s failed on %s %s: %s", receiver, type, event.id, result)

    # robust: a receiver's trouble never turns the caller's committed write into an error.
    transaction.on_commit(send, robust=True)
    return event


def route_data(route) -> dict:
    """The minimal description of a route in an event: ids, date, status and counts."""
    return {
        "route": route.pk,
        "code": route.code,
        "service_date": route.service_date.isoformat(),
        "status": route.status,
        "driver": route.driver_id,
        "vehicle": route.vehicle_id,
        "planned_stops": route.planned_stops,
    }
