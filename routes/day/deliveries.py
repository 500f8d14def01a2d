"""The driver's day: scan a package at a stop, deliver it with proof, fail it with a reason,
return what is left to the station. Every action carries the phone's idempotency key, so a
resend after a lost connection records nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from PIL import Image, ImageFilter, ImageStat, UnidentifiedImageError

from nextmile.uploads import IMAGE_KINDS, validate_upload
from routes.models import DeliveryEvent, FailureReason, Package, Route, RouteStop
from routes.rules.outcomes import FINAL, PENDING, package_state_of, stop_done
from routes.signals import (
    DELIVERY_DELIVERED,
    DELIVERY_FAILED,
    DELIVERY_RETURNED,
    ROUTE_COMPLETED,
    ROUTE_STARTED,
    route_data,
    route_event_emit,
)

DELIVERY_EVENT_TYPES = {
    DeliveryEvent.Kind.DELIVERED: DELIVERY_DELIVERED,
    DeliveryEvent.Kind.FAILED: DELIVERY_FAILED,
    DeliveryEvent.Kind.RETURNED: DELIVERY_RETURNED,
}

MAX_PHOTO_BYTES = 8 * 1024 * 1024
# Mean brightness (0–255) under which a photo is too dark, and edge strength (standard
# deviation of the edge image) under which it is too blurred to show the parcel. The driver's
# page applies the same thresholds before sending.
DARK_BELOW = 40
BLURRED_BELOW = 6
MAX_QUEUE_AGE = timedelta(days=2)
CLOCK_DRIFT = timedelta(minutes=10)
FAIL_REASONS = FailureReason.at_the_door()  # a failed attempt's reasons; returns take any


def photo_problem(upload) -> str:
    """ "" for a usable proof photo, else a sentence asking for a retake."""
    try:
        upload.seek(0)
        image = Image.open(upload)
        image.draft("L", (320, 320))
        gray = image.convert("L")
    except (UnidentifiedImageError, OSError):
        return "The photo could not be read; take it again."
    finally:
        upload.seek(0)
    gray.thumbnail((320, 320))
    if ImageStat.Stat(gray).mean[0] < DARK_BELOW:
        return "The photo is too dark: retake it with more light."
    edges = gray.filter(ImageFilter.FIND_EDGES)
    inner = edges.crop((1, 1, max(2, edges.width - 1), max(2, edges.height - 1)))  # no border
    if ImageStat.Stat(inner).stddev[0] < BLURRED_BELOW:
        return "The photo is blurred: hold still and retake it."
    return ""


def occurred_at_checked(at: datetime | None, field: str = "occurred_at") -> datetime:
    """When an action happened on the phone: now, or a time in the last two days (a queue that
    waited for the connection), never in the future beyond clock drift.
    """
    now = timezone.now()
    if at is None:
        return now
    if not now - MAX_QUEUE_AGE <= at <= now + CLOCK_DRIFT:
        raise ValidationError({field: "The phone's time for this action is not plausible."})
    return at


def route_package(*, route: Route, code: str) -> Package:
    """The package with tracking id `code` on `route`, or a clear refusal."""
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "Scan or type a tracking number."})
    package = (
        Package.objects.filter(tracking_id__iexact=code, stop__route_stop__route=route)
        .select_related("stop__route_stop")
        .first()
    )
    if package is None:
        raise ValidationError({"code": f"Package {code} is not on route {route.code}."})
    return package


def package_scan(*, route: Route, code: str, route_stop: RouteStop | None = None) -> dict:
    """Check a scanned package belongs to this route (and to `route_stop`, when given)."""
    package = route_package(route=route, code=code)
    rs = package.stop.route_stop
    if route_stop is not None and rs.pk != route_stop.pk:
        raise ValidationError(
            {"code": f"Package {package.tracking_id} belongs to stop {rs.sequence}, not this one."}
        )
    return {"package": package, "route_stop": rs, "state": package_state(package=package)}


def package_state(*, package: Package) -> str:
    return package_state_of(
        package.events.order_by("occurred_at", "id").values_list("kind", flat=True)
    )


def _within_window(package: Package, at: datetime) -> bool | None:
    if package.window_start is None or package.window_end is None:
        return None
    local = timezone.localtime(at, package.manifest.station.tz).time()
    return package.window_start <= local <= package.window_end


def _check_route_open(route: Route) -> None:
    if route.driver_id is None:
        raise ValidationError({"route": "This route has no driver."})
    if route.status == Route.Status.COMPLETED:
        raise ValidationError({"route": f"Route {route.code} is completed."})


def _replay(idempotency_key: str, package: Package, kind: str) -> DeliveryEvent | None:
    existing = DeliveryEvent.objects.filter(idempotency_key=idempotency_key).first()
    if existing and (existing.package_id != package.pk or existing.kind != kind):
        raise ValidationError({"idempotency_key": "This key was used for another action."})
    return existing


@transaction.atomic
def delivery_record(
    *,
    route: Route,
    code: str,
    kind: str,
    idempotency_key: str,
    occurred_at: datetime | None = None,
    queued_at: datetime | None = None,
    reason: str = "",
    delivered_to: str = "",
    note: str = "",
    photo=None,
    latitude=None,
    longitude=None,
) -> tuple[DeliveryEvent, bool]:
    """Record a delivered / failed / returned event. Returns (event, created): a resend with the
    same key returns the first event and records nothing.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError({"idempotency_key": "Send a key of 1 to 64 characters."})
    package = route_package(route=route, code=code)
    existing = _replay(idempotency_key, package, kind)
    if existing:
        return existing, False
    _check_route_open(route)
    occurred_at = occurred_at_checked(occurred_at)
    if queued_at is not None:
        queued_at = occurred_at_checked(queued_at, "queued_at")
    Route.objects.select_for_update().get(pk=route.pk)  # one action at a time per route
    state = package_state(package=package)
    if state == DeliveryEvent.Kind.DELIVERED:
        at = package.events.filter(kind=DeliveryEvent.Kind.DELIVERED).first().occurred_at
        local = timezone.localtime(at, route.station.tz)
        raise ValidationError(
            {"code": f"Package {package.tracking_id} was already delivered at {local:%H:%M}."}
        )
    if state == DeliveryEvent.Kind.RETURNED:
        raise ValidationError(
            {"code": f"Package {package.tracking_id} is already back at the station."}
        )
    event = DeliveryEvent(
        route=route,
        route_stop=package.stop.route_stop,
        package=package,
        driver_id=route.driver_id,
        kind=kind,
        note=note,
        occurred_at=occurred_at,
        queued_at=queued_at,
        idempotency_key=idempotency_key,
        latitude=latitude,
        longitude=longitude,
    )
    if kind == DeliveryEvent.Kind.DELIVERED:
        if delivered_to not in DeliveryEvent.DeliveredTo.values:
            raise ValidationError({"delivered_to": "Say who or where the package was left with."})
        event.delivered_to = delivered_to
        if photo is not None:
            validate_upload(photo, field="photo", kinds=IMAGE_KINDS, max_bytes=MAX_PHOTO_BYTES)
            problem = photo_problem(photo)
            if problem:
                raise ValidationError({"photo": problem})
            event.photo = photo
            event.photo_review = DeliveryEvent.PhotoReview.PENDING
        event.within_window = _within_window(package, event.occurred_at)
    elif kind == DeliveryEvent.Kind.FAILED:
        if reason not in FAIL_REASONS:
            raise ValidationError({"reason": "Choose why the package could not be delivered."})
        event.reason = reason
    elif kind == DeliveryEvent.Kind.RETURNED:
        event.reason = reason if reason in FailureReason.values else FailureReason.OUT_OF_TIME
    else:
        raise ValidationError({"kind": "Choose delivered, failed or returned."})
    # The related rows were just read (the route under lock): checking they exist again would
    # cost a query each on every delivery.
    event.full_clean(
        exclude=["route", "route_stop", "package", "driver"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as error:  # a concurrent resend won the race
        existing = _replay(idempotency_key, package, kind)
        if existing:
            return existing, False
        raise ValidationError(
            {"code": f"Package {package.tracking_id} was already delivered."}
        ) from error
    if route.status == Route.Status.ASSIGNED:
        Route.objects.filter(pk=route.pk).update(status=Route.Status.IN_PROGRESS)
        route.status = Route.Status.IN_PROGRESS
        _announce(ROUTE_STARTED, route, route_data(route))
    _announce_delivery(route=route, event=event)
    return event, True


def _announce(type: str, route: Route, data: dict, occurred_at: datetime | None = None) -> None:
    route_event_emit(
        type=type,
        dsp_id=route.dsp_id,
        station_id=route.station_id,
        data=data,
        occurred_at=occurred_at,
    )


def _announce_delivery(*, route: Route, event: DeliveryEvent) -> None:
    """The delivery event, and the route's completion when its last package is settled."""
    _announce(
        DELIVERY_EVENT_TYPES[event.kind],
        route,
        {
            "delivery_event": event.pk,
            "package": event.package_id,
            "tracking_id": event.package.tracking_id,
            "route": route.pk,
            "route_stop": event.route_stop_id,
            "kind": event.kind,
            "reason": event.reason,
            "within_window": event.within_window,
        },
        occurred_at=event.occurred_at,
    )
    if event.kind == DeliveryEvent.Kind.FAILED or remaining_packages(route=route):
        return
    Kind = DeliveryEvent.Kind
    counts = route.events.aggregate(
        delivered=Count("package", filter=Q(kind=Kind.DELIVERED), distinct=True),
        returned=Count("package", filter=Q(kind=Kind.RETURNED), distinct=True),
        failed_attempts=Count("pk", filter=Q(kind=Kind.FAILED)),
    )
    _announce(ROUTE_COMPLETED, route, {**route_data(route), "packages": counts})


def remaining_packages(*, route: Route) -> list[Package]:
    """Packages on the route neither delivered nor returned: to scan back at the station."""
    done = DeliveryEvent.objects.filter(route=route, kind__in=FINAL).values("package")
    return list(
        Package.objects.filter(stop__route_stop__route=route)
        .exclude(pk__in=done)
        .order_by("stop__route_stop__sequence", "tracking_id")
    )


def remaining_in(stops: list[dict]) -> list[str]:
    """Tracking ids of `remaining_packages`, from the rows `driver_stops` loaded (no query)."""
    return [code for row in stops for code, state in row["packages"] if state not in FINAL]


def driver_stops(*, route: Route) -> list[dict]:
    """The route's stops in order, each with its packages (tracking id, state) and whether
    every package has an outcome. Plain rows from three queries: a route of 200 stops and
    400 packages is read on every reload of the driver's page."""
    kinds: dict[int, list[str]] = defaultdict(list)
    for package_id, kind in route.events.order_by("occurred_at", "id").values_list(
        "package_id", "kind"
    ):
        kinds[package_id].append(kind)
    states = {package_id: package_state_of(k) for package_id, k in kinds.items()}
    packages: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for stop_id, package_id, code in (
        Package.objects.filter(stop__route_stop__route=route)
        .order_by("tracking_id")
        .values_list("stop_id", "pk", "tracking_id")
    ):
        packages[stop_id].append((code, states.get(package_id, PENDING)))
    rows = []
    for pk, sequence, planned, stop_id, address, lat, lon in route.route_stops.order_by(
        "sequence"
    ).values_list(
        "pk",
        "sequence",
        "planned_arrival",
        "stop_id",
        "stop__address",
        "stop__latitude",
        "stop__longitude",
    ):
        mine = packages.get(stop_id, [])
        rows.append(
            {
                "id": pk,
                "sequence": sequence,
                "planned_arrival": planned,
                "address": address,
                "latitude": lat,
                "longitude": lon,
                "packages": mine,
                "done": stop_done(state for _, state in mine),
            }
        )
    return rows
