"""The history generator: a few days of consistent, repeatable data."""

import datetime

from django.db import transaction
from django.db.models import Count, F

from analytics.history import HistoryGenerator
from billing.models import Scorecard
from dsps.models import Role
from routes.models import DeliveryEvent, LocationPing, Package, Route, RouteStop, ShiftPunch
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.fleet.factories import VehicleFactory


def _world():
    dsp = DspFactory()
    MembershipFactory(dsp=dsp, role=Role.OWNER)
    for _ in range(3):
        DriverFactory(dsp=dsp)
        VehicleFactory(dsp=dsp)
    return dsp


def _snapshot(dsp):
    return list(
        DeliveryEvent.objects.filter(route__dsp=dsp)
        .order_by(
            "route__service_date", "route__code", "route_stop__sequence", "package__tracking_id"
        )
        .values_list(
            "route__service_date", "route__code", "package__address", "kind", "within_window"
        )
    )


def test_three_days_of_history_hang_together(db):
    # given
    dsp = _world()
    end = datetime.date(2026, 11, 20)

    # when
    summary = HistoryGenerator(station=dsp.station, stops_per_route=6).run(days=3, end=end)

    # then: every route has its stops in order, every package one attempt on its stop's route
    routes = Route.objects.filter(dsp=dsp)
    assert summary.days == 3
    assert routes.count() == summary.routes >= 3
    assert set(routes.values_list("service_date", flat=True)) == {
        end - datetime.timedelta(days=n) for n in range(3)
    }
    for route in routes.annotate(n=Count("route_stops")):
        assert route.n == route.planned_stops > 0
        sequences = list(route.route_stops.values_list("sequence", flat=True))
        assert sequences == list(range(1, route.n + 1))
        kinds = dict(route.punches.values_list("kind", "odometer_km"))
        assert list(kinds) == ["clock_in", "break_start", "break_end", "clock_out"]
        assert kinds["clock_out"] > kinds["clock_in"]
    packages = Package.objects.filter(dsp=dsp)
    assert packages.count() == summary.packages == summary.events
    assert DeliveryEvent.objects.filter(route__dsp=dsp).count() == summary.events
    assert not packages.annotate(n=Count("events")).exclude(n=1).exists()
    mismatched = DeliveryEvent.objects.filter(route__dsp=dsp).exclude(route_stop__route=F("route"))
    assert not mismatched.exists()
    assert not DeliveryEvent.objects.filter(
        package__window_start__isnull=True, within_window__isnull=False
    ).exists()
    assert RouteStop.objects.filter(route__dsp=dsp).count() == summary.stops
    assert ShiftPunch.objects.filter(route__dsp=dsp).count() == 4 * summary.routes
    assert 0 < LocationPing.objects.filter(route__dsp=dsp).count() <= summary.stops


def test_scorecards_are_stored_for_the_closed_weeks_generated(db):
    dsp = _world()
    end = datetime.date(2026, 11, 20)  # a Friday; its week (from Sunday the 15th) has closed
    generator = HistoryGenerator(station=dsp.station, stops_per_route=3)
    summary = generator.run(days=3, end=end)

    written = generator.scorecards(days=3, end=end)

    card = Scorecard.objects.get(dsp=dsp)
    assert written == 1
    assert (card.week_start, card.routes) == (datetime.date(2026, 11, 15), summary.routes)


def test_the_generator_is_repeatable_and_adds_nothing_twice(db):
    dsp = _world()
    end = datetime.date(2026, 11, 20)
    with transaction.atomic():
        HistoryGenerator(station=dsp.station, stops_per_route=4).run(days=2, end=end)
        first = _snapshot(dsp)
        transaction.set_rollback(True)
    assert not Route.objects.filter(dsp=dsp).exists()

    HistoryGenerator(station=dsp.station, stops_per_route=4).run(days=2, end=end)
    again = HistoryGenerator(station=dsp.station, stops_per_route=4).run(days=2, end=end)

    assert _snapshot(dsp) == first
    assert again.routes == again.events == 0
