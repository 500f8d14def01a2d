"""The 12-week cash-flow projection on a small fixed example, worked by hand to the cent.

Today is Wednesday 2026-11-25; the program week began Sunday 2026-11-22, so week 0 counts
Wednesday to Saturday (4 days) and weeks 1–11 are whole.
- Rates: route 230.00 (250.00 from 2026-12-06), package 0.60, van 140.00 a week (20.00 a
  van-day), incentive Fantastic 0.05 / Great 0.02 a package. Peak period Mon 2026-11-30 to
  Tue 2026-12-01: 20.00 a route and 0.10 a package.
- Last week's tier: Fantastic, so a drop costs 0.03 a package.
- History (the four weeks before this one): one 8-hour, 100 km route every Monday with 4
  packages delivered, so every projected Monday without a plan has 1 route and 4 packages.
  One 280.00 service in those weeks: upkeep of 10.00 a day.
- Planned: Thursday 2026-11-26, P1 (Ann at 20.00/h, van V1; 9 h, 120 km, 6 packages) and P2
  (no driver yet, so the mean pay rate (20 + 24) / 2 = 22.00; 7 h, 80 km, 5 packages).
- Van V1 (gasoline, 0.140 L/km × 0.95 = 0.133 a km), leased at 1,260.00 a month until
  2026-12-31: 1,260 × 12 / 365 a day.
- Cash on hand 5,000.00; reserve 4,511.00.
"""

import datetime
from decimal import Decimal

import pytest

from billing.finances.projection import cash_projection
from billing.models import FinanceSettings, PeakPeriod, Scorecard
from dsps.models import Role
from fleet.models import Repair
from tests.billing.factories import RateCardFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.fleet.factories import LeaseFactory, RepairFactory, VehicleFactory, VehicleOfferFactory
from tests.routes.factories import (
    DeliveryEventFactory,
    ManifestFactory,
    PackageFactory,
    RouteFactory,
    RouteStopFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)
D = Decimal


@pytest.fixture
def dsp():
    dsp = DspFactory()
    station = dsp.station
    incentive = {"fantastic": "0.05", "great": "0.02"}
    common = {"package_rate": D("0.60"), "van_weekly_fee": D("140.00")}
    RateCardFactory(station=station, incentive_per_package=incentive, **common)
    RateCardFactory(
        station=station,
        effective_from=datetime.date(2026, 12, 6),
        route_fee=D("250.00"),
        incentive_per_package=incentive,
        **common,
    )
    PeakPeriod.objects.create(
        station=station,
        starts_on=datetime.date(2026, 11, 30),
        ends_on=datetime.date(2026, 12, 1),
        per_route=D("20.00"),
        per_package=D("0.10"),
    )
    Scorecard.objects.create(dsp=dsp, week_start=datetime.date(2026, 11, 15), tier="fantastic")
    ann = DriverFactory(dsp=dsp, hourly_rate=D("20.00"))
    DriverFactory(dsp=dsp, hourly_rate=D("24.00"))
    offer = VehicleOfferFactory(energy_per_km=D("0.140"))
    van = VehicleFactory(dsp=dsp, plate="V1", offer=offer)
    LeaseFactory(
        vehicle=van,
        offer=offer,
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 12, 31),
        monthly_rate=D("1260.00"),
    )
    RepairFactory(
        vehicle=van, kind=Repair.Kind.SERVICE, performed_on=datetime.date(2026, 11, 10), cost=280
    )
    for monday in (26, 2, 9, 16):
        day = datetime.date(2026, 10 if monday == 26 else 11, monday)
        route = RouteFactory(
            dsp=dsp,
            service_date=day,
            status="completed",
            drive_s=18000,
            service_s=10800,
            distance_m=100_000,
        )
        for _ in range(4):
            DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    thursday = datetime.date(2026, 11, 26)
    p1 = RouteFactory(
        dsp=dsp,
        service_date=thursday,
        code="P1",
        driver=ann,
        vehicle=van,
        drive_s=21600,
        service_s=10800,
        distance_m=120_000,
    )
    manifest = ManifestFactory(station=dsp.station, service_date=thursday)
    for n in range(3):
        RouteStopFactory(route=p1, sequence=n + 1, stop__manifest=manifest, stop__package_count=2)
    p2 = RouteFactory(
        dsp=dsp, service_date=thursday, code="P2", drive_s=14400, service_s=10800, distance_m=80_000
    )
    RouteStopFactory(route=p2, stop__manifest=manifest, stop__package_count=5)
    FinanceSettings.objects.create(dsp=dsp, cash_on_hand=D("5000.00"), reserve_threshold=D("4511"))
    return dsp


