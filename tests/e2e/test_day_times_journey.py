"""Journey: with the browser in America/Chicago (the station's zone) and the server in UTC, the
live board, the driver's phone and the recipient's tracking page show the same ETA for the same
stop; dispatch copies that package's tracking link and the recipient page it opens shows the
package, its status and an ETA window containing the live ETA."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dsps.models import Role
from routes.day.tracking import tracking_links_send
from routes.live.progress import stop_eta
from tests.clock import minutes_after
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import PackageFactory
from tests.routes.live_factories import deliver, route_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHICAGO = "America/Chicago"


def test_one_eta_everywhere_and_a_copied_link_that_works(live_server, browser, settings):
    # given: the server keeps UTC; a Chicago route out, its first stop delivered, the second's
    # recipient sent their link by e-mail
    settings.TIME_ZONE = "UTC"
    settings.ROUTES_PUBLIC_URL = live_server.url
    route, stops = route_out(stops=3, code="R-CHI", started_min_ago=15)
    assert route.station.timezone == CHICAGO
    deliver(stops[0], minutes_ago=5)
    second = stops[1]
    package = PackageFactory(
        manifest=second.stop.manifest,
        dsp=route.dsp,
        stop=second.stop,
        recipient_email="ann@mail.test",
    )
    assert tracking_links_send(route_id=route.pk) == {"sent": 1, "failed": 0}
    live = timezone.localtime(stop_eta(second), route.station.tz)
    assert live.utcoffset().total_seconds() != 0  # Chicago is not the server's UTC

    def eta() -> str:
        """Stop 2's live ETA in Chicago time, as the server has it while the page is checked:
        the next stop's ETA runs from now, so it may read a minute on during the check."""
        now = timezone.now()
        shown = [stop_eta(second, now=now + timedelta(seconds=s)) for s in (0, 60)]
        return "|".join(sorted({f"{timezone.localtime(t, route.station.tz):%H:%M}" for t in shown}))

    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    context = browser.new_context(timezone_id=CHICAGO)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, dispatcher.email)

    # then: the live board shows stop 2 next, at the live ETA in Chicago time, also after a poll
    page.goto(live_server.url + reverse("routes:live-board"))
    row = page.locator('#live-routes tr[data-code="R-CHI"]')
    expect(row.locator(".next")).to_have_text(re.compile(f"^#2 · ETA ({eta()})$"))
    updated = page.locator("#live-updated").inner_text()
    expect(page.locator("#live-updated")).not_to_have_text(updated, timeout=15000)
    expect(row.locator(".next")).to_have_text(re.compile(f"^#2 · ETA ({eta()})$"))

    # when: dispatch opens the route's tracking links from the board and copies stop 2's link
    page.goto(live_server.url + reverse("routes:day-board"))
    expect(page.locator('#board-routes tr[data-route="R-CHI"] td.links')).to_contain_text(
        "1 link · 1 sent"
    )
    page.click('#board-routes tr[data-route="R-CHI"] td.links a')
    line = page.locator(f'#route-links tr[data-package="{package.tracking_id}"]')
    expect(line.locator(".notices")).to_contain_text("E-mail sent")
    line.locator("button.copy").click()
    expect(line.locator(".copied")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == line.locator(".link-field").input_value()
    assert copied.startswith(live_server.url + "/routes/track/")
    # and the page fits a phone (the table scrolls inside its frame)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # then: the recipient's page shows the package, its status and a window around the live ETA
    page.goto(copied)
    expect(page.locator("#tracking-package")).to_contain_text(package.tracking_id)
    expect(page.locator("h1")).to_have_text("Out for delivery")
    expect(page.locator("#tracking-status")).to_have_text("You are the next stop.")
    window = re.search(
        r"Expected between (\d\d:\d\d) and (\d\d:\d\d)", page.locator("#tracking-eta").inner_text()
    )
    expected = eta()
    shown = (
        datetime.fromisoformat(page.locator("#tracking-eta").get_attribute("data-eta"))
        .astimezone(route.station.tz)
        .strftime("%H:%M")
    )
    assert shown in expected.split("|")
    assert minutes_after(shown, window[1]) <= minutes_after(window[2], window[1])
    context.close()

    # and: the driver's phone, also in Chicago, shows the same ETA for stop 2, also after a poll
    phone = browser.new_context(
        timezone_id=CHICAGO, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    driver_page = phone.new_page()
    sign_in(driver_page, live_server.url, route.driver.user.email)
    driver_page.goto(live_server.url + reverse("routes:driver-day"))
    stop = driver_page.locator(f'.stop[data-route-stop="{second.pk}"] .eta')
    expect(stop).to_have_text(re.compile(f"^ETA ({eta()})$"))
    driver_page.wait_for_timeout(6000)  # one poll of the live ETAs (every 5 s)
    expect(stop).to_have_text(re.compile(f"^ETA ({eta()})$"))
    phone.close()
