"""Journey (c): the driver's phone shares its position and the dispatcher's live board shows
the driver's progress and position without a reload."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from routes.models import LocationPing
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.live_factories import deliver, route_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_live_board_follows_a_driver(live_server, page, browser):
    # given: a route out with three stops, one delivered; its dispatcher on the live board
    route, stops = route_out(stops=3, code="R-LIVE")
    deliver(stops[0], minutes_ago=30)
    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/live/")
    row = page.locator('#live-routes tr[data-code="R-LIVE"]')
    expect(row.locator(".progress")).to_have_text("1 / 3")
    expect(row.locator(".position")).to_have_text("no ping yet")
    expect(page.locator("#live-map")).to_have_attribute("data-ready", "1")

    # when: the driver opens their live page on a phone that knows where it is
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 32.7812, "longitude": -96.7961},
        permissions=["geolocation"],
    )
    driver_page = phone.new_page()
    sign_in(driver_page, live_server.url, route.driver.user.email)
    driver_page.goto(f"{live_server.url}/routes/my-route/live/")
    expect(driver_page.locator("#my-progress")).to_have_text("1 / 3")
    expect(driver_page.locator("#ping-status")).to_contain_text("Position shared", timeout=15000)
    # and delivers a second stop
    deliver(stops[1], minutes_ago=0)

    # then: the board, without a reload, shows the position as the nearest stop (never raw
    # coordinates), how fresh it is, and the progress
    expect(row.locator(".position")).to_have_text(
        re.compile(r"^near stop (\d+) · R-LIVE stop \1 · just now$"), timeout=15000
    )
    expect(row.locator(".progress")).to_have_text("2 / 3", timeout=15000)
    expect(page.locator("path.live-driver")).to_have_count(1)
    assert LocationPing.objects.filter(route=route).count() >= 1
    # the driver's page fits the phone
    width = driver_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone.close()


def test_the_polled_board_keeps_the_stations_clock_whatever_the_browsers_zone(live_server, browser):
    # given: a route out at a station in its own zone, and a dispatcher whose browser is in Tokyo
    route, _ = route_out(stops=3, code="R-ZONE")
    zone = ZoneInfo(route.dsp.station.timezone)
    assert zone.utcoffset(datetime.now()) != ZoneInfo("Asia/Tokyo").utcoffset(datetime.now())
    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/live/")
    finish = page.locator('#live-routes tr[data-code="R-ZONE"] .finish')
    rendered = finish.inner_text()
    first = page.locator("#live-updated").inner_text()
    # when: the board polls (its "updated" clock moves on)
    expect(page.locator("#live-updated")).not_to_have_text(first, timeout=15000)
    # then: the polled times are the station's, as the server rendered them (the projected
    # finish is now plus what is left, so a poll a minute boundary later may read a minute on)
    later = (datetime.strptime(rendered, "%H:%M") + timedelta(minutes=1)).strftime("%H:%M")
    expect(finish).to_have_text(re.compile(rf"^({re.escape(rendered)}|{later})$"))
    shown = datetime.strptime(page.locator("#live-updated").inner_text(), "%H:%M:%S")
    now = datetime.now(zone)
    gap = abs(
        (now.hour * 3600 + now.minute * 60 + now.second)
        - (shown.hour * 3600 + shown.minute * 60 + shown.second)
    )
    assert min(gap, 86400 - gap) < 120
    context.close()
