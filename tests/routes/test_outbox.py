"""Driver actions sent late from the phone's outbox, as the owner and dispatcher see them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dsps.models import Role
from routes.day.outbox import late_actions_by_route, route_close
from routes.models import DeliveryEvent, Route, ShiftPunch
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import driving_route

pytestmark = pytest.mark.django_db


def _send(client, route, n, *, queued_minutes_ago):
    package = route.route_stops.order_by("sequence")[n].stop.packages.get()
    at = timezone.now() - timedelta(minutes=queued_minutes_ago)
    response = client.post(
        reverse("api:day-event"),
        {
            "route": route.pk,
            "code": package.tracking_id,
            "kind": "failed",
            "reason": "recipient_unavailable",
            "idempotency_key": f"k{n}",
            "occurred_at": at.isoformat(),
        },
    )
    assert response.status_code == 201, response.content


def test_actions_that_waited_on_the_phone_are_counted_per_route_with_the_last_arrival(
    client, settings
):
    # given: a driver sends one action at once and two that waited 10 and 40 minutes offline
    route = driving_route(stops=3)
    other = driving_route(stops=1)
    client.force_login(route.driver.user)
    _send(client, route, 0, queued_minutes_ago=0)
    _send(client, route, 1, queued_minutes_ago=10)
    _send(client, route, 2, queued_minutes_ago=40)
    last = DeliveryEvent.objects.order_by("created_at").last().created_at

    # when
    late = late_actions_by_route(route_ids=[route.pk, other.pk])

    # then: two late on this route, none on the other
    assert list(late) == [route.pk]
    assert (late[route.pk].count, late[route.pk].last_received_at) == (2, last)

    # and: the dispatcher's board shows it on the route's row, on the station's clock even
    # when the server runs in another zone
    settings.TIME_ZONE = "Asia/Tokyo"
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    page = client.get(reverse("routes:day-board")).content.decode()
    local = timezone.localtime(last, route.station.tz)
    assert f"2 · last at {local:%H:%M}" in page


def test_late_is_measured_from_when_the_phone_queued_the_action(client):
    # given: a delivery recorded on the phone 30 minutes after it happened but sent at once,
    # and a punch queued offline 20 minutes ago
    route = driving_route(stops=1)
    client.force_login(route.driver.user)
    package = route.route_stops.get().stop.packages.get()
    now = timezone.now()
    response = client.post(
        reverse("api:day-event"),
        {
            "route": route.pk,
            "code": package.tracking_id,
            "kind": "failed",
            "reason": "recipient_unavailable",
            "idempotency_key": "late-entry",
            "occurred_at": (now - timedelta(minutes=30)).isoformat(),
            "queued_at": now.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    queued = now - timedelta(minutes=20)
    response = client.post(
        reverse("api:day-punch"),
        {
            "route": route.pk,
            "kind": "clock_in",
            "idempotency_key": "offline-punch",
            "at": queued.isoformat(),
            "queued_at": queued.isoformat(),
            "vehicle_plate": route.vehicle.plate,
            "odometer_km": route.vehicle.odometer_km + 1,
        },
    )
    assert response.status_code == 201, response.content

    # when
    late = late_actions_by_route(route_ids=[route.pk])

    # then: only the punch waited on the phone; both rows keep their queued time
    assert late[route.pk].count == 1
    assert late[route.pk].last_received_at == ShiftPunch.objects.get().created_at
    assert DeliveryEvent.objects.get().queued_at == now
    assert ShiftPunch.objects.get().queued_at == queued


def test_a_queued_time_in_the_future_is_refused_naming_the_field(client):
    route = driving_route(stops=1)
    client.force_login(route.driver.user)
    package = route.route_stops.get().stop.packages.get()
    response = client.post(
        reverse("api:day-event"),
        {
            "route": route.pk,
            "code": package.tracking_id,
            "kind": "failed",
            "reason": "recipient_unavailable",
            "idempotency_key": "future",
            "queued_at": (timezone.now() + timedelta(hours=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.json() == {"queued_at": ["The phone's time for this action is not plausible."]}
    assert DeliveryEvent.objects.count() == 0


def _ping(client, *, outbox, minutes_ago=0):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    response = client.post(
        reverse("api:ping-list"),
        {
            "latitude": "32.780000",
            "longitude": "-96.800000",
            "recorded_at": at.isoformat(),
            "outbox": outbox,
            "outbox_reported_at": at.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return at


def test_a_route_is_not_closed_while_the_phone_reports_actions_waiting(client):
    # given: the driver's phone reports 3 actions still on it, then a late ping of an older 0
    route = driving_route(stops=1)
    Route.objects.filter(pk=route.pk).update(status=Route.Status.IN_PROGRESS)
    client.force_login(route.driver.user)
    reported = _ping(client, outbox=3)
    _ping(client, outbox=0, minutes_ago=5)
    route.refresh_from_db()
    assert (route.phone_outbox, route.phone_outbox_reported_at) == (3, reported)

    # when: the dispatcher closes the route
    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    with pytest.raises(ValidationError) as refused:
        route_close(route=route)

    # then: refused, naming the count and when it was reported; the route is still open
    at = timezone.localtime(reported, route.station.tz)
    assert refused.value.message_dict == {
        "route": [
            f"Route {route.code} cannot be closed: the driver's phone reported 3 actions not sent "
            f"yet at {at:%H:%M}. Ask the driver to open the app with a signal, and close it once "
            "they are sent."
        ]
    }
    route.refresh_from_db()
    assert route.status == Route.Status.IN_PROGRESS

    # and: the board shows what waits on the phone
    client.force_login(dispatcher)
    page = client.get(reverse("routes:day-board")).content.decode()
    assert f"3 waiting</span> · at {at:%H:%M}" in page

    # when: the phone has sent them and reports 0, the dispatcher closes it from the board
    client.force_login(route.driver.user)
    _ping(client, outbox=0)
    client.force_login(dispatcher)
    response = client.post(reverse("routes:day-close", args=[route.pk]), follow=True)

    # then: the route is completed and takes no more deliveries
    assert f"Route {route.code} is closed." in response.content.decode()
    route.refresh_from_db()
    assert route.status == Route.Status.COMPLETED
