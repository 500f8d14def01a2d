"""The projection and the P&L price a week by the same rules: projecting a closed week from
its own planned routes gives that week's P&L to the cent, when the week ran as planned."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.finances.projection import cash_projection, week_projected
from billing.selectors import week_pnl
from billing.services import statement_generate
from routes.models import Manifest, Route
from tests.billing.factories import WEEK, RateCardFactory, ThresholdSetFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory
from tests.fleet.factories import LeaseFactory, VehicleFactory, VehicleOfferFactory
from tests.routes.factories import (
    DeliveryEventFactory,
    ManifestFactory,
    PackageFactory,
    RouteFactory,
    RouteStopFactory,
    ShiftPunchFactory,
)

pytestmark = pytest.mark.django_db

HOUR = 3600


def _route(dsp, driver, van, day, code, planned_h, km, stops=2, per_stop=3):
    """A route that ran exactly as planned: its punches span its planned hours, every
    planned package was delivered."""
    route = RouteFactory(
        dsp=dsp,
        service_date=day,
        code=code,
        driver=driver,
        vehicle=van,
        status=Route.Status.COMPLETED,
        drive_s=int(planned_h * HOUR) - stops * 600,
        service_s=stops * 600,
        distance_m=km * 1000,
        planned_km=Decimal(km),
    )
    manifest = Manifest.objects.filter(station=dsp.station, service_date=day).first()
    manifest = manifest or ManifestFactory(station=dsp.station, service_date=day)
    for seq in range(1, stops + 1):
        RouteStopFactory(
            route=route, sequence=seq, stop__package_count=per_stop, stop__manifest=manifest
        )
    for _ in range(stops * per_stop):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp, manifest=manifest))
    tz = ZoneInfo(dsp.station.timezone)
    start = datetime.datetime.combine(day, datetime.time(8), tzinfo=tz)
    ShiftPunchFactory(driver=driver, route=route, kind="clock_in", at=start)
    ShiftPunchFactory(
        driver=driver,
        route=route,
        kind="clock_out",
        at=start + datetime.timedelta(hours=planned_h),
    )
    return route


@pytest.fixture
def planned_week():
    """Ann drives Monday to Friday, 8.5 h a day (42.5 h: 2.5 h overtime); Ben drives
    Monday 10.5 h (a long route) and Wednesday 8 h. Two leased vans with an offer, the
    program collects the leases; no tier yet, no maintenance, no supplies."""
    dsp = DspFactory(status="active")
    RateCardFactory(
        station=dsp.station,
        package_rate=Decimal("0.6125"),
        long_route_hours=Decimal("10.0"),
        long_route_fee=Decimal("290.00"),
        collects_fleet_costs=True,
    )
    ThresholdSetFactory(station=dsp.station)
    offer = VehicleOfferFactory()
    vans = []
    for plate in ("BT1", "BT2"):
        van = VehicleFactory(dsp=dsp, plate=plate, offer=offer)
        LeaseFactory(vehicle=van, offer=offer, starts_on=datetime.date(2026, 6, 1))
        vans.append(van)
    ann = DriverFactory(dsp=dsp, hourly_rate=Decimal("20.00"), hired_on=datetime.date(2025, 1, 6))
    ben = DriverFactory(dsp=dsp, hourly_rate=Decimal("22.00"), hired_on=datetime.date(2025, 1, 6))
    for offset in range(1, 6):
        day = WEEK + datetime.timedelta(days=offset)
        _route(dsp, ann, vans[0], day, f"A{offset}", 8.5, 120)
    _route(dsp, ben, vans[1], WEEK + datetime.timedelta(days=1), "B1", 10.5, 150)
    _route(dsp, ben, vans[1], WEEK + datetime.timedelta(days=3), "B3", 8, 90)
    return dsp


def test_projecting_a_closed_week_from_its_planned_routes_gives_its_pnl_to_the_cent(
    planned_week,
):
    # given: the week closed and its statement generated
    statement_generate(dsp=planned_week, week_start=WEEK)
    pnl = week_pnl(dsp=planned_week, week_start=WEEK)
    # when
    projected = week_projected(dsp=planned_week, week_start=WEEK)
    # then: every figure agrees, and so the week's result
    assert projected["routes"] == 7
    assert projected["income"] == pnl["revenue"]
    for name in ("wages", "energy", "leases", "insurance"):
        assert projected["costs"][name] == pnl["expenses"][name], name
    assert (
        projected["costs"]["maintenance"]
        == pnl["expenses"]["maintenance"] + (pnl["expenses"]["repairs"])
    )
    assert projected["net"] == pnl["profit"]
    # and the figures are the ones worked by hand: wages 42.5 × 20 + 2.5 × 10 + 18.5 × 22
    assert pnl["expenses"]["wages"] == Decimal("1282.00")


def test_the_usual_week_is_costed_at_the_hours_worked_not_the_hours_planned():
    # given: last Monday a route planned at 7 h ran 9 h by its punches, at $20.00 an hour
    dsp = DspFactory(status="active")
    driver = DriverFactory(dsp=dsp, hourly_rate=Decimal("20.00"))
    monday = datetime.date(2026, 11, 9)
    route = _route(dsp, driver, None, monday - datetime.timedelta(days=7), "U1", 7, 100)
    route.punches.filter(kind="clock_out").update(
        at=datetime.datetime.combine(
            route.service_date, datetime.time(17), tzinfo=ZoneInfo(dsp.station.timezone)
        )
    )
    # when: projecting from this Monday, which has no routes planned yet
    week = cash_projection(dsp=dsp, today=monday, weeks=1)["weeks"][0]
    # then: Monday takes a quarter of last Monday's worked hours: 9 h × 20.00 / 4
    assert week["costs"]["wages"] == Decimal("45.00")
