"""A dispatcher assigns the day's routes on the board and prints the load-out sheet."""

import pytest
from playwright.sync_api import expect

from drivers.models import Driver
from dsps.models import Role
from fleet.models import Vehicle
from routes.models import Route
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.fleet.factories import ready_vehicle
from tests.routes.factories import onboarded_dsp, ready_driver, route_with_packages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_dispatcher_assigns_routes_and_sees_the_load_out_sheet(live_server, page):
    # given: two planned routes, two assignable drivers, two inspected vans and a grounded one
    dsp = onboarded_dsp()
    ready_driver(dsp)
    ready_vehicle(dsp)
    grounded = ready_vehicle(dsp, plate="GRND-1")
    Vehicle.objects.filter(pk=grounded.pk).update(
        status=Vehicle.Status.GROUNDED, grounded_reason="Cracked windscreen"
    )
    first = route_with_packages(dsp=dsp, stops=2, code="A1")
    second = route_with_packages(dsp=dsp, stops=2, code="A2")
    drivers = list(Driver.objects.filter(dsp=dsp).order_by("pk"))
    dispatcher = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/board/")
    expect(page.locator("#risk-count")).to_have_text("2")

    # when: the grounded van is chosen for A1, it is refused with the reason
    row = page.locator('tr[data-route="A1"]')
    row.locator("select[name=driver]").select_option(str(drivers[0].pk))
    row.locator("select[name=vehicle]").select_option(str(grounded.pk))
    row.locator("button[type=submit]").click()
    expect(page.locator(".messages, .msg").first).to_contain_text(
        "Van GRND-1 is grounded: Cracked windscreen."
    )

    # and: A1 gets a good van by hand, A2 from the suggestion
    van = Vehicle.objects.filter(dsp=dsp).exclude(pk=grounded.pk).order_by("pk").first()
    row = page.locator('tr[data-route="A1"]')
    row.locator("select[name=driver]").select_option(str(drivers[0].pk))
    row.locator("select[name=vehicle]").select_option(str(van.pk))
    row.locator("button[type=submit]").click()
    expect(page.locator('tr[data-route="A1"]')).to_contain_text(drivers[0].full_name)
    page.click("#suggest-form button")
    expect(page.locator('tr[data-route="A2"]')).to_contain_text(drivers[1].full_name)

    # then: both routes are assigned, and the load-out sheet lists them with their packages
    assert sorted(Route.objects.values_list("code", "status")) == [
        ("A1", "assigned"),
        ("A2", "assigned"),
    ]
    page.click("#loadout-link")
    expect(page.locator("h1")).to_contain_text("Load-out sheet")
    sheet = page.locator('.loadout-route[data-route="A1"]')
    expect(sheet).to_contain_text("Lane A1")
    expect(sheet).to_contain_text(drivers[0].full_name)
    expect(sheet).to_contain_text(van.plate)
    for rs in first.route_stops.all():
        for package in rs.stop.packages.all():
            expect(sheet).to_contain_text(package.tracking_id)
    expect(page.locator('.loadout-route[data-route="A2"]')).to_contain_text(
        second.route_stops.first().stop.packages.first().tracking_id
    )
