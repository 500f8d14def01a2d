"""A route has one colour everywhere (routes/rules/colours.py): the plan's map, the live board,
the dispatch board and the route's timeline all carry the colour the server gave it, and each
multi-route map has a legend naming the routes beside their colours."""

import json
import re

import pytest
from django.urls import reverse

from dsps.models import Role
from routes.rules.colours import PALETTE, route_colour
from tests.dsps.factories import MembershipFactory
from tests.routes.live_factories import route_out

pytestmark = pytest.mark.django_db


def _json_script(html: str, element_id: str):
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no {element_id} data on the page"
    return json.loads(found.group(1))


def _legend(html: str) -> dict[str, str]:
    found = re.search(r'<ul class="map-legend"[^>]*>(.*?)</ul>', html, re.S)
    assert found, "no route colour legend beside the map"
    return dict(re.findall(r'data-route-code="([^"]+)" data-colour="([^"]+)"', found.group(1)))


def test_consecutive_routes_of_a_dsp_get_distinct_colours_and_any_code_has_one():
    colours = [route_colour(code=f"R{n:03d}", dsp_id=7) for n in range(1, len(PALETTE) + 1)]
    assert len(set(colours)) == len(PALETTE)
    assert route_colour(code="LS-D1", dsp_id=3) != route_colour(code="LS-D2", dsp_id=3)
    assert route_colour(code="Downtown", dsp_id=3) in PALETTE


def test_a_route_has_the_same_colour_on_the_plan_live_board_dispatch_board_and_timeline(client):
    first, _ = route_out(code="R001", stops=2)
    second, _ = route_out(dsp=first.dsp, code="R002", stops=2)
    assert first.colour != second.colour
    client.force_login(MembershipFactory(dsp=first.dsp, role=Role.DISPATCHER).user)
    day = {"date": first.service_date.isoformat()}
    expected = {"R001": first.colour, "R002": second.colour}

    plan = client.get(reverse("routes:day"), day).content.decode()
    assert {r["code"]: r["colour"] for r in _json_script(plan, "map-routes")} == expected
    assert _legend(plan) == expected

    live = client.get(reverse("routes:live-board"), day).content.decode()
    assert {r["code"]: r["colour"] for r in _json_script(live, "live-board")["routes"]} == expected
    assert _legend(live) == expected
    polled = client.get(reverse("routes:live-board-data"), day).json()["routes"]
    assert {r["code"]: r["colour"] for r in polled} == expected

    board = client.get(reverse("routes:day-board"), day).content.decode()
    row = r'<tr [^>]*data-route="([^"]+)" data-route-id="\d+" data-colour="([^"]+)"'
    rows = dict(re.findall(row, board))
    assert rows == expected
    assert _legend(board) == expected

    # The timeline's lanes (the route page's own and any compared route's) as the page loads them.
    for route in (first, second):
        lane = client.get(reverse("routes:route-timeline", args=[route.pk])).json()
        assert lane["colour"] == route.colour


def test_a_single_route_map_has_no_legend(client):
    route, _ = route_out(code="R001", stops=2)
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    plan = client.get(reverse("routes:day"), {"date": route.service_date.isoformat()}).content
    assert b"map-legend" not in plan
