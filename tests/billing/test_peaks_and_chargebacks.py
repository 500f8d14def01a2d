"""Peak pay counts only the days inside a peak period; routes the DSP left uncovered or gave
back late are charged back on the statement with the routes as evidence."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from billing.models import PeakPeriod, StatementLine
from billing.services import peak_period_create, statement_generate
from routes.day.assignment import route_unassign
from routes.models import Route
from tests.billing.factories import WEEK, RateCardFactory, approved_statement
from tests.dsps.factories import DspFactory
from tests.routes.factories import DeliveryEventFactory, PackageFactory, RouteFactory

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
K = StatementLine.Kind


def day(n):
    return WEEK + datetime.timedelta(days=n)


def run_route(dsp, n_day, code, packages):
    route = RouteFactory(dsp=dsp, service_date=day(n_day), code=code, status="completed")
    for _ in range(packages):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    return route


def test_peak_pay_counts_only_the_days_inside_the_period():
    # given: a period from Wednesday on; routes on Monday (outside), Wednesday and Thursday
    dsp = DspFactory()
    RateCardFactory(station=dsp.station, incentive_per_package={})
    peak_period_create(
        station=dsp.station,
        name="Holiday peak",
        starts_on=day(3),
        ends_on=day(20),
        per_route=Decimal("20.00"),
        per_package=Decimal("0.10"),
    )
    run_route(dsp, 1, "R1", 3)
    wed = run_route(dsp, 3, "R2", 2)
    thu = run_route(dsp, 4, "R3", 4)
    # when
    statement = statement_generate(dsp=dsp, week_start=WEEK)
    # then
    peak = [
        (x.description, x.quantity, x.rate, x.amount, x.evidence)
        for x in statement.lines.filter(kind=K.PEAK)
    ]
    wed_thu_packages = sorted(
        e.package_id for r in (wed, thu) for e in r.events.filter(kind="delivered")
    )
    assert peak == [
        (
            "Holiday peak per route (Nov 4–Nov 7)",
            Decimal("2.00"),
            Decimal("20.0000"),
            Decimal("40.00"),
            {"routes": [wed.id, thu.id]},
        ),
        (
            "Holiday peak per package (Nov 4–Nov 7)",
            Decimal("6.00"),
            Decimal("0.1000"),
            Decimal("0.60"),
            {"packages": wed_thu_packages},
        ),
    ]
    # 3 routes × 230.00 + 9 packages × 0.60 + peak 40.60
    assert statement.gross == Decimal("690.00") + Decimal("5.40") + Decimal("40.60")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": day(2)}, "ends_on"),  # ends before it starts
        ({"per_route": Decimal("-1")}, "per_route"),
        ({"per_route": Decimal(0), "per_package": Decimal(0)}, "per_route"),
        ({"starts_on": day(10), "ends_on": day(12)}, "starts_on"),  # overlaps the first one
        ({"starts_on": day(-20), "ends_on": day(-15)}, "starts_on"),  # in an approved week
    ],
)
def test_a_bad_peak_period_is_refused_and_nothing_is_saved(change, field):
    # given
    dsp = DspFactory()
    approved_statement(dsp=dsp, week_start=WEEK - datetime.timedelta(days=14))
    PeakPeriod.objects.create(station=dsp.station, starts_on=day(8), ends_on=day(14), per_route=5)
    values = {
        "station": dsp.station,
        "name": "Peak",
        "starts_on": day(3),
        "ends_on": day(6),
        "per_route": Decimal("10"),
        "per_package": Decimal(0),
    }
    # when
    with pytest.raises(ValidationError) as error:
        peak_period_create(**(values | change))
    # then
    assert field in error.value.message_dict
    assert PeakPeriod.objects.count() == 1


def test_uncovered_and_late_cancelled_routes_are_charged_back_with_their_routes(settings):
    # given: rates with both chargebacks and a 12-hour cutoff
    settings.BILLING_LATE_CANCELLATION_CUTOFF_HOURS = 12
    dsp = DspFactory()
    RateCardFactory(
        station=dsp.station,
        uncovered_route_chargeback=Decimal("300.00"),
        late_cancellation_chargeback=Decimal("150.00"),
    )
    departs = datetime.datetime(2026, 11, 4, 8, 0, tzinfo=CHICAGO)
    ran = run_route(dsp, 3, "R1", 2)
    never_assigned = RouteFactory(dsp=dsp, service_date=day(3), code="R2", departs_at=departs)
    assigned_not_run = RouteFactory(
        dsp=dsp, service_date=day(3), code="R3", status="assigned", departs_at=departs
    )
    late = RouteFactory(
        dsp=dsp, service_date=day(3), code="R4", status="assigned", departs_at=departs
    )
    route_unassign(route=late)  # now: long after its departure
    early = RouteFactory(
        dsp=dsp,
        service_date=day(3),
        code="R5",
        departs_at=departs,
        unassigned_at=departs - datetime.timedelta(days=2),
    )
    # given back late, but covered again and run: no chargeback
    covered = run_route(dsp, 4, "R6", 1)
    Route.objects.filter(pk=covered.pk).update(unassigned_at=covered.created_at)
    # when
    statement = statement_generate(dsp=dsp, week_start=WEEK)
    # then
    late.refresh_from_db()
    assert late.unassigned_at is not None
    lines = [
        (x.kind, x.is_deduction, x.quantity, x.amount, x.evidence)
        for x in statement.lines.filter(kind__in=[K.UNCOVERED_ROUTE, K.LATE_CANCELLATION])
    ]
    assert lines == [
        (
            K.UNCOVERED_ROUTE,
            True,
            Decimal("3.00"),
            Decimal("900.00"),
            {"routes": [never_assigned.id, assigned_not_run.id, early.id]},
        ),
        (K.LATE_CANCELLATION, True, Decimal("1.00"), Decimal("150.00"), {"routes": [late.id]}),
    ]
    assert statement.lines.get(kind=K.ROUTES).evidence == {"routes": [ran.id, covered.id]}
    assert statement.deductions == Decimal("1050.00")


def test_a_chargeback_opens_its_routes_as_evidence(client, staff):
    # given
    dsp = DspFactory()
    RateCardFactory(station=dsp.station, uncovered_route_chargeback=Decimal("300.00"))
    RouteFactory(dsp=dsp, service_date=day(2), code="R9")
    statement = statement_generate(dsp=dsp, week_start=WEEK)
    line = statement.lines.get(kind=K.UNCOVERED_ROUTE)
    client.force_login(staff)
    # when
    page = client.get(f"/billing/lines/{line.pk}/").content.decode()
    # then
    assert "R9" in page and "Draft" in page