def test_the_projection_prices_planned_and_usual_volume_at_each_weeks_rates(dsp):
    # when
    out = cash_projection(dsp=dsp, today=TODAY)
    weeks = out["weeks"]
    # then: week 0, Wed–Sat, the planned Thursday only
    w0 = weeks[0]
    assert (w0["week_start"], w0["days"], w0["planned_days"]) == (datetime.date(2026, 11, 22), 4, 1)
    assert (w0["routes"], w0["packages"]) == (D(2), D(11))
    assert w0["revenue"] == {
        "routes": D("460.00"),  # 2 × 230
        "packages": D("6.60"),  # 11 × 0.60
        "vans": D("80.00"),  # 4 van-days × 20
        "incentive": D("0.55"),  # 11 × 0.05
        "peak": D("0.00"),
    }
    assert w0["costs"] == {
        "wages": D("334.00"),  # 9 × 20 + 7 × 22
        "energy": D("26.60"),  # 200 km × 0.133
        "leases": D("165.70"),  # 4 days × 1,260 × 12 / 365 = 165.699
        "insurance": D("0.00"),
        "maintenance": D("40.00"),  # 4 × 10
    }
    assert (w0["net"], w0["cash"]) == (D("-19.15"), D("4980.85"))
    assert (w0["drop_difference"], w0["cash_if_drop"]) == (D("0.33"), D("4980.52"))
    # week 1: the usual Monday, inside the peak period
    w1 = weeks[1]
    assert w1["revenue"] == {
        "routes": D("230.00"),
        "packages": D("2.40"),
        "vans": D("140.00"),
        "incentive": D("0.20"),
        "peak": D("20.40"),  # 1 route × 20 + 4 packages × 0.10
    }
    assert w1["costs"] == {
        "wages": D("176.00"),  # 8 h × 22
        "energy": D("13.30"),
        "leases": D("289.97"),  # 7 days: 289.973
        "insurance": D("0.00"),
        "maintenance": D("70.00"),
    }
    assert (w1["net"], w1["cash"], w1["cash_if_drop"]) == (
        D("-156.27"),
        D("4824.58"),
        D("4824.13"),
    )
    # week 2: the new rate card pays 250.00 a route
    assert weeks[2]["revenue"]["routes"] == D("250.00")
    assert (weeks[2]["net"], weeks[2]["cash"]) == (D("-156.67"), D("4667.91"))
    # week 5: the lease ends on Thursday 2026-12-31 (5 days of lease to pay), and the van
    # fee is the whole week's, as the statement pays it for a van leased in the week
    w5 = weeks[5]
    assert (w5["revenue"]["vans"], w5["costs"]["leases"], w5["net"]) == (
        D("140.00"),
        D("207.12"),
        D("-73.82"),
    )
    # weeks 6–11: no van, -6.70 a week (-6.82 after a tier drop)
    assert [w["cash"] for w in weeks] == [
        D("4980.85"),
        D("4824.58"),
        D("4667.91"),
        D("4511.24"),
        D("4354.57"),
        D("4280.75"),
        D("4274.05"),
        D("4267.35"),
        D("4260.65"),
        D("4253.95"),
        D("4247.25"),
        D("4240.55"),
    ]
    assert [w["cash_if_drop"] for w in weeks] == [
        D("4980.52"),
        D("4824.13"),
        D("4667.34"),
        D("4510.55"),
        D("4353.76"),
        D("4279.82"),
        D("4273.00"),
        D("4266.18"),
        D("4259.36"),
        D("4252.54"),
        D("4245.72"),
        D("4238.90"),
    ]


def test_a_tier_drop_is_named_in_money_and_reaches_the_reserve_a_week_earlier(dsp):
    # when
    out = cash_projection(dsp=dsp, today=TODAY)
    # then
    assert (out["tier_label"], out["drop_tier_label"]) == ("Fantastic", "Great")
    assert (out["drop_per_week"], out["drop_total"]) == (D("0.12"), D("1.65"))
    assert out["reserve_warning"] == datetime.date(2026, 12, 20)
    assert out["drop_reserve_warning"] == datetime.date(2026, 12, 13)


