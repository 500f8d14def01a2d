"""Staff allocation, fair-spread apply and stop moves as an attack: live routes of another DSP,
impossible windows, suspended receivers and tracking ids the receiver already holds."""

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dsps.models import Dsp, Role
from network import services as network_services
from routes.models import Package, Route, RouteStop, Stop
from routes.services import route_stop_move, stop_allocate, stops_reallocate
from tests.dsps.factories import MembershipFactory
from tests.network.factories import overflow_world
from tests.routes.factories import (
    PackageFactory,
    StopFactory,
    onboarded_dsp,
    route_with_packages,
)

pytestmark = pytest.mark.django_db


def _tables():
    return (
        list(Stop.objects.order_by("pk").values()),
        list(Package.objects.order_by("pk").values()),
        list(RouteStop.objects.order_by("pk").values()),
        list(Route.objects.order_by("pk").values()),
    )


@pytest.fixture
def trinity():
    return onboarded_dsp()


@pytest.fixture
def lone_star(trinity):
    return onboarded_dsp(station=trinity.station)


def _uncovered_stop(dsp: Dsp, tracking_id: str = "U1", **window) -> Stop:
    route = route_with_packages(dsp=dsp, stops=1)  # makes the day's manifest
    stop = StopFactory(manifest=route.route_stops.get().stop.manifest, dsp=None, **window)
    PackageFactory(manifest=stop.manifest, stop=stop, dsp=None, tracking_id=tracking_id)
    return stop


def _invert(stop: Stop) -> None:
    # as the old import merge left some: 13:00–12:00
    Stop.objects.filter(pk=stop.pk).update(window_start=time(13), window_end=time(12))


def test_staff_cannot_allocate_a_stop_whose_window_closes_before_it_opens(staff, trinity):
    stop = _uncovered_stop(trinity)
    _invert(stop)
    before = _tables()
    with pytest.raises(ValidationError) as caught:
        stop_allocate(user=staff, stop=stop, dsp=trinity)
    assert caught.value.message_dict["stop"] == [
        f"The window at {stop.address} closes before it opens (13:00–12:00). None moved."
    ]
    assert _tables() == before


def test_staff_cannot_give_a_dsp_a_tracking_id_it_already_holds(staff, trinity):
    stop = _uncovered_stop(trinity, tracking_id="DUP1")
    own = trinity.stops.first()
    PackageFactory(manifest=stop.manifest, stop=own, dsp=trinity, tracking_id="DUP1")
    before = _tables()
    with pytest.raises(ValidationError) as caught:
        stop_allocate(user=staff, stop=stop, dsp=trinity)
    assert caught.value.message_dict["stop"] == [
        "The receiving DSP already has package DUP1; none moved."
    ]
    assert _tables() == before


def test_a_bulk_move_to_a_dsp_suspended_that_day_moves_nothing(staff, trinity, lone_star):
    stop = _uncovered_stop(trinity)
    Dsp.objects.filter(pk=lone_star.pk).update(routes_suspended_from=stop.manifest.service_date)
    before = _tables()
    with pytest.raises(ValidationError) as caught:
        stops_reallocate(
            user=staff,
            station=trinity.station,
            service_date=stop.manifest.service_date,
            moves=[(stop.pk, None, lone_star.pk)],
        )
    assert caught.value.message_dict["dsp"] == [
        f"{lone_star.name} is suspended from new routes that day."
    ]
    assert _tables() == before


def test_a_bulk_move_of_an_impossible_window_moves_nothing(staff, trinity, lone_star):
    first = _uncovered_stop(trinity)
    second = StopFactory(manifest=first.manifest, dsp=None)
    _invert(second)
    before = _tables()
    with pytest.raises(ValidationError):
        stops_reallocate(
            user=staff,
            station=trinity.station,
            service_date=first.manifest.service_date,
            moves=[(first.pk, None, lone_star.pk), (second.pk, None, lone_star.pk)],
        )
    assert _tables() == before


def test_a_fair_spread_is_not_applied_to_a_receiver_suspended_since(staff):
    world = overflow_world()
    proposal = network_services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    Dsp.objects.filter(pk=world.b.pk).update(routes_suspended_from=world.day)
    before = _tables()
    with pytest.raises(ValidationError):
        network_services.allocation_apply(user=staff, proposal=proposal)
    assert _tables() == before


def test_a_dispatcher_cannot_move_another_dsps_stop_through_the_service(trinity, lone_star):
    route = route_with_packages(dsp=lone_star, stops=2, status=Route.Status.ASSIGNED)
    dispatcher = MembershipFactory(dsp=trinity, role=Role.DISPATCHER).user
    before = _tables()
    with pytest.raises(PermissionDenied):
        route_stop_move(user=dispatcher, route_stop=route.route_stops.get(sequence=1), position=2)
    assert _tables() == before


def test_staff_cannot_move_a_stop_on_another_dsps_route_that_is_out(staff, lone_star):
    route = route_with_packages(dsp=lone_star, stops=2, status=Route.Status.IN_PROGRESS)
    before = _tables()
    with pytest.raises(ValidationError):
        route_stop_move(user=staff, route_stop=route.route_stops.get(sequence=1), position=2)
    assert _tables() == before


def test_a_move_on_a_route_with_an_impossible_window_is_refused_not_a_crash(staff, lone_star):
    route = route_with_packages(dsp=lone_star, stops=2)
    _invert(route.route_stops.get(sequence=2).stop)
    before = _tables()
    with pytest.raises(ValidationError) as caught:
        route_stop_move(user=staff, route_stop=route.route_stops.get(sequence=1), position=2)
    assert "closes before it opens (13:00–12:00)" in caught.value.message_dict["to_route"][0]
    assert _tables() == before
