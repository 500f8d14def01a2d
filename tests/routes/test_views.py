"""Planning pages: thin views over the services, errors on the named field."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dsps.models import Role
from routes.models import Package, PlanJob, Route, Stop
from routes.planning.jobs import plan_job_prepare, plan_run_solve
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import (
    PlanJobFactory,
    RouteFactory,
    StopFactory,
    driving_route,
    onboarded_dsp,
    planned_routes,
    planning_day,
)


@pytest.fixture
def planned(db):
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=10, capacity=6)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    for run in plan_job_prepare(job_id=job.pk):
        plan_run_solve(run_id=run.pk)
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    return user, manifest.service_date, stops


def test_the_template_downloads_as_csv(client, owner):
    client.force_login(owner)
    response = client.get("/routes/manifests/template.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv"
    assert rows[0][:5] == ["tracking_id", "recipient_name", "address", "latitude", "longitude"]
    assert len(rows) == 3


def test_drivers_cannot_open_planning_pages(client, db):
    driver = MembershipFactory(role=Role.DRIVER).user
    client.force_login(driver)
    for url in ("/routes/plan/", "/routes/manifests/import/", "/routes/", "/routes/uncovered/"):
        assert client.get(url).status_code == 403, url


def test_the_plan_form_queues_a_job_and_shows_its_page(
    client, db, django_capture_on_commit_callbacks
):
    dsp = onboarded_dsp()
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            "/routes/plan/", {"service_date": dsp.station.today(), "time_limit_s": 7}
        )
    job = PlanJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/routes/jobs/{job.pk}/"
    assert (job.dsp, job.time_limit_s, len(queued)) == (dsp, 7, 1)
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-bar"' in page and 'hx-trigger="every 1s"' in page


def test_a_refused_plan_shows_the_error_on_the_field(client, db):
    dsp = onboarded_dsp()
    PlanJobFactory(dsp=dsp, service_date=dsp.station.today())
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    response = client.post(
        "/routes/plan/", {"service_date": dsp.station.today(), "time_limit_s": 5}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "service_date": ["A plan of this day is already running."]
    }
    assert PlanJob.objects.count() == 1


def test_the_day_page_draws_every_route_and_exports_csv(client, planned):
    user, day, stops = planned
    client.force_login(user)
    response = client.get(f"/routes/?date={day:%Y-%m-%d}")
    routes = Route.objects.order_by("code")
    assert [r["code"] for r in response.context["map_routes"]] == [r.code for r in routes]
    assert sum(len(r["stops"]) for r in response.context["map_routes"]) == len(stops)
    export = client.get(f"/routes/day/export.csv?date={day:%Y-%m-%d}")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["route", "dsp", "sequence"]
    assert len(rows) == 1 + len(stops)


def test_moving_a_stop_on_the_route_page(client, planned):
    user, _day, _ = planned
    client.force_login(user)
    source, target = Route.objects.order_by("code")
    moving = source.route_stops.order_by("sequence").first()
    response = client.post(
        f"/routes/{source.pk}/move/",
        {"route_stop": moving.pk, "to_route": target.pk, "position": 1},
    )
    assert response.status_code == 302
    moving.refresh_from_db()
    assert (moving.route_id, moving.sequence) == (target.pk, 1)


def test_staff_allocate_an_uncovered_stop_on_the_page(client, staff):
    stop = StopFactory(dsp=None)
    dsp = onboarded_dsp(station=stop.manifest.station)
    client.force_login(staff)
    day = stop.manifest.service_date
    page = client.get(f"/routes/uncovered/?date={day:%Y-%m-%d}")
    assert list(page.context["stops"]) == [stop]
    client.post(f"/routes/uncovered/?date={day:%Y-%m-%d}", {"stop": stop.pk, "dsp": dsp.pk})
    assert Stop.objects.get(pk=stop.pk).dsp == dsp


def test_the_day_page_reads_a_fixed_number_of_queries(client, planned, django_assert_num_queries):
    user, day, _ = planned
    client.force_login(user)
    client.get(f"/routes/?date={day:%Y-%m-%d}")  # warm the session
    with django_assert_num_queries(8):
        client.get(f"/routes/?date={day:%Y-%m-%d}")


def test_the_route_page_shows_each_stops_priority_and_filters_by_it(client, db):
    # given: a route of three stops, the second one high priority
    route = driving_route(stops=3)
    urgent = route.route_stops.get(sequence=2).stop
    Stop.objects.filter(pk=urgent.pk).update(priority=Package.Priority.HIGH)
    urgent.refresh_from_db()
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    url = reverse("routes:route-detail", args=[route.pk])
    # when / then: every stop shows its priority
    page = client.get(url).content.decode()
    assert page.count("High (must go today)") == 2  # the stop's row and the filter's option
    assert page.count('<td class="priority">Normal</td>') == 2
    # and the filter keeps only the high-priority stop
    rows = client.get(url, {"priority": "high"}).content.decode().split("<tbody>")[1]
    assert urgent.address in rows
    assert rows.count("<tr ") == 1


def test_the_plan_page_no_longer_counts_planned_stops_as_to_plan(client, db):
    # given: a day whose three stops are already on a route
    route = driving_route(stops=3)
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    # when
    page = client.get(reverse("routes:plan"), {"date": f"{route.service_date}"}).content.decode()
    # then
    assert "0 stops to plan" in page
    assert "3 already on routes" in page


def test_a_move_preview_shows_the_consequence_and_keeps_nothing(client, planned):
    # given: two planned routes
    user, _day, _ = planned
    client.force_login(user)
    source, target = Route.objects.order_by("code")
    moving = source.route_stops.order_by("sequence").first()
    before = {r.pk: (r.planned_km, r.planned_stops) for r in (source, target)}
    # when: the move of the first stop to the head of the other route is previewed
    response = client.post(
        f"/routes/{source.pk}/move/preview/",
        {"route_stop": moving.pk, "to_route": target.pk, "position": 1},
        HTTP_ACCEPT="application/json",
    )
    # then: both routes come back re-timed, with their totals before and after
    assert response.status_code == 200
    preview = response.json()
    assert (preview["to_route"], preview["position"]) == (target.pk, 1)
    lanes = {r["id"]: r for r in preview["routes"]}
    assert lanes[target.pk]["stops"][0]["id"] == moving.pk
    assert len(lanes[target.pk]["stops"]) == target.planned_stops + 1
    assert len(lanes[source.pk]["stops"]) == source.planned_stops - 1
    assert lanes[source.pk]["km_before"] == float(source.planned_km)
    assert [s["seq"] for s in lanes[target.pk]["stops"]] == list(range(1, target.planned_stops + 2))
    # and: nothing was written
    moving.refresh_from_db()
    assert moving.route_id == source.pk
    for route in Route.objects.all():
        assert (route.planned_km, route.planned_stops) == before[route.pk]


def test_a_refused_preview_names_the_field(client, planned):
    user, _day, _ = planned
    client.force_login(user)
    source, target = Route.objects.order_by("code")
    moving = source.route_stops.order_by("sequence").first()
    response = client.post(
        f"/routes/{source.pk}/move/preview/",
        {"route_stop": moving.pk, "to_route": target.pk, "position": 99},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "Give a position from 1 to" in response.json()["errors"]["position"]


def test_a_kept_move_answers_with_both_lanes_and_moves_back(client, planned):
    user, _day, _ = planned
    client.force_login(user)
    source, target = Route.objects.order_by("code")
    moving = source.route_stops.order_by("sequence")[1]
    json = {"HTTP_ACCEPT": "application/json"}
    kept = client.post(
        f"/routes/{source.pk}/move/",
        {"route_stop": moving.pk, "to_route": target.pk, "position": 2},
        **json,
    ).json()
    assert {r["id"] for r in kept["routes"]} == {source.pk, target.pk}
    moving.refresh_from_db()
    assert (moving.route_id, moving.sequence) == (target.pk, 2)
    # Undo is the move back to where it was.
    client.post(
        f"/routes/{target.pk}/move/",
        {"route_stop": moving.pk, "to_route": source.pk, "position": 2},
        **json,
    )
    moving.refresh_from_db()
    assert (moving.route_id, moving.sequence) == (source.pk, 2)


def test_the_route_page_has_one_move_form_and_the_timeline(client, planned):
    user, _day, _ = planned
    client.force_login(user)
    route = Route.objects.order_by("code").first()
    page = client.get(f"/routes/{route.pk}/").content.decode()
    assert page.count('name="route_stop"') == 1  # one form for the selected stop, not per row
    assert 'id="timeline-data"' in page
    lane = client.get(f"/routes/{route.pk}/timeline/").json()
    assert [s["seq"] for s in lane["stops"]] == list(range(1, route.planned_stops + 1))
    # the lane compared first is in the page (no second request); the map has these two only
    sibling = Route.objects.order_by("code")[1]
    compared = json.loads(_json_script(page, "timeline-compare-data"))
    assert compared == client.get(f"/routes/{sibling.pk}/timeline/").json()
    assert [r["id"] for r in json.loads(_json_script(page, "map-routes"))] == [route.pk, sibling.pk]


def test_the_route_page_compares_the_route_asked_for_or_else_the_first(client, db):
    # given: a day of three routes, and another DSP's route
    first, second, third = planned_routes(stops=15, vans=3, capacity=6)  # all three vans needed
    foreign = RouteFactory()
    client.force_login(MembershipFactory(dsp=first.dsp, role=Role.DISPATCHER).user)
    for asked, compared in [
        (third.pk, third),
        (foreign.pk, second),
        (first.pk, second),
        ("x", second),
    ]:
        # when
        page = client.get(f"/routes/{first.pk}/", {"compare": asked}).content.decode()
        # then: the lane, the map and the choice in the page are the same route's
        assert json.loads(_json_script(page, "timeline-compare-data"))["id"] == compared.pk
        map_routes = json.loads(_json_script(page, "map-routes"))
        assert [r["id"] for r in map_routes] == [first.pk, compared.pk]
        assert f'<option value="{compared.pk}" selected>{compared.code}</option>' in page


def _json_script(page: str, node_id: str) -> str:
    return re.search(rf'<script id="{node_id}" type="application/json">(.*?)</script>', page).group(
        1
    )


def test_a_running_plan_names_the_phase_of_its_solve(client, db, settings):
    # given: a day big enough for areas and rounds (areas of 12 stops, groups of 6)
    settings.ROUTES_GROUP_STOPS = 6
    settings.ROUTES_START_PART_STOPS = 12
    dsp = onboarded_dsp()
    manifest, _stops = planning_day(dsp=dsp, stops=30, vans=4, drivers=4, capacity=10)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=3)
    (run,) = plan_job_prepare(job_id=job.pk)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    # when: the solve runs, its last phase is kept on the run
    plan_run_solve(run_id=run.pk)
    run.refresh_from_db()
    # then: a big day's phase (its areas, then any rounds), never a whole-day start
    assert run.phase["step"] in {"areas", "round"} and run.phase["parts"] >= 1
    # and: while a run is in its areas, then in a round, the page says so in words
    progress = reverse("routes:job-progress", args=[job.pk])
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.RUNNING)
    run.status = PlanJob.Status.RUNNING
    run.phase = {"step": "areas", "parts": 3, "round": 0}
    run.save()
    page = client.get(progress).content.decode()
    assert "solving 3 areas of the day side by side" in page
    assert "the first whole plan appears once they are joined" in page
    run.phase = {"step": "round", "parts": 2, "round": 4}
    run.save()
    page = client.get(progress).content.decode()
    assert "improvement round 4, re-solving 2 groups of neighbouring routes" in page


def test_the_board_shows_each_routes_timeline_with_its_stops_and_late_ones(client, planned):
    # given: a planned day, one stop of the first route due before it is reached
    user, day, _ = planned
    client.force_login(user)
    first, *others = Route.objects.order_by("code").select_related("station")
    late = first.route_stops.select_related("stop").order_by("sequence").last()
    arrival = late.planned_arrival.astimezone(first.station.tz)
    Stop.objects.filter(pk=late.stop_id).update(
        window_start=(arrival - timedelta(hours=2)).time(),
        window_end=(arrival - timedelta(hours=1)).time(),
    )
    # when: the dispatcher opens the board
    page = client.get(reverse("routes:day-board"), {"date": f"{day}"}).content.decode()
    # then: one lane per route, its stops as ticks, its start and finish in the station's time
    board = page[page.index('id="board-timeline"') :]
    lanes = re.findall(r'<li class="bt-lane[^"]*" data-route="([^"]+)">(.*?)</li>', board, re.S)
    assert [code for code, _ in lanes] == [r.code for r in [first, *others]]
    for route, (_code, lane) in zip([first, *others], lanes, strict=True):
        assert lane.count("<i ") == route.planned_stops
        leaves = route.departs_at.astimezone(route.station.tz).strftime("%H:%M")
        back = route.returns_at.astimezone(route.station.tz).strftime("%H:%M")
        assert f"{leaves}–{back}" in lane
    # and: the stop arriving after its window is red, and said in words
    assert lanes[0][1].count('class="late"') == 1 and "1 after their window" in lanes[0][1]
    assert all('class="late"' not in lane for _code, lane in lanes[1:])
