"""The driver's day: scan, deliver with proof, fail with a reason, return to station; every
action idempotent; bad input refused with a clear message and nothing recorded.
"""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from PIL import Image

from dsps.models import Role
from routes.day.deliveries import photo_problem
from routes.models import DeliveryEvent, FailureReason, Route, ShiftPunch
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import driving_route, onboarded_dsp, route_with_packages

pytestmark = pytest.mark.django_db


def _png(*, dark=False, flat=False) -> SimpleUploadedFile:
    rng = random.Random(7)
    image = Image.new("RGB", (120, 90))
    if dark:
        image.putdata([(rng.randint(0, 20),) * 3 for _ in range(120 * 90)])
    elif flat:
        image.paste((150, 150, 150), (0, 0, 120, 90))
    else:
        image.putdata([(rng.randint(40, 230),) * 3 for _ in range(120 * 90)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("proof.png", out.getvalue(), content_type="image/png")


def _package(route, n=0):
    return route.route_stops.order_by("sequence")[n].stop.packages.first()


def _event(client, route, **fields):
    body = {"route": route.pk, **fields}
    return client.post(reverse("api:day-event"), body)


@pytest.fixture
def route():
    return driving_route(stops=3)


@pytest.fixture
def driver_client(client, route):
    client.force_login(route.driver.user)
    return client


def test_the_driver_sees_their_stops_in_order_with_a_navigation_link(driver_client, route):
    page = driver_client.get(reverse("routes:driver-day")).content.decode()
    stops = list(route.route_stops.order_by("sequence").select_related("stop"))
    positions = [page.index(rs.stop.address) for rs in stops]
    assert positions == sorted(positions)
    first = stops[0].stop
    assert f"destination={first.latitude},{first.longitude}" in page


def test_a_scan_confirms_the_package_belongs_to_the_stop(driver_client, route):
    package = _package(route, 1)
    response = driver_client.post(
        reverse("api:day-scan"), {"route": route.pk, "code": package.tracking_id.lower()}
    )
    assert response.status_code == 200
    assert response.json() == {
        "tracking_id": package.tracking_id,
        "route_stop": package.stop.route_stop.pk,
        "sequence": 2,
        "state": "pending",
    }


def test_a_scan_of_a_package_not_on_the_route_is_refused(driver_client, route):
    response = driver_client.post(reverse("api:day-scan"), {"route": route.pk, "code": "NOPE1"})
    assert response.status_code == 400
    assert response.json()["code"] == [f"Package NOPE1 is not on route {route.code}."]


def test_a_scan_at_the_wrong_stop_names_the_right_one(driver_client, route):
    package = _package(route, 2)
    first_stop = route.route_stops.get(sequence=1)
    response = driver_client.post(
        reverse("api:day-scan"),
        {"route": route.pk, "code": package.tracking_id, "route_stop": first_stop.pk},
    )
    assert response.status_code == 400
    assert response.json()["code"] == [
        f"Package {package.tracking_id} belongs to stop 3, not this one."
    ]


def test_delivering_with_a_photo_records_one_event_and_a_resend_records_nothing(
    driver_client, route
):
    package = _package(route)
    fields = {
        "code": package.tracking_id,
        "kind": "delivered",
        "delivered_to": "household",
        "note": "Handed to a neighbour",
        "idempotency_key": "phone-1",
    }
    first = _event(driver_client, route, **fields, photo=_png())
    again = _event(driver_client, route, **fields, photo=_png())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    event = DeliveryEvent.objects.get()
    assert (event.kind, event.delivered_to, event.photo_review, event.driver) == (
        "delivered",
        "household",
        "pending",
        route.driver,
    )
    assert event.photo.name.startswith("proof/")
    route.refresh_from_db()
    assert route.status == Route.Status.IN_PROGRESS


def test_delivering_a_package_twice_with_a_new_key_is_refused(driver_client, route):
    package = _package(route)
    fields = {"code": package.tracking_id, "kind": "delivered", "delivered_to": "recipient"}
    _event(driver_client, route, **fields, idempotency_key="a")
    response = _event(driver_client, route, **fields, idempotency_key="b")
    assert response.status_code == 400
    assert response.json()["code"][0].startswith(
        f"Package {package.tracking_id} was already delivered at "
    )
    assert DeliveryEvent.objects.count() == 1


def test_a_file_that_is_not_an_image_is_refused_and_nothing_recorded(driver_client, route):
    pdf = SimpleUploadedFile("proof.png", b"%PDF-1.4\n1 0 obj\n", content_type="image/png")
    response = _event(
        driver_client,
        route,
        code=_package(route).tracking_id,
        kind="delivered",
        delivered_to="safe_place",
        idempotency_key="x",
        photo=pdf,
    )
    assert response.status_code == 400
    assert response.json()["photo"] == [
        "The file is not a PNG, JPEG file (checked by its content)."
    ]
    assert DeliveryEvent.objects.count() == 0


@pytest.mark.parametrize(
    "photo, problem",
    [
        ({"dark": True}, "The photo is too dark: retake it with more light."),
        ({"flat": True}, "The photo is blurred: hold still and retake it."),
    ],
)
def test_a_dark_or_blurred_photo_is_refused_with_a_retake_prompt(
    driver_client, route, photo, problem
):
    response = _event(
        driver_client,
        route,
        code=_package(route).tracking_id,
        kind="delivered",
        delivered_to="locker",
        idempotency_key="x",
        photo=_png(**photo),
    )
    assert response.status_code == 400
    assert response.json()["photo"] == [problem]
    assert DeliveryEvent.objects.count() == 0


def test_a_sharp_bright_photo_passes_the_check():
    assert photo_problem(_png()) == ""


def test_failing_needs_a_reason_code(driver_client, route):
    code = _package(route).tracking_id
    refused = _event(driver_client, route, code=code, kind="failed", idempotency_key="f0")
    assert refused.status_code == 400
    assert refused.json()["reason"] == ["Choose why the package could not be delivered."]
    response = _event(
        driver_client, route, code=code, kind="failed", reason="no_access", idempotency_key="f1"
    )
    assert response.status_code == 201
    assert list(DeliveryEvent.objects.values_list("kind", "reason")) == [("failed", "no_access")]


def test_returning_undelivered_packages_to_the_station(driver_client, route):
    code = _package(route).tracking_id
    _event(
        driver_client,
        route,
        code=code,
        kind="failed",
        reason="business_closed",
        idempotency_key="f",
    )
    response = _event(driver_client, route, code=code, kind="returned", idempotency_key="r")
    assert response.status_code == 201
    again = _event(driver_client, route, code=code, kind="returned", idempotency_key="r2")
    assert again.json()["code"] == [f"Package {code} is already back at the station."]
    assert list(DeliveryEvent.objects.values_list("kind", "reason")) == [
        ("failed", "business_closed"),
        ("returned", "out_of_time"),
    ]


def test_a_key_reused_for_another_package_is_refused(driver_client, route):
    _event(
        driver_client,
        route,
        code=_package(route, 0).tracking_id,
        kind="failed",
        reason="no_access",
        idempotency_key="same",
    )
    response = _event(
        driver_client,
        route,
        code=_package(route, 1).tracking_id,
        kind="failed",
        reason="no_access",
        idempotency_key="same",
    )
    assert response.status_code == 400
    assert response.json()["idempotency_key"] == ["This key was used for another action."]
    assert DeliveryEvent.objects.count() == 1


def test_a_driver_cannot_act_on_another_drivers_route(client, route):
    other = route_with_packages(dsp=route.dsp, stops=1)
    client.force_login(route.driver.user)
    response = _event(
        client,
        other,
        code=_package(other).tracking_id,
        kind="failed",
        reason="no_access",
        idempotency_key="k",
    )
    assert response.status_code == 404
    scan = client.post(reverse("api:day-scan"), {"route": other.pk, "code": "X"})
    assert scan.status_code == 404
    assert DeliveryEvent.objects.count() == 0


def test_another_dsps_dispatcher_cannot_record_on_the_route(client, route):
    client.force_login(MembershipFactory(dsp=onboarded_dsp(), role=Role.DISPATCHER).user)
    response = _event(
        client,
        route,
        code=_package(route).tracking_id,
        kind="failed",
        reason="no_access",
        idempotency_key="k",
    )
    assert response.status_code == 404
    assert DeliveryEvent.objects.count() == 0


def test_punch_api_clocks_in_once_per_key(driver_client, route):
    body = {
        "route": route.pk,
        "kind": "clock_in",
        "idempotency_key": "in-1",
        "vehicle_plate": route.vehicle.plate,
        "odometer_km": route.vehicle.odometer_km + 10,
    }
    first = driver_client.post(reverse("api:day-punch"), body)
    again = driver_client.post(reverse("api:day-punch"), body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert route.punches.count() == 1


def test_the_driver_confirmation_api_records_an_answer(driver_client, route):
    day = route.service_date
    response = driver_client.post(
        reverse("api:day-confirmation"), {"service_date": f"{day}", "available": True}
    )
    assert response.status_code == 200
    assert list(route.driver.day_confirmations.values_list("service_date", "available")) == [
        (day, True)
    ]


def test_a_driver_without_a_route_sees_a_friendly_empty_page(client):
    dsp = onboarded_dsp()
    member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    client.force_login(member.user)
    response = client.get(reverse("routes:driver-day"))
    assert b"No route for you today" in response.content


def test_an_action_dated_implausibly_is_refused(driver_client, route):
    response = _event(
        driver_client,
        route,
        code=_package(route).tracking_id,
        kind="failed",
        reason="no_access",
        idempotency_key="k",
        occurred_at="2020-01-01T00:00:00Z",
    )
    assert response.status_code == 400
    assert response.json()["occurred_at"] == ["The phone's time for this action is not plausible."]
    assert DeliveryEvent.objects.count() == 0


def test_a_resend_after_the_route_is_completed_still_returns_the_first_event(driver_client, route):
    fields = {"code": _package(route).tracking_id, "kind": "failed", "reason": "no_access"}
    first = _event(driver_client, route, **fields, idempotency_key="k")
    Route.objects.filter(pk=route.pk).update(status=Route.Status.COMPLETED)
    again = _event(driver_client, route, **fields, idempotency_key="k")
    assert (first.status_code, again.status_code) == (201, 200)
    assert DeliveryEvent.objects.count() == 1


def test_a_driver_cannot_punch_on_another_drivers_route(client, route):
    other = driving_route(stops=1)
    client.force_login(route.driver.user)
    response = client.post(
        reverse("api:day-punch"),
        {"route": other.pk, "kind": "break_start", "idempotency_key": "p"},
    )
    assert response.status_code == 404
    assert other.punches.count() == 0


def _day_page_queries(client, route) -> tuple[int, str]:
    """Queries behind the driver's day page of `route` with its first stop delivered, the
    second failed and the driver clocked in."""
    client.force_login(route.driver.user)
    stops = list(route.route_stops.order_by("sequence").select_related("stop"))
    for rs, kind in ((stops[0], "delivered"), (stops[1], "failed")):
        body = {"code": rs.stop.packages.first().tracking_id, "kind": kind}
        body |= {"idempotency_key": f"{route.pk}-{kind}", "reason": "no_access"}
        body |= {"delivered_to": "recipient"}
        assert _event(client, route, **body).status_code == 201
    ShiftPunch.objects.create(
        driver=route.driver,
        route=route,
        kind=ShiftPunch.Kind.CLOCK_IN,
        at=timezone.now(),
        idempotency_key=f"{route.pk}-in",
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("routes:driver-day"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_day_page_costs_the_same_queries_for_3_stops_as_for_30(client):
    # given: two drivers, one with 3 stops (2 packages each), one with 30
    short, long = driving_route(stops=3, per_stop=2), driving_route(stops=30, per_stop=2)
    # when
    few, short_page = _day_page_queries(client, short)
    many, long_page = _day_page_queries(client, long)
    # then: each page shows its own stops and packages, from the same number of queries
    short_page, long_page = strip_tags(short_page), strip_tags(long_page)
    assert "Stops (3)" in short_page and "Stops (30)" in long_page
    assert "(5 not delivered)" in short_page and "(59 not delivered)" in long_page
    assert many == few


def test_the_day_page_has_one_action_sheet_and_folds_finished_stops(client):
    # given: a route of 30 stops with two packages each; both packages of stop 1 delivered
    route = driving_route(stops=30, per_stop=2)
    client.force_login(route.driver.user)
    first = route.route_stops.order_by("sequence").select_related("stop").first().stop
    for package in first.packages.all():
        body = {"code": package.tracking_id, "kind": "delivered", "delivered_to": "recipient"}
        assert _event(client, route, idempotency_key=package.tracking_id, **body).status_code == 201
    # when
    page = client.get(reverse("routes:driver-day")).content.decode()
    # then: one deliver and one fail form for the whole page, whatever the packages
    assert page.count('class="deliver-form"') == page.count('class="fail-form"') == 1
    # and: Delivered / Failed buttons on the 58 packages still open
    assert page.count('data-act="deliver"') == page.count('data-act="fail"') == 58
    # and: the finished stop is folded away, without a navigation link
    assert page.count('<li class="stop done"') == 1
    assert f"destination={first.latitude},{first.longitude}" not in page
    assert "Stops (30)" in strip_tags(page)


def test_failure_reasons_are_the_doors_and_returns_add_only_the_stations(driver_client, route):
    # one list: every reason seen at the door is also a return reason, and the difference is
    # exactly the two only known at the station
    door = {r.value for r in FailureReason.at_the_door()}
    assert door | {"out_of_time", "missing"} == set(FailureReason.values)
    assert door.isdisjoint({"out_of_time", "missing"})
    # a door reason the old failure list left out is accepted; a station-only one is refused
    first, second = _package(route, 0).tracking_id, _package(route, 1).tracking_id
    body = {"kind": "failed", "reason": "cannot_locate"}
    assert _event(driver_client, route, code=first, idempotency_key="f1", **body).status_code == 201
    body = {"kind": "failed", "reason": "out_of_time"}
    assert (
        _event(driver_client, route, code=second, idempotency_key="f2", **body).status_code == 400
    )
    # the page says which reasons only the station takes, beside each list
    page = strip_tags(driver_client.get(reverse("routes:driver-day")).content.decode())
    assert "Back at the station you may also give: Out of driving time, Missing package." in page
    assert "plus those only known here: Out of driving time, Missing package." in page
