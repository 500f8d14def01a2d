"""The driver's phone outbox as the server sees it.

Actions that reached the server late: queued on the phone with no signal and sent when it
returned. The phone sends when it queued each action (`queued_at`; before it did, the time of
the action: a delivery event's `occurred_at`, a punch's `at`) and `created_at` is the server's
receipt. The phone also reports how many actions it still holds, and a route is not closed while
that count is above zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from routes.day.deliveries import occurred_at_checked
from routes.models import DeliveryEvent, Route, ShiftPunch

# Longer than a slow upload of one photo on a weak signal: anything later waited in the outbox.
LATE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class LateActions:
    count: int
    last_received_at: datetime


def late_actions_by_route(*, route_ids: Iterable[int]) -> dict[int, LateActions]:
    """Per route: how many driver actions arrived more than LATE_AFTER after the phone queued
    them, and when the last of them arrived. Routes with none are absent."""
    route_ids = list(route_ids)
    found: dict[int, tuple[int, datetime]] = {}
    for model, happened in ((DeliveryEvent, "occurred_at"), (ShiftPunch, "at")):
        rows = (
            model.objects.filter(route_id__in=route_ids)
            .alias(queued=Coalesce("queued_at", happened))
            .filter(created_at__gt=F("queued") + LATE_AFTER)
            .values("route_id")
            .annotate(n=Count("id"), last=Max("created_at"))
            .order_by()
        )
        for row in rows:
            n, last = found.get(row["route_id"], (0, row["last"]))
            found[row["route_id"]] = (n + row["n"], max(last, row["last"]))
    return {pk: LateActions(count=n, last_received_at=last) for pk, (n, last) in found.items()}


def phone_outbox_report_unsafe(
    *, route_id: int, waiting: int, reported_at: datetime | None = None
) -> None:
    """Store what the driver's phone says it still holds (waiting + needing attention). An
    older report than the one stored is ignored (pings may arrive out of order). The caller
    holds the transaction and has checked that the route is the driver's."""
    if waiting < 0:
        raise ValidationError({"outbox": "Send the number of actions still on the phone."})
    reported_at = occurred_at_checked(reported_at, "outbox_reported_at")
    Route.objects.filter(pk=route_id).exclude(phone_outbox_reported_at__gt=reported_at).update(
        phone_outbox=waiting, phone_outbox_reported_at=reported_at
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@transaction.atomic
def route_close(*, route: Route) -> Route:
    """Close the route of the day (dispatch): it turns completed and takes no more driver
    actions. Refused while the driver's phone reports actions it has not sent yet, which would
    then be refused and lost."""
    route = Route.objects.select_for_update().select_related("station").get(pk=route.pk)
    if route.status == Route.Status.COMPLETED:
        raise ValidationError({"route": f"Route {route.code} is already closed."})
    if route.status == Route.Status.DRAFT:
        raise ValidationError({"route": f"Route {route.code} has not started."})
    if route.phone_outbox:
        at = timezone.localtime(route.phone_outbox_reported_at, route.station.tz)
        raise ValidationError(
            {
                "route": f"Route {route.code} cannot be closed: the driver's phone reported "
                f"{_plural(route.phone_outbox, 'action')} not sent yet at {at:%H:%M}. "
                "Ask the driver to open the app with a signal, and close it once they are sent."
            }
        )
    route.status = Route.Status.COMPLETED
    # No second `route.completed` event: it was announced when the last package was settled.
    route.save(update_fields=["status", "updated_at"])
    return route
