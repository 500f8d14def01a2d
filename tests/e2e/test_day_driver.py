"""A driver's day on a 390×844 phone: start, scan, deliver with a photo, fail one while the
network is down, and the queued action is sent exactly once when it returns.
"""

import io
import random

import pytest
from PIL import Image
from playwright.sync_api import expect

from routes.models import DeliveryEvent, LocationPing, ShiftPunch
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import driving_route

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _photo(*, dark: bool) -> dict:
    rng = random.Random(3)
    image = Image.new("RGB", (160, 120))
    low, high = (0, 15) if dark else (40, 230)
    image.putdata([(rng.randint(low, high),) * 3 for _ in range(160 * 120)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return {"name": "proof.png", "mimeType": "image/png", "buffer": out.getvalue()}


def test_a_driver_delivers_and_fails_with_one_action_sent_after_the_network_returns(
    live_server, phone
):
    # given: a driver with an assigned route of two stops
    route = driving_route(stops=2)
    first, second = (rs.stop.packages.get() for rs in route.route_stops.order_by("sequence"))
    sign_in(phone, live_server.url, route.driver.user.email)
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 32.7801, "longitude": -96.8002})
    phone.goto(f"{live_server.url}/routes/my-day/")
    expect(phone.locator("h1")).to_contain_text("My day")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # the same page shares the position while the route is out
    expect(phone.locator("#ping-status")).to_contain_text("Position shared at")
    ping = LocationPing.objects.get(route=route)
    assert (str(ping.latitude), str(ping.longitude)) == ("32.780100", "-96.800200")

    # when: the driver confirms the van and the odometer
    expect(phone.locator("#shift-state")).to_have_text(
        "Confirm your van and odometer to start your day."
    )
    picker = phone.locator("#start-form [name=vehicle_plate]")
    expect(picker.locator("option").first).to_have_text(f"Your van · {route.vehicle.plate}")
    expect(picker).to_have_value(route.vehicle.plate)
    phone.fill("#start-form [name=odometer_km]", str(route.vehicle.odometer_km + 42))
    phone.click("#start-form button")
    expect(phone.locator("#shift-state")).to_have_text("On route.")
    expect(phone.locator("#start-form")).to_be_hidden()
    expect(phone.get_by_role("button", name="End break")).to_be_hidden()
    expect(phone.locator("#outbox-waiting")).to_have_text("Nothing waiting to send")

    # and: scans a package of the route, then one that is not on it
    phone.fill("#scan-code", first.tracking_id)
    phone.press("#scan-code", "Enter")
    expect(phone.locator("#scan-result")).to_contain_text(f"{first.tracking_id}: stop 1")
    phone.fill("#scan-code", "NOTHERE1")
    phone.press("#scan-code", "Enter")
    expect(phone.locator("#scan-result")).to_have_text(
        f"Package NOTHERE1 is not on route {route.code}."
    )

    # and: delivers the first with a photo (the scan opened its form); a dark photo is
    # flagged for a retake first
    package = phone.locator(f'.pkg[data-package="{first.tracking_id}"]')
    form = package.locator(".deliver-form")
    expect(form).to_be_visible()
    expect(package.locator(".fail-form")).to_be_hidden()  # one sheet per action
    form.locator("[name=delivered_to]").select_option("safe_place")
    form.locator("[name=photo]").set_input_files(_photo(dark=True))
    form.locator("button").click()
    expect(form.locator(".photo-warning")).to_have_text(
        "The photo is too dark: retake it with more light."
    )
    assert DeliveryEvent.objects.count() == 0
    form.locator("[name=photo]").set_input_files(_photo(dark=False))
    form.locator("button").click()
    expect(package.locator(".state")).to_have_text("Delivered")
    expect(package.get_by_role("button")).to_have_count(0)

    # and: fails the second while the network is cut
    phone.context.set_offline(True)
    package = phone.locator(f'.pkg[data-package="{second.tracking_id}"]')
    package.get_by_role("button", name="Failed", exact=True).click()
    package.locator(".fail-form [name=reason]").select_option("recipient_unavailable")
    package.locator(".fail-form button").click()
    expect(phone.locator("#outbox-waiting")).to_have_text("1 action waiting to send")
    assert DeliveryEvent.objects.filter(kind="failed").count() == 0

    # then: when the network returns the action is sent, exactly once
    phone.context.set_offline(False)
    expect(package.locator(".state")).to_have_text("Attempt failed", timeout=15000)
    expect(phone.locator("#outbox-waiting")).to_have_text("Nothing waiting to send")
    phone.reload()
    expect(phone.locator(f'.pkg[data-package="{second.tracking_id}"] .state')).to_have_text(
        "Attempt failed"
    )
    events = list(DeliveryEvent.objects.order_by("id").values_list("package", "kind", "reason"))
    assert events == [
        (first.pk, "delivered", ""),
        (second.pk, "failed", "recipient_unavailable"),
    ]
    delivered = DeliveryEvent.objects.get(kind="delivered")
    assert (delivered.delivered_to, delivered.photo_review) == ("safe_place", "pending")
    assert list(ShiftPunch.objects.values_list("kind", "odometer_km")) == [
        ("clock_in", route.vehicle.odometer_km + 42)
    ]
