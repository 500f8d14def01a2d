"""Location pings, the live board (progress, position, pace, ETAs) and the driver's page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from dsps.models import Role
from routes.live.progress import live_board, route_live
from routes.models import LocationPing, ReplanJob, Route, RouteChange
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.routes.factories import LocationPingFactory
from tests.routes.live_factories import deliver, driver_user, route_out

pytestmark = pytest.mark.django_db


def test_a_driver_on_an_active_route_records_a_ping(client):
    # given: a driver whose route is out today
    route, _ = route_out()
    client.force_login(route.driver.user)
    # when: the phone reports its position
    response = client.post(
        reverse("api:ping-list"),
        {"latitude": "32.781234", "longitude": "-96.799876", "accuracy_m": 8},
        content_type="application/json",
    )
    # then: the ping is stored on that route
    assert response.status_code == 201, response.json()
    ping = LocationPing.objects.get()
    assert (ping.route_id, ping.latitude, ping.longitude, ping.accuracy_m) == (
        route.pk,
        Decimal("32.781234"),
        Decimal("-96.799876"),
        8,
    )


@pytest.mark.parametrize("status", [Route.Status.DRAFT, Route.Status.COMPLETED, None])
def test_a_ping_without_an_active_route_is_refused_with_a_reason(client, status):
    # given: a driver whose route is not out (draft, finished) or who has none
    if status is None:
        driver = driver_user(DspFactory())
    else:
        route, _ = route_out(status=status)
        driver = route.driver
    client.force_login(driver.user)
    # when
    response = client.post(
        reverse("api:ping-list"),
        {"latitude": "32.78", "longitude": "-96.80"},
        content_type="application/json",
    )
    # then: a clear 400 and nothing recorded
    assert response.status_code == 400
    assert response.json() == {
        "route": ["You have no active route today, so your position is not recorded."]
    }
    assert LocationPing.objects.count() == 0


def test_a_dispatcher_cannot_post_pings(client):
    route, _ = route_out()
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    response = client.post(
        reverse("api:ping-list"),
        {"latitude": "1", "longitude": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert LocationPing.objects.count() == 0


def test_progress_counts_done_stops_and_uses_the_last_ping():
    # given: three stops planned 10 min apart from an hour ago; one delivered, one failed
    route, stops = route_out(stops=3, started_min_ago=60)
    deliver(stops[0], minutes_ago=45)
    deliver(stops[1], minutes_ago=30, kind="failed")
    LocationPingFactory(
        route=route,
        latitude=Decimal("32.7"),
        recorded_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    LocationPingFactory(route=route, latitude=Decimal("32.780000"), longitude=Decimal("-96.792000"))
    # when
    live = route_live(route=route)
    # then: 2 of 3 done, position is the newest ping, the last stop is due now
    assert (live.done, live.total) == (2, 3)
    assert live.position == (32.78, -96.792)
    assert [s.done for s in live.stops] == [True, True, False]
    # 30 min late on 20 planned minutes → pace 1.5; the next stop was due 30 min ago
    assert live.pace == 1.5
    assert live.delay_min == 30
    assert live.state == "behind"
    assert live.stops[2].eta is not None


def test_a_route_far_behind_is_flagged_for_a_rescue():
    # given: a route 2 hours in with none of its 6 stops done (planned every 10 min)
    route, _ = route_out(stops=6, started_min_ago=120)
    LocationPingFactory(route=route, latitude=Decimal("32.780000"), longitude=Decimal("-96.800000"))
    # when
    live = route_live(route=route)
    # then: the projected finish is past the planned return, so it is flagged
    assert live.behind_pace is True
    assert live.reasons[0].startswith("Projected back")


def test_a_route_on_plan_is_not_flagged():
    route, stops = route_out(stops=3, started_min_ago=12)
    deliver(stops[0], minutes_ago=2)
    live = route_live(route=route)
    assert (live.done, live.behind_pace) == (1, False)
    assert live.state in ("on time", "ahead")


def test_the_board_shows_only_the_dispatchers_own_routes(client):
    mine, _ = route_out(code="MINE")
    route_out(dsp=DspFactory(station=mine.dsp.station), code="THEIRS")
    user = MembershipFactory(dsp=mine.dsp, role=Role.DISPATCHER).user
    client.force_login(user)
    response = client.get(reverse("api:live-board"))
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == ["MINE"]
    assert [r.route.code for r in live_board(user=user, service_date=mine.service_date)] == ["MINE"]


def test_the_board_data_json_has_position_and_progress(client):
    route, stops = route_out(stops=2)
    deliver(stops[0], minutes_ago=40)
    LocationPingFactory(route=route, latitude=Decimal("32.781000"), longitude=Decimal("-96.796000"))
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    data = client.get(reverse("routes:live-board-data")).json()
    row = data["routes"][0]
    assert (row["code"], row["done"], row["total"], row["position"]) == (
        route.code,
        1,
        2,
        [32.781, -96.796],
    )
    # each stop for the map as [lat, lon, sequence, done], the first one done
    points = [(float(rs.stop.latitude), float(rs.stop.longitude)) for rs in stops]
    assert row["stops"] == [[*points[0], 1, 1], [*points[1], 2, 0]]
    assert row["messages_url"] == reverse("routes:messages", args=[route.pk])
    assert row["rescue_url"] == reverse("routes:rescue-start", args=[route.pk])


@pytest.mark.parametrize("stops", [3, 25])
def test_the_live_board_page_has_a_constant_query_count(
    client, django_assert_max_num_queries, stops
):
    # given: two routes with `stops` stops each, some done, pings
    first, rs = route_out(stops=stops)
    second, rs2 = route_out(dsp=first.dsp, stops=stops)
    for r in rs[:2] + rs2[:1]:
        deliver(r, minutes_ago=5)
    LocationPingFactory(route=first)
    LocationPingFactory(route=second)
    client.force_login(MembershipFactory(dsp=first.dsp, role=Role.DISPATCHER).user)
    # then: the same bound at 3 and 25 stops
    with django_assert_max_num_queries(14):
        assert client.get(reverse("routes:live-board")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("routes:live-board-data")).status_code == 200


@pytest.mark.parametrize("stops", [3, 25])
def test_the_drivers_live_page_has_a_constant_query_count(
    client, django_assert_max_num_queries, stops
):
    route, rs = route_out(stops=stops)
    deliver(rs[0], minutes_ago=5)
    LocationPingFactory(route=route)
    client.force_login(route.driver.user)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("routes:driver-day"))
    assert response.status_code == 200
    assert f"1 / {stops}" in response.content.decode()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("routes:driver-day-data")).json()["done"] == 1


def test_a_driver_sees_only_their_own_route_live(client):
    # given: two drivers of one DSP, each with a route
    mine, _ = route_out(code="R-MINE")
    route_out(dsp=mine.dsp, code="R-OTHER")
    client.force_login(mine.driver.user)
    # then: the page and the API show their own route only
    page = client.get(reverse("routes:driver-day")).content.decode()
    assert "R-MINE" in page and "R-OTHER" not in page
    assert client.get(reverse("routes:driver-day-data")).json()["code"] == "R-MINE"
    assert client.get(reverse("api:my-route-live")).json()["code"] == "R-MINE"


def test_the_old_live_page_leads_to_the_drivers_day_which_pings_and_shows_changes(client):
    # given: a driver whose route dispatch re-planned
    route, _ = route_out(stops=2, code="R-ONE")
    RouteChange.objects.create(
        route=route,
        job=ReplanJob.objects.create(
            dsp=route.dsp, service_date=route.service_date, kind=ReplanJob.Kind.REROUTE
        ),
        facts=[{"code": "disruption", "reason": "closure"}],
    )
    client.force_login(route.driver.user)
    # then: the former live page redirects to the one page of the day
    response = client.get("/routes/my-route/live/")
    assert (response.status_code, response["Location"]) == (302, reverse("routes:driver-day"))
    page = client.get(reverse("routes:driver-day")).content.decode()
    assert 'data-active="1"' in page and reverse("api:ping-list") in page
    assert "<li>Road closure on your way.</li>" in page
    data = client.get(reverse("routes:driver-day-data")).json()
    assert data["changes"][0]["lines"] == ["Road closure on your way."]
    assert data["change_id"] == RouteChange.objects.get().pk and data["active"] is True


def test_a_completed_route_does_not_share_the_position(client):
    route, _ = route_out(stops=1, status=Route.Status.COMPLETED)
    client.force_login(route.driver.user)
    page = client.get(reverse("routes:driver-day")).content.decode()
    assert 'data-active=""' in page and "shared only while your route is out" in page
    assert client.get(reverse("routes:driver-day-data")).json()["active"] is False


def test_a_driver_cannot_open_the_live_board(client):
    route, _ = route_out()
    client.force_login(route.driver.user)
    assert client.get(reverse("routes:live-board")).status_code == 403
    assert client.get(reverse("api:live-board")).status_code == 403


def test_the_board_shows_times_on_the_stations_clock(client):
    # given: a station on Pacific time while the server keeps Central
    route, _ = route_out(stops=2)
    station = route.station
    station.timezone = "America/Los_Angeles"
    station.save(update_fields=["timezone"])
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    # when
    page = client.get(reverse("routes:live-board")).content.decode()
    # then: the update time and each projected finish read in Los Angeles, not UTC or Chicago
    pacific = timezone.localtime(timezone.now(), station.tz)
    assert f'id="live-updated">{pacific:%H:%M}' in page
    [row] = client.get(reverse("routes:live-board-data")).json()["routes"]
    finish = datetime.datetime.fromisoformat(row["projected_finish"]).astimezone(station.tz)
    assert f'<td class="finish">{finish:%H:%M}</td>' in page
    # and the next stop's live ETA (the driver's) reads on the same clock
    eta = datetime.datetime.fromisoformat(row["next_stop"]["eta"]).astimezone(station.tz)
    assert row["next_stop"]["sequence"] == 1
    assert f'<td class="next">#1 · ETA <span class="next-eta">{eta:%H:%M}</span></td>' in page


def test_the_board_names_the_nearest_stop_and_the_pings_age_not_coordinates(client):
    # given: a driver whose last ping, 2 minutes ago, was beside the second stop
    route, stops = route_out(stops=3)
    second = stops[1].stop
    second.refresh_from_db()
    LocationPingFactory(
        route=route,
        latitude=second.latitude + Decimal("0.000100"),
        longitude=second.longitude,
        recorded_at=timezone.now() - datetime.timedelta(minutes=2, seconds=10),
    )
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    # when: the dispatcher opens the live board
    text = strip_tags(client.get(reverse("routes:live-board")).content.decode())
    # then: the position reads as a stop and an age, never as raw coordinates
    assert f"near stop 2 · {second.address} · 2 min ago" in text
    assert f"{float(second.latitude):.5f}" not in text.split("Messages")[-1]
    row = client.get(reverse("routes:live-board-data")).json()["routes"][0]
    assert row["position_label"] == f"near stop 2 · {second.address}"
