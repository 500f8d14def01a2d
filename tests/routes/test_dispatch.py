"""Dispatch: assignment (with refusals and the double-assignment race), suggestions, standby
confirmations and routes at risk, the load-out sheet, the van check and punches.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drivers.models import Driver, TimeOff
from dsps.models import Role
from fleet.models import Inspection, OdometerReading, Vehicle
from routes.day.assignment import (
    RiskSummary,
    assignment_suggestions,
    day_confirmation_answer,
    hours_worked,
    punch_record,
    route_assign,
    routes_at_risk,
)
from routes.models import Route, ShiftPunch
from tests.dsps.factories import MembershipFactory
from tests.fleet.factories import InspectionFactory, ready_vehicle
from tests.routes.factories import (
    DeliveryEventFactory,
    PackageFactory,
    RouteFactory,
    driving_route,
    onboarded_dsp,
    ready_driver,
    route_with_packages,
)
from tests.threads import in_thread

pytestmark = pytest.mark.django_db


def _unchanged(route):
    route.refresh_from_db()
    return (route.driver_id, route.vehicle_id, route.status)


def test_assigning_a_ready_driver_and_van_puts_them_on_the_route():
    dsp = onboarded_dsp()
    driver, van = Driver.objects.get(dsp=dsp), Vehicle.objects.get(dsp=dsp)
    route = RouteFactory(dsp=dsp)
    route_assign(route=route, driver=driver, vehicle=van)
    assert _unchanged(route) == (driver.pk, van.pk, Route.Status.ASSIGNED)


def test_a_grounded_van_is_refused_with_the_reason():
    dsp = onboarded_dsp()
    driver, van = Driver.objects.get(dsp=dsp), Vehicle.objects.get(dsp=dsp)
    Vehicle.objects.filter(pk=van.pk).update(
        status=Vehicle.Status.GROUNDED, grounded_reason="Brake light out"
    )
    route = RouteFactory(dsp=dsp)
    with pytest.raises(ValidationError) as refused:
        route_assign(route=route, driver=driver, vehicle=Vehicle.objects.get(pk=van.pk))
    assert refused.value.message_dict == {
        "vehicle": [f"Van {van.plate} is grounded: Brake light out."]
    }
    assert _unchanged(route) == (None, None, Route.Status.DRAFT)


def test_a_van_without_todays_inspection_is_refused():
    dsp = onboarded_dsp()
    driver, van = Driver.objects.get(dsp=dsp), Vehicle.objects.get(dsp=dsp)
    Inspection.objects.filter(vehicle=van).delete()
    route = RouteFactory(dsp=dsp)
    with pytest.raises(ValidationError) as refused:
        route_assign(route=route, driver=driver, vehicle=van)
    assert refused.value.message_dict == {"vehicle": [f"Van {van.plate} has no inspection today."]}
    assert _unchanged(route) == (None, None, Route.Status.DRAFT)


def test_a_van_that_failed_todays_inspection_is_refused():
    dsp = onboarded_dsp()
    van = ready_vehicle(dsp)
    Inspection.objects.filter(vehicle=van).delete()
    InspectionFactory(vehicle=van, result=Inspection.Result.OUT_OF_SERVICE)
    route = RouteFactory(dsp=dsp)
    with pytest.raises(ValidationError) as refused:
        route_assign(route=route, driver=Driver.objects.get(dsp=dsp), vehicle=van)
    assert refused.value.message_dict == {
        "vehicle": [f"Van {van.plate} failed today's inspection."]
    }


def test_a_driver_on_time_off_is_refused_with_the_reason():
    dsp = onboarded_dsp()
    driver, van = Driver.objects.get(dsp=dsp), Vehicle.objects.get(dsp=dsp)
    today = dsp.station.today()
    TimeOff.objects.create(driver=driver, starts_on=today, ends_on=today)
    route = RouteFactory(dsp=dsp)
    with pytest.raises(ValidationError) as refused:
        route_assign(route=route, driver=driver, vehicle=van)
    assert refused.value.message_dict == {
        "driver": [f"On time off from {today:%Y-%m-%d} to {today:%Y-%m-%d}."]
    }
    assert _unchanged(route) == (None, None, Route.Status.DRAFT)


def test_a_driver_already_on_a_route_that_day_is_refused_with_a_clear_message():
    dsp = onboarded_dsp()
    driver = Driver.objects.get(dsp=dsp)
    first = RouteFactory(dsp=dsp, code="A1")
    route_assign(route=first, driver=driver, vehicle=Vehicle.objects.get(dsp=dsp))
    second = RouteFactory(dsp=dsp, code="A2")
    with pytest.raises(ValidationError) as refused:
        route_assign(route=second, driver=driver, vehicle=ready_vehicle(dsp))
    assert refused.value.message_dict == {
        "driver": [f"{driver.full_name} already has a route that day (route A1)."]
    }
    assert _unchanged(second) == (None, None, Route.Status.DRAFT)


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_assigning_the_same_driver_at_once_exactly_one_succeeds():
    # given: one driver, two routes, two vans
    dsp = onboarded_dsp()
    driver = Driver.objects.get(dsp=dsp)
    vans = [Vehicle.objects.get(dsp=dsp), ready_vehicle(dsp)]
    routes = [RouteFactory(dsp=dsp, code="A1"), RouteFactory(dsp=dsp, code="A2")]
    barrier = threading.Barrier(2)
    results = {}

    def assign(route, van):
        def go():
            barrier.wait()
            return route_assign(route=route, driver=driver, vehicle=van)

        return go

    # when: each assignment runs in its own thread, transaction and database connection
    threads = [in_thread(assign(r, v), results, r.code) for r, v in zip(routes, vans, strict=True)]
    for t in threads:
        t.join(timeout=30)
    # then: exactly one route has the driver; the other got a clear message
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Route", "ValidationError"]
    winner = next(r for r in results.values() if isinstance(r, Route))
    loser = next(r for r in results.values() if isinstance(r, ValidationError))
    assert loser.message_dict == {
        "driver": [f"{driver.full_name} already has a route that day (route {winner.code})."]
    }
    assert list(Route.objects.filter(driver=driver).values_list("code", flat=True)) == [winner.code]
    assert Route.objects.filter(status=Route.Status.DRAFT, driver=None).count() == 1


def test_the_suggestion_gives_a_route_to_the_driver_who_knows_its_area_and_their_usual_van():
    # given: two drivers; the second delivered in this route's area before, in the second van
    dsp = onboarded_dsp()
    newcomer = Driver.objects.get(dsp=dsp)
    local = ready_driver(dsp)
    usual_van = ready_vehicle(dsp)
    route = route_with_packages(dsp=dsp, stops=2)
    stop = route.route_stops.first().stop
    yesterday = route.service_date - datetime.timedelta(days=1)
    past = RouteFactory(dsp=dsp, service_date=yesterday, driver=local, vehicle=usual_van)
    for _ in range(3):
        DeliveryEventFactory(
            route=past,
            package=PackageFactory(dsp=dsp, latitude=stop.latitude, longitude=stop.longitude),
        )
    # when
    [suggestion] = assignment_suggestions(dsp=dsp, on=route.service_date)
    # then
    assert (suggestion.route, suggestion.driver, suggestion.vehicle) == (route, local, usual_van)
    assert suggestion.known_deliveries == 3
    assert newcomer != local


def test_the_suggested_assignment_is_applied_from_the_board(client):
    dsp = onboarded_dsp()
    route = route_with_packages(dsp=dsp, stops=1)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    response = client.post(reverse("routes:day-suggest"), {"date": f"{route.service_date}"})
    assert response.status_code == 302
    route.refresh_from_db()
    assert (route.driver, route.vehicle, route.status) == (
        Driver.objects.get(dsp=dsp),
        Vehicle.objects.get(dsp=dsp),
        Route.Status.ASSIGNED,
    )


def test_the_board_comes_back_at_the_routes_row_after_an_unassign_and_at_the_top_on_a_refusal(
    client,
):
    dsp = onboarded_dsp()
    route = route_with_packages(dsp=dsp, stops=1)
    route_assign(
        route=route, driver=Driver.objects.get(dsp=dsp), vehicle=Vehicle.objects.get(dsp=dsp)
    )
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    board = f"{reverse('routes:day-board')}?date={route.service_date:%Y-%m-%d}"

    unassigned = client.post(reverse("routes:day-unassign", args=[route.pk]))
    assert unassigned.url == f"{board}#route-{route.pk}"
    refused = client.post(
        reverse("routes:day-assign", args=[route.pk]), {"driver": "", "vehicle": ""}
    )
    assert refused.url == board


def test_routes_at_risk_count_those_without_a_confirmed_driver_and_list_the_standby_pool():
    dsp = onboarded_dsp()
    rostered = Driver.objects.get(dsp=dsp)
    standby = ready_driver(dsp)
    declined = ready_driver(dsp)
    day = dsp.station.today()
    confirmed = RouteFactory(dsp=dsp, code="A1", driver=rostered)
    unsure = RouteFactory(dsp=dsp, code="A2", driver=declined)
    empty = RouteFactory(dsp=dsp, code="A3")
    day_confirmation_answer(driver=rostered, service_date=day, available=True)
    day_confirmation_answer(driver=declined, service_date=day, available=False)
    day_confirmation_answer(driver=standby, service_date=day, available=True)
    risk = routes_at_risk(dsp=dsp, on=day)
    assert risk.count == 2
    assert risk.routes == [unsure, empty]
    assert risk.standby == [standby]
    assert confirmed not in risk.routes
    # and the summary round-trips through JSON
    data = risk.to_json()
    assert data["routes"] == [unsure.pk, empty.pk] and data["standby"] == [standby.pk]
    assert RiskSummary.from_json(data) == risk


def test_a_route_in_progress_with_its_driver_is_not_at_risk():
    # given: two routes whose drivers never answered, one already out on the road
    dsp = onboarded_dsp()
    day = dsp.station.today()
    waiting = RouteFactory(dsp=dsp, code="B1", driver=Driver.objects.get(dsp=dsp))
    out = RouteFactory(
        dsp=dsp, code="B2", driver=ready_driver(dsp), status=Route.Status.IN_PROGRESS
    )
    # when / then: only the one still waiting for its driver counts
    risk = routes_at_risk(dsp=dsp, on=day)
    assert risk.routes == [waiting]
    assert out not in risk.routes


def test_the_routes_at_risk_card_is_polled_and_follows_new_answers(client):
    # given: a route whose driver has not answered, seen on the board
    dsp = onboarded_dsp()
    driver = Driver.objects.get(dsp=dsp)
    RouteFactory(dsp=dsp, code="R1", driver=driver)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    day = dsp.station.today()
    board = client.get(reverse("routes:day-board")).content.decode()
    assert 'hx-get="/routes/board/risk/?date=' in board and 'hx-trigger="every 10s"' in board
    url = f"{reverse('routes:day-risk')}?date={day:%Y-%m-%d}"
    assert '<span id="risk-count">1</span>' in client.get(url).content.decode()
    # when: the driver confirms
    day_confirmation_answer(driver=driver, service_date=day, available=True)
    # then: the next poll shows no route at risk, without reloading the board
    card = client.get(url).content.decode()
    assert '<span id="risk-count">0</span>' in card and "<h1>" not in card


def test_a_driver_cannot_poll_the_routes_at_risk(client):
    route = driving_route()
    client.force_login(route.driver.user)
    assert client.get(reverse("routes:day-risk")).status_code == 403


def test_a_driver_answers_tomorrows_confirmation_from_the_phone_page(client):
    route = driving_route()
    client.force_login(route.driver.user)
    url = reverse("routes:driver-confirm")
    assert client.get(url).status_code == 200
    client.post(url, {"available": "no"})
    client.post(url, {"available": "yes"})
    answers = list(route.driver.day_confirmations.values_list("service_date", "available"))
    assert answers == [(route.service_date + datetime.timedelta(days=1), True)]


def test_the_board_and_load_out_sheet_show_routes_and_packages_in_stop_order(client):
    route = driving_route(stops=2, per_stop=2)
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    board = client.get(reverse("routes:day-board"))
    assert board.status_code == 200
    assert route.code.encode() in board.content
    sheet = client.get(reverse("routes:day-loadout"), {"date": f"{route.service_date}"})
    text = sheet.content.decode()
    ids = [
        p.tracking_id
        for rs in route.route_stops.order_by("sequence")
        for p in rs.stop.packages.order_by("tracking_id")
    ]
    assert [text.index(i) for i in ids] == sorted(text.index(i) for i in ids)
    assert f"Route {route.code} · Lane A1" in text
    assert route.driver.full_name in text and route.vehicle.plate in text


def test_clocking_in_confirms_the_van_records_the_odometer_and_starts_the_route():
    route = driving_route()
    van = route.vehicle
    punch = punch_record(
        route=route,
        kind="clock_in",
        idempotency_key="k-in",
        odometer_km=van.odometer_km + 120,
        vehicle_plate=van.plate.lower(),
    )
    route.refresh_from_db()
    van.refresh_from_db()
    assert (punch.kind, punch.odometer_km, route.status) == (
        "clock_in",
        van.odometer_km,
        Route.Status.IN_PROGRESS,
    )
    assert OdometerReading.objects.filter(vehicle=van, km=van.odometer_km).count() == 1


def test_clocking_in_with_the_wrong_van_is_refused_and_records_nothing():
    route = driving_route()
    with pytest.raises(ValidationError) as refused:
        punch_record(
            route=route, kind="clock_in", idempotency_key="k", odometer_km=5, vehicle_plate="NOPE"
        )
    assert refused.value.message_dict == {
        "vehicle_plate": [f"This route's van is {route.vehicle.plate}: check the plate."]
    }
    assert ShiftPunch.objects.count() == 0
    route.refresh_from_db()
    assert route.status == Route.Status.ASSIGNED


def test_a_resent_punch_is_recorded_once_and_punches_give_the_hours():
    route = driving_route()
    start = timezone.now() - datetime.timedelta(hours=10)
    plate, km = route.vehicle.plate, route.vehicle.odometer_km
    punch_record(
        route=route,
        kind="clock_in",
        idempotency_key="a",
        at=start,
        odometer_km=km,
        vehicle_plate=plate,
    )
    hour = datetime.timedelta(hours=1)
    punch_record(route=route, kind="break_start", idempotency_key="b", at=start + 4 * hour)
    punch_record(route=route, kind="break_start", idempotency_key="b", at=start + 4 * hour)
    punch_record(route=route, kind="break_end", idempotency_key="c", at=start + 4.5 * hour)
    with pytest.raises(ValidationError) as refused:
        punch_record(route=route, kind="break_end", idempotency_key="d")
    assert refused.value.message_dict == {"kind": ["You are not on a break."]}
    punch_record(route=route, kind="clock_out", idempotency_key="e", at=start + 9 * hour)
    assert ShiftPunch.objects.filter(route=route).count() == 4
    assert hours_worked(route=route) == 8.5


def test_the_assignment_api_refuses_an_unassignable_driver_with_the_reason(client):
    dsp = onboarded_dsp()
    driver = Driver.objects.get(dsp=dsp)
    Driver.objects.filter(pk=driver.pk).update(status=Driver.Status.ON_LEAVE)
    route = RouteFactory(dsp=dsp)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    response = client.post(
        reverse("api:day-assign"),
        {"route": route.pk, "driver": driver.pk, "vehicle": Vehicle.objects.get(dsp=dsp).pk},
    )
    assert response.status_code == 400
    assert response.json()["driver"] == [f"{driver.full_name} is on leave."]
    assert _unchanged(route) == (None, None, Route.Status.DRAFT)


def test_the_assignment_api_does_not_reach_another_dsps_route(client):
    dsp, other = onboarded_dsp(), onboarded_dsp()
    route = RouteFactory(dsp=other)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.OWNER).user)
    response = client.post(
        reverse("api:day-assign"),
        {
            "route": route.pk,
            "driver": Driver.objects.get(dsp=dsp).pk,
            "vehicle": Vehicle.objects.get(dsp=dsp).pk,
        },
    )
    assert response.status_code == 404
    assert _unchanged(route) == (None, None, Route.Status.DRAFT)


def test_a_punch_time_far_in_the_past_is_refused_and_records_nothing():
    route = driving_route()
    with pytest.raises(ValidationError) as refused:
        punch_record(
            route=route,
            kind="clock_in",
            idempotency_key="old",
            at=timezone.now() - datetime.timedelta(days=30),
            odometer_km=route.vehicle.odometer_km,
            vehicle_plate=route.vehicle.plate,
        )
    assert refused.value.message_dict == {
        "at": ["The phone's time for this action is not plausible."]
    }
    assert ShiftPunch.objects.count() == 0