def test_the_owner_sees_both_series_and_the_drop_in_money(client, dsp):
    # given
    client.force_login(MembershipFactory(dsp=dsp, role=Role.OWNER).user)
    # when
    page = client.get("/billing/finances/").content.decode()
    # then
    assert "If your tier drops from Fantastic to Great, you lose" in page
    assert '"drop_label": "If the tier drops to Great"' in page
    assert page.count("<tr><td>20") >= 12  # the projection's twelve weeks, listed


def test_projected_wages_pay_overtime_past_forty_hours_per_driver_and_week():
    """Worked by hand (overtime after 40 h at 1.5×):
    - Cy (20.00/h) ran a 12-hour route every Monday to Thursday in the four weeks before this
      one; Di (30.00/h) ran none, so a route without a driver is paid the mean 25.00/h.
    - Week 0 (Wed–Sat): Cy's usual Wednesday and Thursday, 24 h: 24 × 20 = 480.00.
    - Week 1: planned for Cy, 10 h on each of Sunday to Thursday (50 h): 50 × 20 = 1,000.00
      plus 10 h × 20 × 0.5 = 100.00; a 10-hour Friday route without a driver: 10 × 25 =
      250.00, no overtime. Wages 1,350.00.
    - Week 2: Cy's usual Monday to Thursday, 48 h: 48 × 20 = 960.00 plus 8 × 20 × 0.5 = 80.00.
    """
    # given
    dsp = DspFactory()
    cy = DriverFactory(dsp=dsp, hourly_rate=D("20.00"))
    DriverFactory(dsp=dsp, hourly_rate=D("30.00"))
    history = [
        datetime.date(2026, 10, 26) + datetime.timedelta(days=7 * w + d)
        for w in range(4)
        for d in range(4)
    ]
    for day in history:
        RouteFactory(
            dsp=dsp, service_date=day, driver=cy, status="completed", drive_s=32400, service_s=10800
        )
    for n in range(5):
        RouteFactory(
            dsp=dsp,
            service_date=datetime.date(2026, 11, 29) + datetime.timedelta(days=n),
            driver=cy,
            drive_s=25200,
            service_s=10800,
        )
    RouteFactory(dsp=dsp, service_date=datetime.date(2026, 12, 4), drive_s=25200, service_s=10800)
    # when
    weeks = cash_projection(dsp=dsp, today=TODAY)["weeks"]
    # then
    assert [(w["costs"]["wages"], w["overtime"], w["overtime_hours"]) for w in weeks[:3]] == [
        (D("480.00"), D("0.00"), D(0)),
        (D("1350.00"), D("100.00"), D(10)),
        (D("1040.00"), D("80.00"), D(8)),
    ]
    assert weeks[1]["net"] == D("-1350.00")


def test_usual_overtime_is_owed_week_by_week_not_on_the_average_week():
    """Worked by hand (overtime after 40 h at 1.5×): Dy (20.00/h) ran a 10-hour route Monday
    to Friday in two of the four weeks before this one (50 h, 10 h overtime, each) and nothing
    in the other two. Her usual week is 25 h, but she is paid overtime in half the weeks:
    - Week 0 (Wed–Sat): her usual Wednesday to Friday, 30 h in a week she worked, at half
      weight: 15 × 20 = 300.00, no overtime.
    - Week 1: 25 × 20 = 500.00 plus half of 10 h × 20 × 0.5: 5 h and 50.00. Wages 550.00.
    """
    # given
    dsp = DspFactory()
    dy = DriverFactory(dsp=dsp, hourly_rate=D("20.00"))
    for week in (datetime.date(2026, 10, 25), datetime.date(2026, 11, 8)):
        for weekday in range(1, 6):
            RouteFactory(
                dsp=dsp,
                service_date=week + datetime.timedelta(days=weekday),
                driver=dy,
                status="completed",
                drive_s=28800,
                service_s=7200,
            )
    # when
    weeks = cash_projection(dsp=dsp, today=TODAY)["weeks"]
    # then
    assert [(w["costs"]["wages"], w["overtime"], w["overtime_hours"]) for w in weeks[:2]] == [
        (D("300.00"), D("0.00"), D(0)),
        (D("550.00"), D("50.00"), D(5)),
    ]
