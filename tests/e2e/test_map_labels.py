"""Map labels print names and addresses as text: markup in data neither renders nor runs."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from drivers.models import Driver
from dsps.models import Dsp, Role
from routes.models import LocationPing, Stop
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.live_factories import route_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _payload(field: str) -> str:
    return f'{field}<img src="/static/nope.png" onerror="window.pwned=1"><b id="bold-{field}">x</b>'


def test_markup_in_a_dsp_name_address_and_driver_name_shows_as_text_on_the_maps(live_server, page):
    # given: rows stored before names were validated, carrying markup in every map label
    route, stops = route_out(stops=2, code="R-XSS")
    Dsp.objects.filter(pk=route.dsp_id).update(name=_payload("dsp"))
    Stop.objects.filter(pk=stops[0].stop_id).update(address=_payload("addr"))
    Driver.objects.filter(pk=route.driver_id).update(first_name=_payload("drv"))
    LocationPing.objects.create(
        route=route, latitude="32.7812", longitude="-96.7961", recorded_at=timezone.now()
    )
    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)

    # when: the route's map tooltips open
    page.goto(f"{live_server.url}/routes/{route.pk}/")
    expect(page.locator("#routes-map[data-ready='1']")).to_be_attached()
    page.locator("#routes-map path.route-stop").first.hover()
    stop_tip = page.locator(".leaflet-tooltip").last
    # then: the address is literal text
    expect(stop_tip).to_contain_text(_payload("addr"))
    page.locator("#routes-map path.route-line").first.dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip", has_text=_payload("dsp"))).to_have_count(1)

    # and: the live board's driver marker names the driver as text
    page.goto(f"{live_server.url}/routes/live/")
    expect(page.locator("#live-map")).to_have_attribute("data-ready", "1")
    page.locator("#live-map path.live-driver").first.hover()
    expect(page.locator(".leaflet-tooltip", has_text=_payload("drv"))).to_have_count(1)

    # and: no markup became elements and nothing ran
    assert page.locator("[id^=bold-]").count() == 0
    assert page.evaluate("window.pwned") is None
