"""The program console, end to end: staff open a station's network dashboard, see an overflow
day, get a fair allocation proposal with its map, apply it, and read the fairness before/after."""

import pytest
from playwright.sync_api import expect

from routes.models import Stop
from tests.dsps.factories import StaffFactory
from tests.e2e.nav import follow_menu
from tests.e2e.test_sign_in import sign_in
from tests.network.factories import STOPS_PER_ROUTE, overflow_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_spread_an_overflow_day_fairly(live_server, page, settings):
    settings.PROGRAM_STOPS_PER_ROUTE = STOPS_PER_ROUTE
    world = overflow_world()
    sign_in(page, live_server.url, StaffFactory().user.email)

    # the dashboard: the overflow, the gaps, the territories drawn without tiles, the chart
    follow_menu(page, "Network")
    expect(page.locator("#gaps")).to_contain_text(f"{world.a.name} has 9 stops for a capacity of 5")
    expect(page.locator("#network-map .leaflet-interactive")).to_have_count(4 + 2)
    expect(page.locator("#volume-chart")).to_have_attribute("data-ready", "1")
    page.click("#colour-toggle")
    expect(page.locator("#map-legend")).to_contain_text("Completion last week")

    # the proposal: a table, a map of the moves and the fairness before / after
    page.click("text=Fair allocation for this day")
    page.click("#propose")
    expect(page.locator("#proposal-status")).to_have_text("Proposed")
    expect(page.locator("#moves-table tbody tr")).to_have_count(6)
    expect(page.locator("#proposal-map .leaflet-interactive")).to_have_count(4 + 6)
    expect(page.locator("#index-before")).to_have_text("44.3")
    expect(page.locator("#index-after")).to_have_text("15.0")
    expect(page.locator("#fairness-table")).to_contain_text(world.b.name)

    # applied after one confirmation step naming the count and the day
    page.click("#apply")
    expect(page.locator("#confirm-apply")).to_have_text(f"Move 6 stops on {world.day:%-d %b}")
    assert Stop.objects.filter(manifest=world.manifest, dsp__isnull=True).count() > 0
    page.click("#confirm-apply")
    expect(page.locator(".messages")).to_contain_text("Applied: 6 stops moved.")
    expect(page.locator("#proposal-status")).to_have_text("Applied")
    expect(page.locator("#apply")).to_have_count(0)
    assert Stop.objects.filter(manifest=world.manifest, dsp=world.a).count() == 5
    assert Stop.objects.filter(manifest=world.manifest, dsp__isnull=True).count() == 0


def test_a_stale_allocation_confirmation_is_refused(live_server, page, settings):
    settings.PROGRAM_STOPS_PER_ROUTE = STOPS_PER_ROUTE
    world = overflow_world()
    sign_in(page, live_server.url, StaffFactory().user.email)
    page.goto(f"{live_server.url}/network/allocation/?station={world.station.pk}&date={world.day}")
    page.click("#propose")
    page.click("#apply")
    expect(page.locator("#confirm-count")).to_have_text("6 stops")
    # someone hands a stop to a DSP while the confirmation is open
    Stop.objects.filter(pk=world.uncovered[0].pk).update(dsp=world.c)
    page.click("#confirm-apply")
    expect(page.locator(".messages")).to_contain_text("changed since this proposal was made")
    expect(page.locator("#proposal-status")).to_have_text("Proposed")
    assert Stop.objects.filter(manifest=world.manifest, dsp=world.b).count() == 3
