"""A dispatcher edits two routes by dragging stops on the timeline or the map, with a preview
and undo."""

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from routes.models import RouteStop
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import planned_routes

# alone: its drags are mouse moves timed by the browser, which a busy neighbour process slows
pytestmark = [pytest.mark.e2e, pytest.mark.alone, pytest.mark.django_db(transaction=True)]


def _lane(page, route_id):
    stops = page.locator(f'.tl-lane[data-route="{route_id}"] .tl-stop')
    return [int(x) for x in stops.evaluate_all("ns => ns.map(n => n.dataset.rs)")]


def _in_database(route_id):
    return list(
        RouteStop.objects.filter(route_id=route_id)
        .order_by("sequence")
        .values_list("pk", flat=True)
    )


def test_a_dispatcher_drags_five_stops_undoes_one_and_keeps_the_rest(live_server, page):
    # given: a day planned into two routes, and their dispatcher on the first route's page
    source, target = planned_routes(stops=14, vans=2, capacity=8)  # both vans needed
    dispatcher = MembershipFactory(dsp=source.dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/{source.pk}/")
    expect(page.locator("#timeline[data-ready='1']")).to_be_attached()
    page.locator("#timeline-compare").select_option(str(target.pk))
    expect(page.locator(f'.tl-lane[data-route="{target.pk}"]')).to_be_visible()
    box = page.locator("#timeline")
    moved = []

    for n in range(5):
        # when: the last stop of the first route is dragged to the head of the second
        item = page.locator(f'.tl-lane[data-route="{source.pk}"] .tl-stop').last
        rs = int(item.get_attribute("data-rs"))
        track = page.locator(f'.tl-lane[data-route="{target.pk}"] .tl-track')
        item.drag_to(track, target_position={"x": 2, "y": 10})
        # then: the consequence is shown before anything is kept, with both routes' totals
        expect(box).to_have_attribute("data-state", "preview")
        consequence = page.locator("#move-consequence")
        expect(consequence).to_be_visible()
        expect(consequence.locator(f'li.consequence[data-route="{target.pk}"]')).to_contain_text(
            f"{target.code}: "
        )
        expect(consequence).to_contain_text("km")
        expect(consequence).to_contain_text("windows broken")
        assert _lane(page, target.pk)[0] == rs  # the preview shows it at the head
        assert RouteStop.objects.get(pk=rs).route_id == source.pk  # and nothing is saved
        if n == 2:
            # when: this one is undone at the preview, it stays where it was
            page.click("#move-undo")
            expect(box).to_have_attribute("data-state", "undone")
            assert rs in _lane(page, source.pk)
            assert RouteStop.objects.get(pk=rs).route_id == source.pk
            # and: it is tried again, and kept
            item = page.locator(f'.tl-lane[data-route="{source.pk}"] .tl-stop[data-rs="{rs}"]')
            item.drag_to(track, target_position={"x": 2, "y": 10})
            expect(box).to_have_attribute("data-state", "preview")
        page.click("#move-keep")
        expect(box).to_have_attribute("data-state", "kept")
        moved.append(rs)

    # when: one kept move is undone from the list of kept moves
    expect(page.locator("#kept-moves li")).to_have_count(5)
    page.locator(f'#kept-moves li[data-rs="{moved[1]}"] button').click()
    expect(box).to_have_attribute("data-state", "reverted")
    expect(page.locator("#kept-moves li")).to_have_count(4)

    # then: the routes in the database are what the page shows
    assert _in_database(source.pk) == _lane(page, source.pk)
    assert _in_database(target.pk) == _lane(page, target.pk)
    on_target = set(_in_database(target.pk))
    assert set(moved) - {moved[1]} <= on_target
    assert moved[1] not in on_target
    for route in (source, target):
        route.refresh_from_db()
        header = page.locator(f'.tl-lane[data-route="{route.pk}"] .tl-totals')
        expect(header).to_contain_text(f"{route.planned_km:.1f} km")


def test_a_dispatcher_drags_a_stop_on_the_map_onto_the_other_route_and_keeps_it(live_server, page):
    # given: a day planned into two routes, and their dispatcher on the first route's page,
    # whose map shows both routes (the second is the one compared)
    source, target = planned_routes(stops=14, vans=2, capacity=8)
    dispatcher = MembershipFactory(dsp=source.dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/{source.pk}/")
    expect(page.locator("#timeline[data-ready='1']")).to_be_attached()
    expect(page.locator("#routes-map[data-ready='1']")).to_be_attached()
    expect(page.locator("#routes-map path.route-line")).to_have_count(2)
    before = _in_database(target.pk)
    # the page's route's last stop: drawn last, so above every other stop it may overlap
    rs, onto = _in_database(source.pk)[-1], before[0]

    # when: that stop is dragged on the map onto the second route's first stop
    _drag_on_map(page, rs, onto)

    # then: the timeline previews it on the second route, right after that stop
    box = page.locator("#timeline")
    expect(box).to_have_attribute("data-state", "preview")
    expect(
        page.locator(f'#move-consequence li.consequence[data-route="{target.pk}"]')
    ).to_contain_text(f"{target.code}: ")
    expected = [onto, rs, *before[1:]]
    assert _lane(page, target.pk) == expected
    assert RouteStop.objects.get(pk=rs).route_id == source.pk  # and nothing is saved yet
    # and the map draws the stop on that route, in the previewed order
    marker = page.locator(f'#routes-map path.route-stop[data-rs="{rs}"]')
    expect(marker).to_have_attribute("data-route", str(target.pk))
    expect(marker).to_have_attribute("stroke", target.colour)
    drawn = [int(x) for x in page.locator("#routes-map").get_attribute("data-stops").split(",")]
    assert [x for x in drawn if x in set(expected)] == expected

    # when: the preview is undone, the map draws the stop on its own route again
    page.click("#move-undo")
    expect(box).to_have_attribute("data-state", "undone")
    expect(marker).to_have_attribute("data-route", str(source.pk))
    expect(marker).to_have_attribute("stroke", source.colour)
    # and: it is dragged there again
    _drag_on_map(page, rs, onto)
    expect(box).to_have_attribute("data-state", "preview")
    expect(marker).to_have_attribute("data-route", str(target.pk))

    # when: the move is kept
    page.click("#move-keep")
    expect(box).to_have_attribute("data-state", "kept")
    # then: the database has what the preview showed, and the map draws the stop on that route
    assert _in_database(target.pk) == expected == _lane(page, target.pk)
    assert _in_database(source.pk) == _lane(page, source.pk)
    expect(marker).to_have_attribute("data-route", str(target.pk))
    expect(marker).to_have_attribute("stroke", target.colour)


def _drag_on_map(page, rs: int, onto: int) -> None:
    """Press on one stop's marker, move over another's in steps (Leaflet follows mouse moves)
    and let go there. Each point is read from the marker when it is used, with the whole map in
    view."""
    page.locator("#routes-map").evaluate("map => map.scrollIntoView({block: 'center'})")
    start = _centre(page, rs)
    # the marker pressed is the stop's own: no other marker covers its centre
    on_top = "([x, y]) => document.elementFromPoint(x, y).getAttribute('data-rs')"
    assert page.evaluate(on_top, start) == str(rs)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*_centre(page, onto), steps=10)
    page.mouse.up()


def _centre(page, rs: int) -> list[float]:
    box = page.locator(f'#routes-map path.route-stop[data-rs="{rs}"]').bounding_box()
    return [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
