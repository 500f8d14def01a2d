"""The manifest import as an attack: foreign territory, live routes, inverted windows, status."""

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dsps.models import Dsp, Role
from routes.manifests.imports import OUTSIDE_TERRITORY
from routes.models import Package, Route, Stop
from tests.dsps.factories import MembershipFactory, TerritoryFactory
from tests.routes.factories import onboarded_dsp, route_with_packages
from tests.routes.test_imports import _import, csv_file

EAST = {
    "type": "Polygon",
    "coordinates": [
        [[-96.79, 32.79], [-96.74, 32.79], [-96.74, 32.83], [-96.79, 32.83], [-96.79, 32.79]]
    ],
}


@pytest.fixture
def trinity(db):
    dsp = onboarded_dsp()
    TerritoryFactory(station=dsp.station, dsp=dsp)  # west: -96.84..-96.79
    return dsp


@pytest.fixture
def lone_star(trinity):
    dsp = onboarded_dsp(station=trinity.station)
    TerritoryFactory(station=dsp.station, dsp=dsp, boundary=EAST)
    return dsp


def _tables():
    return (
        list(Stop.objects.order_by("pk").values()),
        list(Package.objects.order_by("pk").values()),
    )


def test_a_dispatcher_cannot_import_rows_in_another_dsps_territory(trinity, lone_star):
    dispatcher = MembershipFactory(dsp=trinity, role=Role.DISPATCHER).user
    before = _tables()
    with pytest.raises(ValidationError) as caught:
        _import(
            dispatcher,
            csv_file(
                "P1,A,1 Main St,32.806100,-96.806400,,,1,normal",
                "P2,B,9 Elm St,32.806100,-96.760000,,,1,normal",
            ),
        )
    assert caught.value.row_errors == [
        {"row": 3, "column": "latitude", "message": OUTSIDE_TERRITORY}
    ]
    assert lone_star.name not in str(caught.value.row_errors)
    assert _tables() == before


def test_a_row_never_merges_into_a_stop_on_a_route_that_is_out(staff, lone_star):
    route = route_with_packages(dsp=lone_star, stops=1, status=Route.Status.IN_PROGRESS)
    live = route.route_stops.get().stop
    live.latitude, live.longitude, live.window_start, live.window_end = (
        "32.800000",
        "-96.770000",
        time(12, 0),
        time(13, 0),
    )
    live.save()
    before = Stop.objects.filter(pk=live.pk).values().get()
    row = f'X1,A,"{live.address}",32.800000,-96.770000,12:00,13:00,40,high'
    result = _import(staff, csv_file(row), station=lone_star.station)
    assert (result.stops_created, result.stops_merged) == (1, 0)
    assert Stop.objects.filter(pk=live.pk).values().get() == before
    assert Package.objects.get(tracking_id="X1").stop_id != live.pk


def test_windows_that_do_not_overlap_stay_separate_stops(staff, trinity):
    result = _import(
        staff,
        csv_file(
            "P1,A,1 Main St,32.806100,-96.806400,09:00,10:00,1,normal",
            "P2,A,1 Main St,32.806100,-96.806400,13:00,14:00,1,normal",
        ),
        station=trinity.station,
    )
    assert (result.stops_created, result.stops_merged) == (2, 0)
    windows = sorted(Stop.objects.values_list("window_start", "window_end"))
    assert windows == [(time(9), time(10)), (time(13), time(14))]


def test_a_row_never_merges_into_another_dsps_stop(staff, trinity, lone_star):
    other = _import(
        staff, csv_file("P1,A,9 Elm St,32.806100,-96.790500,,,1,normal"), station=trinity.station
    )
    assert other.stops_created == 1
    stop = Stop.objects.get()
    # a hand allocation moves the stop to Trinity; a later row there is Lone Star's ground
    Stop.objects.filter(pk=stop.pk).update(dsp=trinity)
    Package.objects.update(dsp=trinity)
    result = _import(
        staff, csv_file("P2,A,9 Elm St,32.806100,-96.789900,,,1,normal"), station=trinity.station
    )
    assert (result.stops_created, result.stops_merged) == (1, 0)
    assert Stop.objects.get(pk=stop.pk).package_count == 1


@pytest.mark.parametrize("status", [s for s in Dsp.Status if s != Dsp.Status.ACTIVE])
@pytest.mark.parametrize("role", [Role.OWNER, Role.DISPATCHER])
def test_only_an_active_dsp_imports(trinity, status, role):
    user = MembershipFactory(dsp=trinity, role=role).user
    Dsp.objects.filter(pk=trinity.pk).update(status=status)
    before = _tables()
    with pytest.raises(PermissionDenied, match="Only an active DSP can import manifests"):
        _import(user, csv_file("P1,A,1 Main St,32.806100,-96.806400,,,1,normal"))
    assert _tables() == before


def _refusal(user, *rows):
    with pytest.raises(ValidationError) as caught:
        _import(user, csv_file(*rows))
    return caught.value.messages, caught.value.row_errors


def test_an_importer_cannot_tell_another_dsps_tracking_id_from_a_free_one(
    staff, trinity, lone_star
):
    # given: Lone Star's package F1 on today's manifest
    _import(staff, csv_file("F1,A,9 Elm St,32.806100,-96.760000,,,1,normal"), trinity.station)
    dispatcher = MembershipFactory(dsp=trinity, role=Role.DISPATCHER).user
    broken = "X9,B,2 Main St,32.806100,-96.806400,25:00,,1,normal"  # a refusal that names no DSP
    before = _tables()
    # when: Trinity's dispatcher sends the same files with the foreign id and with a free id
    foreign = _refusal(dispatcher, "F1,A,1 Main St,32.806100,-96.806400,,,1,normal", broken)
    free = _refusal(dispatcher, "N1,A,1 Main St,32.806100,-96.806400,,,1,normal", broken)
    # then: the same answer, nothing written
    assert foreign == free
    assert _tables() == before
    # and a clean file with the foreign id imports like one with a free id, into Trinity only
    _import(dispatcher, csv_file("F1,A,1 Main St,32.806100,-96.806400,,,1,normal"))
    _import(dispatcher, csv_file("N1,A,1 Main St,32.806100,-96.806400,,,1,normal"))
    held = set(Package.objects.values_list("tracking_id", "dsp_id"))
    assert held == {("F1", lone_star.pk), ("F1", trinity.pk), ("N1", trinity.pk)}


def test_an_importer_still_hears_of_its_own_duplicate(trinity):
    dispatcher = MembershipFactory(dsp=trinity, role=Role.DISPATCHER).user
    _import(dispatcher, csv_file("P1,A,1 Main St,32.806100,-96.806400,,,1,normal"))
    before = _tables()
    _, rows = _refusal(dispatcher, "P1,A,1 Main St,32.806100,-96.806400,,,1,normal")
    assert rows == [
        {"row": 2, "column": "tracking_id", "message": "Package id P1 appears more than once."}
    ]
    assert _tables() == before


def test_staff_hear_of_a_duplicate_whichever_dsp_holds_it(staff, trinity, lone_star):
    _import(staff, csv_file("F1,A,9 Elm St,32.806100,-96.760000,,,1,normal"), trinity.station)
    before = _tables()
    with pytest.raises(ValidationError) as caught:
        _import(staff, csv_file("F1,A,1 Main St,32.806100,-96.806400,,,1,normal"), trinity.station)
    assert caught.value.row_errors == [
        {"row": 2, "column": "tracking_id", "message": "Package id F1 appears more than once."}
    ]
    assert _tables() == before
