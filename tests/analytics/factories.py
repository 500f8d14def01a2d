"""Visits for analytics tests: one delivery attempt at an address on a station date."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from routes.models import DeliveryEvent, Manifest, Route
from tests.routes.factories import (
    DeliveryEventFactory,
    PackageFactory,
    RouteStopFactory,
    StopFactory,
)


def day_route(dsp, day: datetime.date, *, code: str = "A1", driver=None) -> Route:
    route, _ = Route.objects.get_or_create(
        dsp=dsp,
        service_date=day,
        code=code,
        defaults={"station": dsp.station, "status": Route.Status.COMPLETED, "driver": driver},
    )
    return route


def visit(
    dsp,
    day: datetime.date,
    *,
    address: str = "1 Elm St, Dallas, TX",
    failed: bool = False,
    within_window: bool | None = None,
    minutes_after_eta: int | None = None,
    lat: str = "32.800000",
    lon: str = "-96.800000",
    route: Route | None = None,
) -> DeliveryEvent:
    """One package at `address` attempted on `day`: delivered (in or out of its window, or a
    number of minutes after its stop's planned arrival) or failed."""
    route = route or day_route(dsp, day)
    manifest, _ = Manifest.objects.get_or_create(station=dsp.station, service_date=day)
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=dsp.station.tz)
    window = (datetime.time(9), datetime.time(17)) if within_window is not None else (None, None)
    package = PackageFactory(
        manifest=manifest,
        dsp=dsp,
        address=address,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        window_start=window[0],
        window_end=window[1],
    )
    route_stop = None
    if minutes_after_eta is not None:
        stop = StopFactory(manifest=manifest, dsp=dsp, address=address)
        sequence = route.route_stops.count() + 1
        route_stop = RouteStopFactory(
            route=route, stop=stop, sequence=sequence, planned_arrival=noon, planned_start=noon
        )
    return DeliveryEventFactory(
        route=route,
        package=package,
        route_stop=route_stop,
        kind=DeliveryEvent.Kind.FAILED if failed else DeliveryEvent.Kind.DELIVERED,
        reason="no_access" if failed else "",
        within_window=None if failed else within_window,
        occurred_at=noon + datetime.timedelta(minutes=minutes_after_eta or 0),
    )


def station_yesterday(dsp) -> datetime.date:
    return timezone.localtime(timezone.now(), dsp.station.tz).date() - datetime.timedelta(days=1)
