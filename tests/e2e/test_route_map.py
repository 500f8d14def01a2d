"""The route page's map follows the timeline: the route compared, and each move kept or undone."""

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from routes.models import Route
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import planned_routes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _expect_map_of(page, shown: list[Route], hidden: Route) -> None:
    """The map has a line and each stop of the `shown` routes, nothing of `hidden`."""
    expect(page.locator("#routes-map[data-ready='1']")).to_be_attached()
    expect(page.locator("#routes-map path.route-line")).to_have_count(len(shown))
    for route in shown:
        line = page.locator(f'#routes-map path.route-line[data-route="{route.pk}"]')
        expect(line).to_have_count(1)
        markers = page.locator(f'#routes-map path.route-stop[data-route="{route.pk}"]')
        expect(markers).to_have_count(route.route_stops.count())
        expect(page.locator(f'.map-legend li[data-route-code="{route.code}"]')).to_be_visible()
    expect(page.locator(f'#routes-map path[data-route="{hidden.pk}"]')).to_have_count(0)
    expect(page.locator(f'.map-legend li[data-route-code="{hidden.code}"]')).to_have_count(0)


def _expect_figures_of(page, route: Route, without: int | None = None) -> None:
    """The route's figures and lists on the page are the database's now."""
    route.refresh_from_db()
    expect(page.locator("#route-stop-count")).to_have_text(str(route.planned_stops))
    expect(page.locator("#route-stops tbody tr")).to_have_count(route.route_stops.count())
    expect(page.locator("#move-stop option")).to_have_count(route.route_stops.count())
    if without is not None:
        expect(page.locator(f'#move-stop option[value="{without}"]')).to_have_count(0)


def test_the_map_draws_the_route_compared_and_each_kept_move(live_server, page):
    # given: a day planned into three routes, and their dispatcher on the first route's page
    first, second, third = planned_routes(stops=15, vans=3, capacity=6)  # all three vans needed
    dispatcher = MembershipFactory(dsp=first.dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/{first.pk}/")
    expect(page.locator("#timeline[data-ready='1']")).to_be_attached()
    # then: the map shows the route and the one compared first
    _expect_map_of(page, [first, second], hidden=third)

    # when: the third route is compared instead
    page.locator("#timeline-compare").select_option(str(third.pk))
    # then: the map shows its line and stops, and no longer the second route's
    _expect_map_of(page, [first, third], hidden=second)

    # when: the first route's last stop is moved to the head of the third, previewed and kept
    rs = first.route_stops.order_by("sequence").last()
    page.select_option("#move-stop", str(rs.pk))
    page.select_option("#move-to-route", str(third.pk))
    page.fill("#move-position", "1")
    page.click("#move-preview")
    box = page.locator("#timeline")
    expect(box).to_have_attribute("data-state", "preview")
    page.click("#move-keep")
    expect(box).to_have_attribute("data-state", "kept")
    # then: its marker is on the third route, in that route's colour, one stop more there
    marker = page.locator(f'#routes-map path.route-stop[data-rs="{rs.pk}"]')
    expect(marker).to_have_attribute("data-route", str(third.pk))
    expect(marker).to_have_attribute("stroke", third.colour)
    _expect_map_of(page, [first, third], hidden=second)  # counts read from the database now
    # and: the route's figures, stops table and move form no longer count the stop moved away
    _expect_figures_of(page, first, without=rs.pk)

    # when: the kept move is undone
    page.locator(f'#kept-moves li[data-rs="{rs.pk}"] button').click()
    expect(box).to_have_attribute("data-state", "reverted")
    # then: the marker is back on the first route
    expect(marker).to_have_attribute("data-route", str(first.pk))
    expect(marker).to_have_attribute("stroke", first.colour)
    _expect_map_of(page, [first, third], hidden=second)
    _expect_figures_of(page, first)

    # when: the second route is compared again
    page.locator("#timeline-compare").select_option(str(second.pk))
    # then: the map shows it again
    _expect_map_of(page, [first, second], hidden=third)
