"""Driver actions that reached the server late: queued on the phone with no signal and sent
when it returned. A delivery event's `occurred_at` is the phone's time of the action and its
`created_at` the server's receipt; a punch has `at` and `created_at` the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max

from routes.models import DeliveryEvent, ShiftPunch

# Longer than a slow upload of one photo on a weak signal: anything later waited in the outbox.
LATE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class LateActions:
    count: int
    last_received_at: datetime


def late_actions_by_route(*, route_ids: Iterable[int]) -> dict[int, LateActions]:
    """Per route: how many driver actions arrived more than LATE_AFTER after they happened on
    the phone, and when the last of them arrived. Routes with none are absent."""
    route_ids = list(route_ids)
    found: dict[int, tuple[int, datetime]] = {}
    for model, happened in ((DeliveryEvent, "occurred_at"), (ShiftPunch, "at")):
        rows = (
            model.objects.filter(route_id__in=route_ids, created_at__gt=F(happened) + LATE_AFTER)
            .values("route_id")
            .annotate(n=Count("id"), last=Max("created_at"))
            .order_by()
        )
        for row in rows:
            n, last = found.get(row["route_id"], (0, row["last"]))
            found[row["route_id"]] = (n + row["n"], max(last, row["last"]))
    return {pk: LateActions(count=n, last_received_at=last) for pk, (n, last) in found.items()}
