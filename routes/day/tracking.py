"""Recipient tracking links: an unguessable token per package, showing its state and nothing
else (no name, no address, no other package, no driver position).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from routes.conf import setting
from routes.day.sms import sms_send
from routes.models import DeliveryEvent, Package, Route, RouteStop, TrackingLink, TrackingNotice

logger = logging.getLogger(__name__)

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


# --- Sending the links when a route goes out ------------------------------------------------


def tracking_url(link: TrackingLink) -> str:
    return setting("ROUTES_PUBLIC_URL").rstrip("/") + reverse("routes:tracking", args=[link.token])


def _claim(*, package: Package, route: Route, channel: str, to: str) -> TrackingNotice | None:
    """The notice to send now, or None when this package's link already went (or is going)
    out on this channel: the unique constraint lets exactly one worker claim it."""
    try:
        with transaction.atomic():
            return TrackingNotice.objects.create(
                package=package, route=route, channel=channel, to=to
            )
    except IntegrityError:
        return None


def tracking_links_send(*, route_id: int) -> dict[str, int]:
    """Send each package of the route with a recipient contact its tracking link, once per
    channel (e-mail through Django's mail backend, SMS through `ROUTES_SMS_BACKEND`).

    Safe to run twice: a notice already claimed is never sent again, whatever its outcome.
    Returns how many were sent and failed by this run.
    """
    route = Route.objects.select_related("station").get(pk=route_id)
    packages = (
        Package.objects.filter(stop__route_stop__route=route)
        .filter(~Q(recipient_email="") | ~Q(recipient_phone=""))
        .order_by("pk")
    )
    done = {"sent": 0, "failed": 0}
    for package in packages:
        link = tracking_link_for(package=package)
        body = (
            f"Your parcel {package.tracking_id} is out for delivery today. "
            f"Follow it here: {tracking_url(link)}"
        )
        for channel, to in (
            (TrackingNotice.Channel.EMAIL, package.recipient_email),
            (TrackingNotice.Channel.SMS, package.recipient_phone),
        ):
            if not to:
                continue
            notice = _claim(package=package, route=route, channel=channel, to=to)
            if notice is None:
                continue
            try:
                if channel == TrackingNotice.Channel.EMAIL:
                    send_mail(
                        "Your parcel is out for delivery",
                        body,
                        settings.DEFAULT_FROM_EMAIL,
                        [to],
                    )
                else:
                    sms_send(to=to, body=body)
            except Exception as error:  # a refused address must not stop the other recipients
                logger.warning("Tracking link %s to %s failed: %s", channel, to, error)
                notice.status, notice.error = TrackingNotice.Status.FAILED, str(error)[:255]
                done["failed"] += 1
            else:
                notice.status, notice.sent_at = TrackingNotice.Status.SENT, timezone.now()
                done["sent"] += 1
            notice.save(update_fields=["status", "error", "sent_at"])
    return done


def tracking_notice_counts(route_ids) -> dict[int, dict[str, int]]:
    """Per route: tracking links sent and failed (one query)."""
    rows = (
        TrackingNotice.objects.filter(route_id__in=route_ids)
        .values("route_id")
        .annotate(
            sent=Count("pk", filter=Q(status=TrackingNotice.Status.SENT)),
            failed=Count("pk", filter=Q(status=TrackingNotice.Status.FAILED)),
        )
    )
    return {r["route_id"]: {"sent": r["sent"], "failed": r["failed"]} for r in rows}
