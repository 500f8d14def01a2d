"""A recipient opens their tracking link: the status and an ETA window, nothing else."""

import pytest
from playwright.sync_api import expect

from routes.day.tracking import tracking_link_for
from routes.models import Route
from tests.routes.factories import DeliveryEventFactory, driving_route

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_recipient_link_shows_the_status_and_nothing_else(live_server, phone):
    # given: a route in progress whose first stop is done
    route = driving_route(stops=3)
    Route.objects.filter(pk=route.pk).update(status=Route.Status.IN_PROGRESS)
    first, _, third = (rs.stop.packages.get() for rs in route.route_stops.order_by("sequence"))
    DeliveryEventFactory(route=route, package=first, route_stop=first.stop.route_stop)
    token = tracking_link_for(package=third).token

    # when: someone without an account opens the third package's link
    phone.goto(f"{live_server.url}/routes/track/{token}/")

    # then: the status and the window, and no name, address, package or driver
    expect(phone.locator("h1")).to_have_text("Out for delivery")
    expect(phone.locator("#tracking-status")).to_have_text("1 stop away.")
    expect(phone.locator("#tracking-eta")).to_contain_text("Expected between")
    body = phone.locator("body").inner_text()
    for secret in (
        third.recipient_name,
        third.address,
        third.tracking_id,
        first.tracking_id,
        route.driver.full_name,
        route.dsp.name,
        route.vehicle.plate,
    ):
        assert secret not in body
    assert phone.locator("a").count() == 0
