"""Driver actions sent late from the phone's outbox, as the owner and dispatcher see them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dsps.models import Role
from routes.day.outbox import late_actions_by_route
from routes.models import DeliveryEvent
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


def test_actions_that_waited_on_the_phone_are_counted_per_route_with_the_last_arrival(client):
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

    # and: the dispatcher's board shows it on the route's row
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    page = client.get(reverse("routes:day-board")).content.decode()
    local = timezone.localtime(last)
    assert f"2 · last at {local:%H:%M}" in page
