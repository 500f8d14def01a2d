"""Route problems read in the station's clock, route codes and addresses, not solver seconds."""

import re
from datetime import date, time

import pytest
from django.urls import reverse

from dsps.models import Role
from routes.models import Route
from routes.optimizer import Violation, ViolationKind
from routes.planning.jobs import route_stop_move
from routes.planning.words import problem_words
from tests.dsps.factories import MembershipFactory, StationFactory
from tests.routes.factories import onboarded_dsp, route_with_packages


def test_each_finding_reads_in_clock_times_route_codes_addresses_and_minutes():
    # given: a Chicago station's day and the optimiser's findings in its own terms
    station = StationFactory.build(timezone="America/Chicago")
    findings = [
        Violation(ViolationKind.LATE_START, "7", "177", value=54833, limit=54000),
        Violation(ViolationKind.LATE_RETURN, "7", value=79_500, limit=75_600),
        Violation(ViolationKind.OVER_CAPACITY, "7", value=320, limit=300),
        Violation(ViolationKind.TOO_LONG, "7", value=37_800, limit=36_000),
        Violation(ViolationKind.HIGH_PRIORITY_DROPPED, "7", "177"),
    ]
    # when
    words = problem_words(
        findings,
        station=station,
        day=date(2026, 6, 1),
        routes={"7": "Route R003"},
        stops={"177": "12 Oak St, Dallas, TX"},
    )
    # then
    assert words == [
        "Route R003 reaches 12 Oak St, Dallas, TX at 15:13, 13 min late: its window closes "
        "at 15:00.",
        "Route R003 gets back at 22:05, 1 h 5 min after its shift ends at 21:00.",
        "Route R003 carries 320 packages, over its van's capacity of 300.",
        "Route R003 is out 10 h 30 min, over the longest shift of 10 h.",
        "Route R003 could take high-priority stop 12 Oak St, Dallas, TX, which is left out.",
    ]


def test_a_finding_less_than_a_minute_late_is_still_one_minute_late():
    station = StationFactory.build(timezone="America/Chicago")
    late = Violation(ViolationKind.LATE_START, "7", "177", value=54_020, limit=54_000)
    (words,) = problem_words(
        [late],
        station=station,
        day=date(2026, 6, 1),
        routes={"7": "Route R003"},
        stops={"177": "x"},
    )
    assert words == "Route R003 reaches x at 15:00, 1 min late: its window closes at 15:00."


@pytest.mark.django_db
def test_the_route_and_plan_pages_word_a_missed_window_on_the_stations_clock(client):
    # given: a draft route whose second stop's window closed at 00:30, long before the
    # station opens; the dispatcher moves it to the front by hand
    dsp = onboarded_dsp()
    route = route_with_packages(dsp=dsp, stops=2)
    moving = route.route_stops.select_related("stop").get(sequence=2)
    stop = moving.stop
    stop.window_start, stop.window_end = time(0, 0), time(0, 30)
    stop.save(update_fields=["window_start", "window_end"])
    dispatcher = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    route_stop_move(user=dispatcher, route_stop=moving, position=1)
    moving.refresh_from_db()
    starts = moving.planned_start.astimezone(route.station.tz)
    # when
    client.force_login(dispatcher)
    route_page = client.get(reverse("routes:route-detail", args=[route.pk])).content.decode()
    day_page = client.get(reverse("routes:day"), {"date": route.service_date}).content.decode()
    # then: the route's code, the stop's address and HH:MM, never seconds or ids
    (problem,) = Route.objects.get(pk=route.pk).problems
    assert problem.startswith(
        f"Route {route.code} reaches {stop.address} at {starts:%H:%M}, "
    ) and problem.endswith(" late: its window closes at 00:30.")
    assert re.search(r"\d{4,}", problem.replace(stop.address, "")) is None
    listed = re.search(r'<ul class="msg error" id="route-problems">(.*?)</ul>', route_page, re.S)
    assert listed.group(1).strip() == f"<li>{problem}</li>"
    assert f'title="{problem}"' in day_page.replace("&#x27;", "'")
