"""The demo's routes of today carry the figures a plan would give them."""

import pytest
from django.core.management import call_command

from routes.models import Route
from routes.planning.problem import estimates, van_kind

pytestmark = pytest.mark.django_db


def test_the_demos_routes_of_today_have_their_distance_time_and_cost():
    # given: the demo world, as `make run` loads it
    call_command("seed_demo", verbosity=0)
    today = Route.objects.filter(status__in=[Route.Status.ASSIGNED, Route.Status.IN_PROGRESS])
    assert today.filter(status=Route.Status.IN_PROGRESS).exists()
    for route in today.select_related("vehicle"):
        # then: no route of the day reads 0 km or $0
        assert route.distance_m > 0 and route.cost > 0, route.code
        # and: its energy, CO2 and cost are the one calculation's for its distance and time
        duration = int((route.returns_at - route.departs_at).total_seconds())
        figures = estimates(
            kind=van_kind(route.vehicle), distance_m=route.distance_m, duration_s=duration
        )
        assert {name: getattr(route, name) for name in figures} == figures, route.code
        # and: its stops run in time order
        arrivals = list(route.route_stops.order_by("sequence").values_list("planned_arrival"))
        assert arrivals == sorted(arrivals), route.code
