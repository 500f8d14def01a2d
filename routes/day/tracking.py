"""Recipient tracking links: an unguessable token per package, showing its id, its DSP, its
state and the delivery point, and nothing else (no name, no other package, no driver position).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from routes.conf import setting
from routes.day.sms import sms_send
from routes.models import DeliveryEvent, Package, Route, RouteStop, TrackingLink, TrackingNotice
from routes.rules.outcomes import package_state_of, stop_done

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


def tracking_status(
    *, link: TrackingLink, eta_of: Callable[[RouteStop], datetime | None] | None = None
) -> dict | None:
    """What the recipient may see; None once the link has expired.

    The package id, the DSP's name, a timeline, an ETA window around the live ETA (the one the
    board and the driver see: `eta_of`, given by the caller since live tracking sits above the
    day in the routes layers) and the delivery point. Never the driver's position nor another
    stop.
    """
    package = link.package
    tz = package.manifest.station.tz
    rs = (
        RouteStop.objects.filter(stop__packages=package)
        .select_related("route__dsp", "route__station", "route__driver", "route__vehicle")
        .first()
    )
    dsp = rs.route.dsp if rs else package.dsp
    about = {
        "package_id": package.tracking_id,
        "dsp_name": dsp.name if dsp else "",
        "point": [float(package.latitude), float(package.longitude)],
    }
    status = _state(package=package, rs=rs, tz=tz, eta_of=eta_of)
    if status is None:
        return None
    return about | status | {"timeline": _timeline(status)}


def _state(*, package: Package, rs: RouteStop | None, tz, eta_of) -> dict | None:
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
    if rs is None or rs.route.driver_id is None:
        return {"state": "scheduled"}
    if rs.route.status != Route.Status.IN_PROGRESS:
        return {"state": "scheduled", **_eta(rs, tz, eta_of)}
    return {"state": "out_for_delivery", "stops_away": stops_before(rs), **_eta(rs, tz, eta_of)}


def stops_before(rs: RouteStop) -> int:
    """Stops still to be served before this one: earlier in the route and not done, a stop
    being done when each of its packages has an outcome (the outcomes rule)."""
    kinds: dict[int, list[str]] = {}
    for package_id, kind in (
        Package.objects.filter(
            stop__route_stop__route_id=rs.route_id, stop__route_stop__sequence__lt=rs.sequence
        )
        .values_list("pk", "events__kind")
        .order_by("pk", "events__occurred_at", "events__id")
    ):
        states = kinds.setdefault(package_id, [])
        if kind:
            states.append(kind)
    stop_of = dict(Package.objects.filter(pk__in=kinds).values_list("pk", "stop_id").order_by("pk"))
    by_stop: dict[int, list[str]] = {}
    for package_id, package_kinds in kinds.items():
        by_stop.setdefault(stop_of[package_id], []).append(package_state_of(package_kinds))
    earlier = RouteStop.objects.filter(route_id=rs.route_id, sequence__lt=rs.sequence)
    return sum(
        1
        for stop_id in earlier.values_list("stop_id", flat=True)
        if not stop_done(by_stop.get(stop_id, []))
    )


def _eta(rs: RouteStop, tz, eta_of) -> dict:
    """A window around the stop's live ETA (the board's and the driver's), else its plan."""
    at = (eta_of(rs) if eta_of else None) or rs.planned_arrival
    arrival = timezone.localtime(at, tz)
    return {
        "eta": arrival,
        "eta_from": arrival - ETA_HALF_WINDOW,
        "eta_to": arrival + ETA_HALF_WINDOW,
    }


def _timeline(status: dict) -> list[dict]:
    """The steps the recipient reads: out for delivery -> n stops away -> delivered or
    attempted (with the reason); each step done, current or still to come."""
    state = status["state"]
    out = state != "scheduled"
    steps = [{"label": "Out for delivery", "done": out}]
    if state == "out_for_delivery":
        away = status["stops_away"]
        label = (
            "You are the next stop" if away == 0 else f"{away} stop{'s' if away != 1 else ''} away"
        )
        steps.append({"label": label, "done": False, "current": True})
    else:
        steps.append({"label": "On its way to you", "done": out})
    if state == "attempted":
        steps.append({"label": f"Attempted: {status['reason']}", "done": True, "current": True})
    elif state == "returned":
        steps.append({"label": "Back at the station", "done": True, "current": True})
    else:
        steps.append(
            {"label": "Delivered", "done": state == "delivered", "current": state == "delivered"}
        )
    return steps


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
        for channel, to in _contacts(package):
            notice = _claim(package=package, route=route, channel=channel, to=to)
            if notice is not None:
                done[_deliver(notice, _body(package))] += 1
    return done


def _contacts(package: Package) -> list[tuple[str, str]]:
    """The recipient's channels with an address, e-mail first."""
    return [
        (channel, to)
        for channel, to in (
            (TrackingNotice.Channel.EMAIL, package.recipient_email),
            (TrackingNotice.Channel.SMS, package.recipient_phone),
        )
        if to
    ]


