"""A dispatcher assigns drivers on the board by dragging them onto routes, and by keyboard."""

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


def test_a_dispatcher_drags_drivers_onto_routes_and_sees_a_refusal(live_server, page):
    # given: two draft routes, two assignable drivers, an inspected van and a grounded one
    dsp = onboarded_dsp()
    ready_driver(dsp)
    ready_vehicle(dsp)
    grounded = ready_vehicle(dsp, plate="GRND-1")
    Vehicle.objects.filter(pk=grounded.pk).update(
        status=Vehicle.Status.GROUNDED, grounded_reason="Cracked windscreen"
    )
    route_with_packages(dsp=dsp, stops=2, code="A1")
    route_with_packages(dsp=dsp, stops=2, code="A2")
    drivers = list(Driver.objects.filter(dsp=dsp).order_by("pk"))
    dispatcher = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/board/")
    # then: both routes are at risk, with their fix named on the row
    expect(page.locator('tr[data-route="A1"].at-risk .risk-fix')).to_contain_text("At risk")

    # when: a driver is dropped on A1 whose chosen van is the grounded one
    a1 = page.locator('tr[data-route="A1"]')
    a1.locator("select[name=vehicle]").select_option(str(grounded.pk))
    page.locator(f'.board-driver[data-driver="{drivers[0].pk}"]').drag_to(a1)
    # then: the refusal appears on the route where the driver was dropped
    expect(a1.locator(".drop-reason")).to_have_text("Van GRND-1 is grounded: Cracked windscreen.")
    assert Route.objects.get(code="A1").driver_id is None

    # when: the van is cleared and the driver dropped again (the first free van is taken)
    a1.locator("select[name=vehicle]").select_option("")
    page.locator(f'.board-driver[data-driver="{drivers[0].pk}"]').drag_to(a1)
    # then: the route is assigned and the board says so
    expect(page.locator('tr[data-route="A1"] .badge.assigned')).to_have_text("Assigned")
    expect(page.locator('tr[data-route="A1"]')).to_contain_text(drivers[0].full_name)
    route = Route.objects.get(code="A1")
    assert (route.driver_id, route.status) == (drivers[0].pk, "assigned")
    assert route.vehicle.plate != "GRND-1"


def test_a_keyboard_only_dispatcher_assigns_a_route(live_server, page):
    # given: two draft routes, a driver and a van
    dsp = onboarded_dsp()
    route_with_packages(dsp=dsp, stops=2, code="K1")
    driver = Driver.objects.filter(dsp=dsp).order_by("pk").first()
    dispatcher = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/board/")
    # when: the driver is picked with Enter and Enter is pressed on the route's row
    page.locator(f'.board-driver[data-driver="{driver.pk}"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('tr[data-route="K1"]')).to_be_focused()
    page.keyboard.press("Enter")
    # then
    expect(page.locator('tr[data-route="K1"] .badge.assigned')).to_have_text("Assigned")
    assert Route.objects.get(code="K1").driver_id == driver.pk
