"""A fixed driver week for the pay tests: five routes, punches with breaks, deliveries."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.models import IncentiveRate
from dsps.models import Role
from tests.billing.factories import WEEK, ThresholdSetFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.routes.factories import (
    DeliveryEventFactory,
    ManifestFactory,
    PackageFactory,
    RouteFactory,
    RouteStopFactory,
    ShiftPunchFactory,
)


def driver_week(*, dsp=None, week=WEEK, deliveries_per_day: int = 2):
    """Monday to Friday of `week`: clock in 07:00, break 12:00–12:30, clock out 16:15 (8.75 h a
    day, 43.75 h in all) on one route a day with two stops; $22.00 an hour; the DSP passes on
    $0.075 a package at Fantastic Plus, which a 100 % delivery rate earns (DCR is the only
    weighted metric here)."""
    dsp = dsp or DspFactory(status="active")
    ThresholdSetFactory(station=dsp.station, week_start=week, weights={"dcr": 1})
    IncentiveRate.objects.create(dsp=dsp, tier="fantastic_plus", per_package=Decimal("0.0750"))
    IncentiveRate.objects.create(dsp=dsp, tier="great", per_package=Decimal("0.0100"))
    member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    driver = DriverFactory(dsp=dsp, user=member.user, hourly_rate=Decimal("22.00"))
    tz = ZoneInfo(dsp.station.timezone)
    routes = []
    for offset in range(1, 6):
        day = week + datetime.timedelta(days=offset)
        route = RouteFactory(dsp=dsp, service_date=day, driver=driver, status="completed")
        manifest = ManifestFactory(station=dsp.station, service_date=day)
        for seq in (1, 2):
            RouteStopFactory(route=route, sequence=seq, stop__manifest=manifest)
        for _ in range(deliveries_per_day):
            DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
        for kind, hh, mm in (
            ("clock_in", 7, 0),
            ("break_start", 12, 0),
            ("break_end", 12, 30),
            ("clock_out", 16, 15),
        ):
            at = datetime.datetime.combine(day, datetime.time(hh, mm), tzinfo=tz)
            ShiftPunchFactory(driver=driver, route=route, kind=kind, at=at)
        routes.append(route)
    return driver, routes
