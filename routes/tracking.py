"""Recipient tracking links: an unguessable token per package, showing its state and nothing
else (no name, no address, no other package, no driver position).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from .models import DeliveryEvent, Package, RouteStop, TrackingLink

EXPIRES_AFTER = timedelta(days=3)
ETA_HALF_WINDOW = timedelta(minutes=30)


def tracking_link_for(*, package: Package) -> TrackingLink:
    """The package's link, made on first use (idempotent)."""
    link = TrackingLink.objects.filter(package=package).first()
    if link:
        return link
    link, _ = TrackingLink.objects.get_or_create(
        package=package, defaults={"token": secrets.token_urlsafe(24)}
    )
    return link


def tracking_status(*, link: TrackingLink) -> dict | None:
    """What the recipient may see; None once the link has expired."""
    package = link.package
    tz = package.manifest.station.tz
    events = list(package.events.order_by("occurred_at", "id"))
    delivered = next((e for e in events if e.kind == DeliveryEvent.Kind.DELIVERED), None)
    if delivered:
        if timezone.now() > delivered.occurred_at + EXPIRES_AFTER:
            return None
        return {"state": "delivered", "at": timezone.localtime(delivered.occurred_at, tz)}
    last = events[-1] if events else None
    if last and last.kind == DeliveryEvent.Kind.RETURNED:
        if timezone.now() > last.occurred_at + EXPIRES_AFTER:
            return None
        return {"state": "returned", "at": timezone.localtime(last.occurred_at, tz)}
    if last and last.kind == DeliveryEvent.Kind.FAILED:
        return {
            "state": "attempted",
            "at": timezone.localtime(last.occurred_at, tz),
            "reason": last.get_reason_display(),
        }
    rs = RouteStop.objects.filter(stop__packages=package).select_related("route").first()
    if rs is None or rs.route.driver_id is None:
        return {"state": "scheduled"}
    if rs.route.status not in ("in_progress",):
        return {"state": "scheduled", **_eta(rs, tz)}
    finished = set(
        rs.route.events.filter(
            kind__in=[DeliveryEvent.Kind.DELIVERED, DeliveryEvent.Kind.FAILED]
        ).values_list("route_stop_id", flat=True)
    )
    ahead = rs.route.route_stops.filter(sequence__lt=rs.sequence).exclude(pk__in=finished).count()
    return {"state": "out_for_delivery", "stops_away": ahead, **_eta(rs, tz)}


def _eta(rs: RouteStop, tz) -> dict:
    arrival = timezone.localtime(rs.planned_arrival, tz)
    return {"eta_from": arrival - ETA_HALF_WINDOW, "eta_to": arrival + ETA_HALF_WINDOW}
