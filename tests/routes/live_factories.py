"""Days in progress for the live-tracking tests: routes out, stops planned, events and pings."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from dsps.models import Role
from routes.models import DeliveryEvent, Manifest, Route
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.fleet.factories import VehicleFactory
from tests.routes.factories import (
    DeliveryEventFactory,
    PackageFactory,
    RouteFactory,
    RouteStopFactory,
    StopFactory,
)


def driver_user(dsp):
    """A driver of `dsp` who can sign in (membership + driver profile)."""
    member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    return DriverFactory(dsp=dsp, user=member.user)


def route_out(
    *,
    dsp=None,
    stops: int = 3,
    code: str | None = None,
    status: str = Route.Status.IN_PROGRESS,
    started_min_ago: int = 60,
    gap_min: int = 10,
    lat0: Decimal = Decimal("32.780000"),
    lon0: Decimal = Decimal("-96.800000"),
    step: Decimal = Decimal("0.004000"),
    driver=None,
):
    """A route out today: a driver with a sign-in, a van, `stops` stops in a line eastwards,
    planned `gap_min` minutes apart from `started_min_ago` minutes ago, back an hour after."""
    dsp = dsp or DspFactory()
    driver = driver or driver_user(dsp)
    now = timezone.now()
    departs = now - datetime.timedelta(minutes=started_min_ago)
    route = RouteFactory(
        dsp=dsp,
        driver=driver,
        vehicle=VehicleFactory(dsp=dsp, package_capacity=100),
        status=status,
        service_date=dsp.station.today(),
        departs_at=departs,
        returns_at=departs + datetime.timedelta(minutes=gap_min * (stops + 1) + 30),
        planned_stops=stops,
        **({"code": code} if code else {}),
    )
    manifest = Manifest.objects.get_or_create(station=dsp.station, service_date=route.service_date)[
        0
    ]
    made = []
    for n in range(stops):
        at = departs + datetime.timedelta(minutes=gap_min * (n + 1))
        stop = StopFactory(
            manifest=manifest,
            dsp=dsp,
            latitude=lat0,
            longitude=lon0 + step * n,
            address=f"{code or route.code} stop {n + 1}",
        )
        made.append(
            RouteStopFactory(
                route=route, stop=stop, sequence=n + 1, planned_arrival=at, planned_start=at
            )
        )
    return route, made


def deliver(route_stop, *, minutes_ago: int = 0, kind=DeliveryEvent.Kind.DELIVERED):
    """A package at `route_stop` delivered (or failed) `minutes_ago` minutes ago."""
    route = route_stop.route
    package = PackageFactory(manifest=route_stop.stop.manifest, dsp=route.dsp, stop=route_stop.stop)
    return DeliveryEventFactory(
        route=route,
        route_stop=route_stop,
        package=package,
        kind=kind,
        reason="recipient_unavailable" if kind == DeliveryEvent.Kind.FAILED else "",
        occurred_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
