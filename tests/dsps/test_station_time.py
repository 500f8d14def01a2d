"""Members' pages run on their station's clock, whatever zone the server runs in."""

from django.urls import reverse
from django.utils import timezone

from dsps.models import Role
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import driving_route


def test_the_route_page_shows_the_stations_clock_not_the_servers(client, db, settings):
    # given: a server in Tokyo and a route of a Chicago station whose first stop is planned
    # in ten minutes
    settings.TIME_ZONE = "Asia/Tokyo"
    route = driving_route(stops=2)
    first = route.route_stops.get(sequence=1).planned_arrival
    local = f"{timezone.localtime(first, route.station.tz):%H:%M}"
    tokyo = f"{timezone.localtime(first):%H:%M}"
    assert local != tokyo

    # when: the dispatcher opens the route
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    route_page = client.get(reverse("routes:route-detail", args=[route.pk])).content.decode()

    # then: it reads the station's local time
    assert f'<td class="eta">{local}</td>' in route_page
    assert f'<td class="eta">{tokyo}</td>' not in route_page
