"""One fixed week, worked by hand: every line of the statement and every metric of the
scorecard asserted exactly.

Week of Sunday 2026-11-01 at a station, two routes on Monday 2026-11-02:
  R1 (driver Ann, van V1, passing inspection): 10 packages delivered, all photos accepted,
     8 inside their window, 2 without a window; one later reported not received.
  R2 (driver Ben, van V2, no inspection): 8 delivered (6 photos accepted, 2 without photo;
     5 inside the window, 1 outside, 2 without a window), 2 failed (no access); one negative
     feedback; Ben had a speeding event that day.
Rates: route 230.00, package 0.6125, van 150.00 a week, Fair incentive 0.01 a package,
onboarding 500.00 (Ann hired on 2026-11-03), service failure 25.00, the program collects
van leases (two vans at 1,260.00 a month).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.models import Statement, StatementLine
from billing.selectors import week_pnl
from billing.services import statement_generate, statement_line_add
from drivers.models import SafetyIncident
from routes.models import CustomerFeedback, DeliveryEvent, Route, ShiftPunch
from tests.billing.factories import WEEK, RateCardFactory, ThresholdSetFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory
from tests.fleet.factories import InspectionFactory, LeaseFactory, VehicleFactory
from tests.routes.factories import (
    CustomerFeedbackFactory,
    DeliveryEventFactory,
    PackageFactory,
    RouteFactory,
    ShiftPunchFactory,
)

MONDAY = datetime.date(2026, 11, 2)
CHICAGO = ZoneInfo("America/Chicago")


def at(hour, minute=0):
    return datetime.datetime(2026, 11, 2, hour, minute, tzinfo=CHICAGO)


def deliver(route, n, **kwargs):
    return [
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=route.dsp), **kwargs)
        for _ in range(n)
    ]


@pytest.fixture
def week(db):
    dsp = DspFactory()
    station = dsp.station
    RateCardFactory(
        station=station,
        package_rate=Decimal("0.6125"),
        incentive_per_package={"fantastic": "0.05", "fair": "0.01"},
        onboarding_pay=Decimal("500.00"),
        service_failure_chargeback=Decimal("25.00"),
        collects_fleet_costs=True,
    )
    ThresholdSetFactory(
        station=station,
        thresholds={
            "dcr": [95, 90, 85, 80],
            "dnr_dpmo": [10000, 50000, 60000, 70000],
            "pod": [95, 90, 85, 80],
            "cdf_dpmo": [60000, 70000, 80000, 90000],
            "within_window": [95, 92, 90, 85],
            "safety": [10, 20, 40, 60],
            "inspections": [100, 99, 97, 95],
        },
        weights={
            "dcr": 1,
            "dnr_dpmo": 1,
            "pod": 1,
            "cdf_dpmo": 1,
            "within_window": 2,
            "safety": 1,
            "inspections": 0,
        },
    )
    ann = DriverFactory(
        dsp=dsp,
        first_name="Ann",
        last_name="Avery",
        hourly_rate=Decimal("20.00"),
        hired_on=datetime.date(2026, 11, 3),
    )
    ben = DriverFactory(
        dsp=dsp,
        first_name="Ben",
        last_name="Brook",
        hourly_rate=Decimal("22.00"),
        hired_on=datetime.date(2025, 5, 1),
    )
    v1, v2 = VehicleFactory(dsp=dsp, plate="V1"), VehicleFactory(dsp=dsp, plate="V2")
    for van in (v1, v2):
        LeaseFactory(vehicle=van, starts_on=datetime.date(2026, 6, 1))
    InspectionFactory(vehicle=v1, inspected_on=MONDAY)
    r1 = RouteFactory(
        dsp=dsp,
        service_date=MONDAY,
        code="R1",
        driver=ann,
        vehicle=v1,
        status=Route.Status.COMPLETED,
        distance_m=100_000,
    )
    r2 = RouteFactory(
        dsp=dsp,
        service_date=MONDAY,
        code="R2",
        driver=ben,
        vehicle=v2,
        status=Route.Status.COMPLETED,
        distance_m=80_000,
    )
    accepted = DeliveryEvent.PhotoReview.ACCEPTED
    r1_events = deliver(r1, 8, photo_review=accepted, within_window=True)
    r1_events += deliver(r1, 2, photo_review=accepted, within_window=None)
    deliver(r2, 5, photo_review=accepted, within_window=True)
    deliver(r2, 1, photo_review=accepted, within_window=False)
    r2_events = deliver(r2, 2, photo_review=DeliveryEvent.PhotoReview.NONE, within_window=None)
    for _ in range(2):
        p = PackageFactory(dsp=dsp)
        DeliveryEventFactory(route=r2, package=p, kind=DeliveryEvent.Kind.LOADED)
        DeliveryEventFactory(
            route=r2, package=p, kind=DeliveryEvent.Kind.FAILED, reason="no_access"
        )
    CustomerFeedbackFactory(package=r1_events[0].package, kind=CustomerFeedback.Kind.NOT_RECEIVED)
    CustomerFeedbackFactory(package=r2_events[0].package, kind=CustomerFeedback.Kind.NEGATIVE)
    SafetyIncident.objects.create(driver=ben, kind=SafetyIncident.Kind.SPEEDING, occurred_at=at(11))
    # Ann: 08:00–17:00 with a 30-minute break = 8.5 h; Ben: 07:00–15:00, no break = 8 h.
    for kind, when in [
        ("clock_in", at(8)),
        ("break_start", at(12)),
        ("break_end", at(12, 30)),
        ("clock_out", at(17)),
    ]:
        ShiftPunchFactory(driver=ann, route=r1, kind=kind, at=when)
    ShiftPunchFactory(driver=ben, route=r2, kind=ShiftPunch.Kind.CLOCK_IN, at=at(7))
    ShiftPunchFactory(driver=ben, route=r2, kind=ShiftPunch.Kind.CLOCK_OUT, at=at(15))
    return dsp


def test_the_worked_week_gives_this_scorecard(week):
    # when
    statement = statement_generate(dsp=week, week_start=WEEK)
    card = week.scorecards.get(week_start=WEEK)
    # then
    m = card.metrics
    assert (m["dcr"]["value"], m["dcr"]["numerator"], m["dcr"]["denominator"]) == (90.0, 18, 20)
    assert m["dnr_dpmo"]["value"] == 55555.56
    assert m["pod"]["value"] == 88.89
    assert m["cdf_dpmo"]["value"] == 55555.56
    assert (m["within_window"]["value"], m["within_window"]["denominator"]) == (92.86, 14)
    assert m["safety"]["value"] == 50.0
    assert m["inspections"]["value"] == 50.0
    assert {k: m[k]["tier"] for k in m if k != "failed_by_reason"} == {
        "dcr": "fantastic",
        "dnr_dpmo": "great",
        "pod": "great",
        "cdf_dpmo": "fantastic_plus",
        "within_window": "fantastic",
        "safety": "fair",
        "inspections": "poor",  # weight 0: shown, but left out of the overall tier
    }
    assert m["failed_by_reason"] == {"no_access": 2}
    assert (card.tier, card.capped, card.routes, card.delivered) == ("fair", False, 2, 18)
    assert statement.tier == "fair"


def test_the_worked_week_gives_this_statement_to_the_cent(week):
    # when
    statement = statement_generate(dsp=week, week_start=WEEK)
    # then
    lines = [(x.kind, x.is_deduction, x.quantity, x.rate, x.amount) for x in statement.lines.all()]
    K = StatementLine.Kind
    assert lines == [
        (K.ROUTES, False, Decimal("2.00"), Decimal("230.0000"), Decimal("460.00")),
        (K.PACKAGES, False, Decimal("18.00"), Decimal("0.6125"), Decimal("11.03")),
        (K.VANS, False, Decimal("2.00"), Decimal("150.0000"), Decimal("300.00")),
        (K.INCENTIVE, False, Decimal("18.00"), Decimal("0.0100"), Decimal("0.18")),
        (K.ONBOARDING, False, Decimal("1.00"), Decimal("500.0000"), Decimal("500.00")),
        (K.SERVICE_FAILURE, True, Decimal("1.00"), Decimal("25.0000"), Decimal("25.00")),
        # 2 × 1,260.00 × 12 × 7 / 365 = 579.945… → 579.95
        (K.LEASE, True, Decimal("1.00"), Decimal("579.9500"), Decimal("579.95")),
    ]
    assert (statement.gross, statement.deductions, statement.net) == (
        Decimal("1271.21"),
        Decimal("604.95"),
        Decimal("666.26"),
    )
    assert statement.gross == sum(x.amount for x in statement.lines.all() if not x.is_deduction)


def test_a_chargeback_and_a_regeneration_keep_the_totals_reconciled(week):
    # given
    statement = statement_generate(dsp=week, week_start=WEEK)
    statement_line_add(
        statement=statement,
        kind=StatementLine.Kind.DAMAGE,
        description="Mirror, van V2",
        quantity=Decimal("1"),
        rate=Decimal("350.00"),
    )
    # when: the beat job runs again
    again = statement_generate(dsp=week, week_start=WEEK)
    # then
    assert again.pk == statement.pk
    assert Statement.objects.filter(dsp=week).count() == 1
    assert again.lines.count() == 8
    assert (again.gross, again.deductions, again.net) == (
        Decimal("1271.21"),
        Decimal("954.95"),
        Decimal("316.26"),
    )


def test_the_worked_week_costs_the_dsp_this_much(week):
    # given
    statement_generate(dsp=week, week_start=WEEK)
    # when
    pnl = week_pnl(dsp=week, week_start=WEEK)
    # then: wages 8.5 × 20 + 8 × 22 = 346.00; the vans have no offer, so no energy figure;
    # the leases (579.95) were already deducted on the statement, so they are not paid twice
    assert pnl["expenses"] == {
        "wages": Decimal("346.00"),
        "energy": Decimal("0.00"),
        "maintenance": Decimal("0.00"),
        "repairs": Decimal("0.00"),
        "leases": Decimal("0.00"),
        "insurance": Decimal("0.00"),
        "supplies": Decimal("0.00"),  # an expense source registered by the supplies app
    }
    assert pnl["revenue"] == Decimal("666.26")
    assert pnl["profit"] == Decimal("320.26")
