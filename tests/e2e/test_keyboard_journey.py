"""A dispatcher plans the day and assigns every route with the keyboard alone (no pointer)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from drivers.models import Driver
from fleet.models import Vehicle
from routes.models import Route
from routes.services import manifest_import
from tests.dsps.factories import PASSWORD
from tests.e2e.keyboard import (
    assert_focus_visible,
    assert_no_keyboard_trap,
    choose_by_keys,
    tab_to,
)
from tests.e2e.nav import follow_menu_by_keys
from tests.e2e.test_routes_planning import manifest_csv, planning_dispatcher

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_keyboard_only_dispatcher_plans_and_assigns_the_day(
    live_server, page, celery_worker_process
):
    # given: an onboarded DSP with a territory, two vans of eight, two drivers and a manifest
    # of sixteen stops imported for today
    dsp, dispatcher = planning_dispatcher()
    manifest_import(
        user=dispatcher,
        upload=SimpleUploadedFile("day.csv", manifest_csv(bad_row=False)),
        service_date=dsp.station.today(),
    )
    drivers = list(Driver.objects.filter(dsp=dsp).order_by("pk"))
    vans = list(Vehicle.objects.filter(dsp=dsp, status=Vehicle.Status.ACTIVE).order_by("pk"))

    # when: the dispatcher signs in by typing and pressing Enter
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, page.locator("input[name=login]"))
    page.keyboard.type(dispatcher.email)
    tab_to(page, page.locator("input[name=password]"), limit=3)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("today's operations")

    # then: the first Tab offers to skip the menu
    tab_to(page, page.get_by_role("link", name="Skip to content"), limit=1)
    # and: a menu group opened with Enter closes once the focus moves on past its links
    today = page.locator("nav.mainnav details.navgroup").filter(has_text="Dispatch")
    tab_to(page, today.locator("summary"))
    page.keyboard.press("Enter")
    expect(today).to_have_attribute("open", "")
    tab_to(page, page.locator("nav.mainnav summary").filter(has_text="Team"), limit=6)
    expect(today).not_to_have_attribute("open", "")

    # when: Planning is reached through the menu and the day planned with a 3 s time limit
    follow_menu_by_keys(page, "Planning", key="Shift+Tab", limit=2)
    expect(page.locator("#stop-count")).to_contain_text("16 stops to plan")
    tab_to(page, page.locator("input[name=time_limit_s]"))
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    tab_to(page, page.get_by_role("button", name="Plan the day"), limit=1)
    page.keyboard.press("Enter")

    # then: while the real worker solves, Cancel is reachable; when the job is done the focus
    # moves to its outcome instead of dropping to the top of the page
    expect(page.locator("#job-bar")).to_be_visible(timeout=15_000)
    tab_to(page, page.locator("#job-cancel"))
    expect(page.locator("#job-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator("#job-state")).to_be_focused()
    assert_focus_visible(page)
    expect(page.locator("#job-summary")).to_contain_text("16")
    tab_to(page, page.locator("#view-routes"), limit=1)

    # when: the dispatch board is reached through the menu
    follow_menu_by_keys(page, "Dispatch", key="Shift+Tab")
    expect(page.locator("h1")).to_contain_text("Dispatch")
    routes = list(Route.objects.filter(dsp=dsp).order_by("code"))
    assert len(routes) == 2
    first, second = (page.locator(f"#route-{r.pk}") for r in routes)
    # and: the skip link jumps over the menu
    tab_to(page, page.get_by_role("link", name="Skip to content"), limit=1)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # and: a second skip link jumps over the map's stop markers to the routes
    tab_to(page, page.get_by_role("link", name="Skip the map"), limit=10)
    page.keyboard.press("Enter")
    expect(page.locator("#routes-map-end")).to_be_focused()

    # when: the first route's van is chosen from its list, then a driver picked with Enter
    tab_to(page, first.locator("select[name=vehicle]"), limit=8)
    choose_by_keys(page, first.locator("select[name=vehicle]"), vans[0].plate)
    listed = page.locator(f'.board-driver[data-driver="{drivers[0].pk}"]')
    tab_to(page, listed)
    page.keyboard.press("Enter")
    # then: the focus goes to the first route to assign, and the arrow keys move between routes
    expect(first).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("ArrowDown")
    expect(second).to_be_focused()
    # and: Escape lets the driver go and returns to them; Space picks them again
    page.keyboard.press("Escape")
    expect(listed).to_be_focused()
    expect(listed).not_to_have_class(re.compile(r"\bpicked\b"))
    page.keyboard.press(" ")
    expect(listed).to_have_class(re.compile(r"\bpicked\b"))
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    # then: the board comes back with the focus on the assigned route
    expect(first.locator(".badge.assigned")).to_have_text("Assigned")
    expect(first).to_be_focused()
    assert_focus_visible(page)
    expect(first).to_contain_text(f"{drivers[0].full_name} · {vans[0].plate}")

    # when: the second route is assigned through its own driver and van lists and Assign
    tab_to(page, second.locator("select[name=driver]"))
    choose_by_keys(page, second.locator("select[name=driver]"), drivers[1].full_name)
    tab_to(page, second.locator("select[name=vehicle]"), limit=1)
    choose_by_keys(page, second.locator("select[name=vehicle]"), vans[1].plate)
    tab_to(page, second.get_by_role("button", name="Assign"), limit=1)
    page.keyboard.press("Enter")
    # then: the board says so, with the focus on that route
    expect(page.locator(".messages")).to_contain_text(
        f"Route {routes[1].code}: {drivers[1].full_name} in van {vans[1].plate}."
    )
    expect(second).to_be_focused()
    expect(second).to_contain_text(f"{drivers[1].full_name} · {vans[1].plate}")
    # and: every route of the day has its driver and van
    assert sorted(
        Route.objects.filter(dsp=dsp).values_list("code", "status", "driver", "vehicle")
    ) == [
        (routes[0].code, "assigned", drivers[0].pk, vans[0].pk),
        (routes[1].code, "assigned", drivers[1].pk, vans[1].pk),
    ]

    # and: nothing on the board holds the focus: Tab and Shift+Tab each come all the way round
    assert_no_keyboard_trap(page)
    assert_no_keyboard_trap(page, key="Shift+Tab")

    # when: the load-out sheet, the day's next step, is opened from the board
    tab_to(page, page.locator("#loadout-link"), key="Shift+Tab", limit=60)
    page.keyboard.press("Enter")
    # then: it lists each route with its driver and van
    expect(page.locator("h1")).to_contain_text("Load-out sheet")
    for route, driver, van in zip(routes, drivers, vans, strict=True):
        sheet = page.locator(f'.loadout-route[data-route="{route.code}"]')
        expect(sheet).to_contain_text(driver.full_name)
        expect(sheet).to_contain_text(van.plate)
