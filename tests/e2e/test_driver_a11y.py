"""axe-core on the driver's pages at 390×844: the day, the deliver sheet, the inspection form,
messages and pay have no serious or critical violations; tap targets are at least 44×44 px."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import serious_violations
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import driving_route

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SMALL_TARGETS = """() => [...document.querySelectorAll(
    "#driver-day button, #driver-day select, #driver-day .nav-link")]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.textContent.trim() || el.name, el.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([name, r]) => name + " " + Math.round(r.width) + "x" + Math.round(r.height))"""


def test_the_drivers_pages_pass_axe_and_fit_a_thumb(live_server, phone):
    # given: a driver with a route today
    route = driving_route(stops=2)
    first = route.route_stops.order_by("sequence").first().stop.packages.get()
    sign_in(phone, live_server.url, route.driver.user.email)

    # when / then: the day page
    phone.goto(f"{live_server.url}/routes/my-day/")
    expect(phone.locator("h1")).to_contain_text("My day")
    assert serious_violations(phone) == []
    assert phone.evaluate(SMALL_TARGETS) == []

    # the deliver sheet, with only its own form
    row = phone.locator(f'.pkg[data-package="{first.tracking_id}"]')
    row.get_by_role("button", name="Delivered", exact=True).click()
    expect(row.locator(".deliver-form")).to_be_visible()
    expect(row.locator(".fail-form")).to_be_hidden()
    assert serious_violations(phone, include="#action-sheet") == []
    assert phone.evaluate(SMALL_TARGETS) == []

    # the inspection form, messages and pay
    for path, heading in (
        (f"/fleet/vehicles/{route.vehicle.pk}/inspect/", "Inspect"),
        (f"/routes/{route.pk}/messages/", ""),
        ("/billing/pay/", ""),
    ):
        phone.goto(f"{live_server.url}{path}")
        expect(phone.locator("h1")).to_contain_text(heading)
        assert (path, serious_violations(phone)) == (path, [])
