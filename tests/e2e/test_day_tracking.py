"""A recipient opens their tracking link: the package, the DSP, the status, an ETA window and
the delivery point, nothing else."""

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

    # then: the package, the DSP, the status, the window and a marker on the delivery point
    expect(phone.locator("#tracking-package")).to_contain_text(third.tracking_id)
    expect(phone.locator("#tracking-brand")).to_have_text(route.dsp.name)
    expect(phone.locator("h1")).to_have_text("Out for delivery")
    expect(phone.locator("#tracking-map[data-ready='1'] .tracking-address")).to_have_count(1)
    expect(phone.locator("#tracking-status")).to_have_text("1 stop away.")
    expect(phone.locator("#tracking-eta")).to_contain_text("Expected between")
    body = phone.locator("body").inner_text()
    for secret in (
        third.recipient_name,
        third.address,
        first.tracking_id,
        route.driver.full_name,
        route.vehicle.plate,
    ):
        assert secret not in body
    assert phone.locator("a:not(.leaflet-control-attribution a)").count() == 0
    # and no other stop and no driver on the map
    expect(phone.locator("#tracking-map .leaflet-interactive")).to_have_count(1)