def _body(package: Package) -> str:
    return (
        f"Your parcel {package.tracking_id} is out for delivery today. "
        f"Follow it here: {tracking_url(tracking_link_for(package=package))}"
    )


def _deliver(notice: TrackingNotice, body: str) -> str:
    """Send one notice on its channel and record how it went; returns "sent" or "failed"."""
    notice.error = ""
    try:
        if notice.channel == TrackingNotice.Channel.EMAIL:
            send_mail(
                "Your parcel is out for delivery", body, settings.DEFAULT_FROM_EMAIL, [notice.to]
            )
        else:
            sms_send(to=notice.to, body=body)
    except Exception as error:  # a refused address must not stop the other recipients
        logger.warning("Tracking link %s to %s failed: %s", notice.channel, notice.to, error)
        notice.status, notice.error = TrackingNotice.Status.FAILED, str(error)[:255]
    else:
        notice.status, notice.sent_at = TrackingNotice.Status.SENT, timezone.now()
    notice.save(update_fields=["status", "error", "sent_at", "resends"])
    return notice.status


RESEND_AFTER = timedelta(minutes=10)


def tracking_link_resend(*, route: Route, package_id: int) -> list[TrackingNotice]:
    """Dispatch sends a package's tracking link again, on each channel its recipient has.

    At most once per `RESEND_AFTER` per package (a recipient is not spammed by a double click
    or an impatient dispatcher); each resend is counted on its notice. The package must be on
    `route`, which the caller has already scoped to the user's DSP.
    """
    with transaction.atomic():
        package = Package.objects.select_for_update().get(
            pk=package_id, stop__route_stop__route=route
        )
        contacts = _contacts(package)
        if not contacts:
            raise ValidationError("This recipient has no e-mail address or phone number.")
        notices = {n.channel: n for n in TrackingNotice.objects.filter(package=package)}
        last = max((n.sent_at or n.created_at for n in notices.values()), default=None)
        if last and timezone.now() - last < RESEND_AFTER:
            wait = RESEND_AFTER - (timezone.now() - last)
            raise ValidationError(
                f"The link to {package.tracking_id} went out less than "
                f"{RESEND_AFTER.seconds // 60} minutes ago; try again in "
                f"{wait.seconds // 60 + 1} min."
            )
        body, sent = _body(package), []
        for channel, to in contacts:
            notice = notices.get(channel)
            if notice is None:
                notice = TrackingNotice.objects.create(
                    package=package, route=route, channel=channel, to=to
                )
            else:
                notice.to, notice.resends = to, notice.resends + 1
                notice.save(update_fields=["to", "resends"])
            _deliver(notice, body)
            sent.append(notice)
    return sent


def tracking_notice_counts(route_ids) -> dict[int, dict[str, int]]:
    """Per route: its packages' tracking links, and the notices sent and failed (two queries)."""
    rows = (
        TrackingNotice.objects.filter(route_id__in=route_ids)
        .values("route_id")
        .annotate(
            sent=Count("pk", filter=Q(status=TrackingNotice.Status.SENT)),
            failed=Count("pk", filter=Q(status=TrackingNotice.Status.FAILED)),
        )
        .order_by("route_id")
    )
    counts = {r["route_id"]: {"links": 0, "sent": r["sent"], "failed": r["failed"]} for r in rows}
    linked = (
        TrackingLink.objects.filter(package__stop__route_stop__route_id__in=route_ids)
        .values("package__stop__route_stop__route_id")
        .annotate(n=Count("pk"))
        .order_by("package__stop__route_stop__route_id")
    )
    for row in linked:
        route_id = row["package__stop__route_stop__route_id"]
        counts.setdefault(route_id, {"links": 0, "sent": 0, "failed": 0})["links"] = row["n"]
    return counts


def route_tracking_links(route: Route) -> list[dict]:
    """Per package of the route, in stop order: its link (if made) and each channel's notice
    (sent or failed, when, how many resends), times in the station's zone."""
    tz = route.station.tz
    packages = list(
        Package.objects.filter(stop__route_stop__route=route)
        .select_related("tracking", "stop__route_stop")
        .prefetch_related("notices")
        .order_by("stop__route_stop__sequence", "tracking_id")
    )
    rows = []
    for package in packages:
        link = getattr(package, "tracking", None)
        notices = [
            {
                "channel": n.get_channel_display(),
                "status": n.status,
                "status_label": n.get_status_display(),
                "at": timezone.localtime(n.sent_at or n.created_at, tz),
                "resends": n.resends,
                "error": n.error,
            }
            for n in package.notices.all()
        ]
        rows.append(
            {
                "package": package,
                "stop": package.stop.route_stop.sequence,
                "url": tracking_url(link) if link else "",
                "notices": notices,
                "can_send": bool(_contacts(package)),
            }
        )
    return rows
