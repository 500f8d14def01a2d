"""Disruptions, re-plan jobs on the optimize queue, rescues and applying a proposal."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from dsps.models import Role
from fleet.models import Vehicle
from routes.day.assignment import day_confirmation_answer
from routes.live.progress import drive_seconds
from routes.models import Disruption, ReplanJob, Route, RouteChange, RouteStop
from routes.replan.disruptions import (
    disruption_record,
    parse_area,
    replan_job_apply,
    replan_job_run,
)
from routes.replan.proposals import Proposal
from routes.tasks.day import replan_job_run_task
from routes.web.views.changes import change_lines
from tests.conftest import wait_until
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import LocationPingFactory, RouteFactory, onboarded_dsp, ready_driver
from tests.routes.live_factories import deliver, route_out

# A box around the route's second and third stops (stops run east from -96.800 by 0.004).
BOX = {
    "type": "Polygon",
    "coordinates": [
        [
            [-96.7975, 32.775],
            [-96.7905, 32.775],
            [-96.7905, 32.785],
            [-96.7975, 32.785],
            [-96.7975, 32.775],
        ]
    ],
}


def manager(route):
    return MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user


@pytest.fixture(autouse=True)
def _replans_run_in_the_test(request, monkeypatch):
    """Without the real worker these tests run each re-plan themselves.

    A committed disruption queues its job after commit; left on the shared broker, the session
    worker (started by an earlier worker test) would run it too, and its writes would race the
    table flush at the end of a transactional test.
    """
    if "celery_worker_process" not in request.fixturenames:
        monkeypatch.setattr(replan_job_run_task, "delay", lambda *args, **kwargs: None)


def test_the_replan_task_runs_on_the_optimize_queue():
    assert replan_job_run_task.queue == "optimize"


@pytest.mark.parametrize(
    "area, message",
    [
        ("not json at all", "The area is not valid GeoJSON."),
        ({"type": "Point", "coordinates": [1, 2]}, "The area must be a GeoJSON Polygon."),
        (
            {"type": "Polygon", "coordinates": [[["a", "b"]]]},
            "The polygon's coordinates do not parse.",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]},
            "A polygon needs at least three corners and must close on its first point.",
        ),
    ],
)
@pytest.mark.django_db
def test_a_polygon_that_does_not_parse_is_refused_and_nothing_recorded(client, area, message):
    # given
    route, _ = route_out()
    client.force_login(manager(route))
    # when
    response = client.post(
        reverse("api:disruption-list"),
        {"kind": "closure", "area": area},
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert response.json() == {"area": [message]}
    assert (Disruption.objects.count(), ReplanJob.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_the_board_form_shows_a_bad_polygon_on_the_area_field(client):
    route, _ = route_out()
    client.force_login(manager(route))
    response = client.post(reverse("routes:disruption-create"), {"kind": "closure", "area": "{"})
    assert response.status_code == 400
    assert "The area is not valid GeoJSON." in response.content.decode()
    assert Disruption.objects.count() == 0


@pytest.mark.django_db
def test_the_board_form_records_the_time_range_and_names_a_bad_start(client):
    route, _ = route_out()
    client.force_login(manager(route))
    url = reverse("routes:disruption-create")
    base = {"kind": "slowdown", "area": json.dumps(BOX), "speed_factor": "0.5"}
    # a start that does not parse is shown on the start field, nothing recorded
    response = client.post(url, {**base, "starts_at": "soon", "ends_at": "2030-01-01T10:00"})
    assert response.status_code == 400
    assert '<p class="msg error" id="starts-error">Give a date and time.</p>' in (
        response.content.decode()
    )
    assert Disruption.objects.count() == 0
    # a good range is recorded in the station's zone
    response = client.post(
        url, {**base, "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T10:00"}
    )
    assert response.status_code == 302
    disruption = Disruption.objects.get()
    tz = route.station.tz
    assert (disruption.starts_at, disruption.ends_at) == (
        datetime.datetime(2030, 1, 1, 9, tzinfo=tz),
        datetime.datetime(2030, 1, 1, 10, tzinfo=tz),
    )


def test_a_feature_wrapping_a_polygon_parses():
    assert parse_area(json.dumps({"type": "Feature", "geometry": BOX})) == BOX


@pytest.mark.django_db(transaction=True)
def test_a_closure_reroutes_the_remaining_stops_and_keeps_done_ones(
    django_capture_on_commit_callbacks,
):
    # given: a route of four stops, the first done, the driver at it; a closure over stops 2-3
    route, stops = route_out(stops=4, code="R-CLOSE")
    deliver(stops[0], minutes_ago=1)
    client_user = manager(route)

    _, job = disruption_record(
        user=client_user,
        kind="closure",
        area=BOX,
        ends_at=timezone.now() + datetime.timedelta(minutes=30),
        time_limit_s=1,
    )
    # when: the worker's service runs the job (the task itself is tested with a real worker)
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    # then: a proposal for that route with its three remaining stops
    assert job.status == ReplanJob.Status.PROPOSED
    [proposed] = job.proposal["routes"]
    assert proposed["code"] == "R-CLOSE"
    after = [s["route_stop"] for s in proposed["after"]]
    assert sorted(after) == sorted(s.pk for s in stops[1:])
    # stops 2 and 3 lie in the closure: they are served only once it reopens
    etas = {s["route_stop"]: datetime.datetime.fromisoformat(s["eta"]) for s in proposed["after"]}
    reopens = timezone.now() + datetime.timedelta(minutes=29)
    assert etas[stops[1].pk] >= reopens and etas[stops[2].pk] >= reopens
    # when: the dispatcher applies it
    replan_job_apply(user=client_user, job=job)
    # then: the done stop stays first, the rest follow the proposal, the driver gets a change
    order = list(
        RouteStop.objects.filter(route=route).order_by("sequence").values_list("pk", flat=True)
    )
    assert order == [stops[0].pk] + [s["route_stop"] for s in proposed["after"]]
    change = RouteChange.objects.get(route=route)
    assert change.job_id == job.pk
    job.refresh_from_db()
    assert job.status == ReplanJob.Status.APPLIED


@pytest.mark.django_db(transaction=True)
def test_stops_inside_a_closure_with_no_end_stay_last_and_the_driver_is_told():
    route, stops = route_out(stops=4, code="R-SHUT")
    user = manager(route)

    _, job = disruption_record(user=user, kind="closure", area=BOX, time_limit_s=1)
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert sorted(d["route_stop"] for d in job.proposal["dropped"]) == [stops[1].pk, stops[2].pk]
    replan_job_apply(user=user, job=job)
    order = list(
        RouteStop.objects.filter(route=route).order_by("sequence").values_list("pk", flat=True)
    )
    assert order[2:] == [stops[1].pk, stops[2].pk]
    lines = change_lines(RouteChange.objects.get(route=route).facts, route.station.tz)
    assert "Stop R-SHUT stop 2 could not be fitted; it stays last — call dispatch." in lines


@pytest.mark.django_db(transaction=True)
def test_a_proposal_is_refused_when_a_stop_was_done_since():
    route, stops = route_out(stops=3)
    user = manager(route)

    _, job = disruption_record(user=user, kind="closure", area=BOX, time_limit_s=1)
    replan_job_run(job_id=job.pk)
    before = list(RouteStop.objects.filter(route=route).values_list("pk", "sequence"))
    deliver(stops[1], minutes_ago=0)
    job.refresh_from_db()
    with pytest.raises(Exception, match="re-plan again"):
        replan_job_apply(user=user, job=job)
    assert list(RouteStop.objects.filter(route=route).values_list("pk", "sequence")) == before
    assert RouteChange.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_breakdown_moves_the_remaining_stops_to_a_nearby_route():
    # given: two routes side by side; R-BROKEN breaks down after its first stop
    broken, bstops = route_out(stops=3, code="R-BROKEN")
    helper, _ = route_out(dsp=broken.dsp, stops=2, code="R-HELP", lon0=broken_lon(bstops))
    deliver(bstops[0], minutes_ago=1)
    user = manager(broken)

    _, job = disruption_record(user=user, kind="breakdown", route=broken, time_limit_s=1)
    # when
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    # then: the broken route's two remaining stops move to R-HELP, meeting at the breakdown
    assert job.kind == ReplanJob.Kind.RESCUE
    assert sorted(m["route_stop"] for m in job.proposal["moves"]) == [bstops[1].pk, bstops[2].pk]
    assert {m["to_code"] for m in job.proposal["moves"]} == {"R-HELP"}
    assert job.proposal["meets"][0]["from_code"] == "R-BROKEN"
    replan_job_apply(user=user, job=job)
    assert RouteStop.objects.filter(route=helper).count() == 4
    assert RouteStop.objects.filter(route=broken).count() == 1
    facts = RouteChange.objects.get(route=helper).facts
    lines = change_lines(facts, helper.station.tz)
    assert any("moved to you from route R-BROKEN" in line for line in lines)
    # the change is stored as facts: stop, from and to route, old and new arrival, reason
    moved = [f for f in facts if f["code"] == "moved_in"]
    assert {(f["from_route"], f["to_route"]) for f in moved} == {("R-BROKEN", "R-HELP")}
    assert sorted(f["stop"] for f in moved) == sorted(
        s.stop.address for s in (bstops[1], bstops[2])
    )
    assert all(f["reason"] == "breakdown" and f["new_eta"] and f["old_eta"] for f in moved)
    assert not any(isinstance(f, str) for f in facts)


def broken_lon(stops):
    return stops[0].stop.longitude


@pytest.mark.django_db
def test_a_driver_cannot_record_a_disruption(client):
    route, _ = route_out()
    client.force_login(route.driver.user)
    response = client.post(
        reverse("api:disruption-list"),
        {"kind": "closure", "area": BOX},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Disruption.objects.count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_closure_is_replanned_by_a_real_worker(client, celery_worker_process):
    # given: a route out, and its dispatcher
    route, _ = route_out(stops=3, code="R-WORK")
    client.force_login(manager(route))
    # when: a closure is recorded through the API (the job is queued after commit)
    response = client.post(
        reverse("api:disruption-list"),
        {"kind": "closure", "area": BOX, "time_limit_s": 1},
        content_type="application/json",
    )
    assert response.status_code == 201
    job_id = response.json()["replan_job"]["id"]
    # then: the worker on the optimize queue writes a proposal
    job = wait_until(
        lambda: ReplanJob.objects.filter(pk=job_id, status=ReplanJob.Status.PROPOSED).first(),
        timeout=60,
    )
    assert [r["code"] for r in job.proposal["routes"]] == ["R-WORK"]
    # and applying it over the API records the driver's change
    response = client.post(reverse("api:replanjob-apply", args=[job_id]))
    assert response.status_code == 200
    assert RouteChange.objects.filter(route=route, job_id=job_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_route_behind_pace_gets_a_rescue_proposal_from_the_board(client, settings):
    settings.ROUTES_REPLAN_TIME_LIMIT_S = 1  # seven stops: a second finds the plan
    # given: a route two hours late with six stops to go, and a nearby route on time
    late, _ = route_out(stops=6, started_min_ago=120, code="R-LATE")
    route_out(dsp=late.dsp, stops=1, started_min_ago=5, code="R-SPARE")
    client.force_login(manager(late))
    board = client.get(reverse("routes:live-board-data")).json()["routes"]
    assert {r["code"]: r["behind_pace"] for r in board} == {"R-LATE": True, "R-SPARE": False}
    # when: the dispatcher asks for a rescue
    response = client.post(reverse("routes:rescue-start", args=[late.pk]))
    # then: a rescue job for that route, solved into a proposal covering both routes
    job = ReplanJob.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.route_id) == (ReplanJob.Kind.RESCUE, late.pk)
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReplanJob.Status.PROPOSED
    planned = sorted(s["route_stop"] for r in job.proposal["routes"] for s in r["after"])
    dropped = sorted(d["route_stop"] for d in job.proposal["dropped"])
    assert len(planned) + len(dropped) == 7


@pytest.mark.django_db(transaction=True)
def test_applying_twice_changes_nothing_the_second_time():
    route, _ = route_out(stops=2)
    user = manager(route)

    _, job = disruption_record(
        user=user, kind="slowdown", area=BOX, speed_factor="0.5", time_limit_s=1
    )
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    replan_job_apply(user=user, job=job)
    after_first = list(RouteStop.objects.filter(route=route).values_list("pk", "sequence"))
    replan_job_apply(user=user, job=job)
    assert list(RouteStop.objects.filter(route=route).values_list("pk", "sequence")) == after_first
    assert RouteChange.objects.count() == 1


# --- Rescues to a standby driver, the rescuer's detour, disruption time ranges --------------


def _standby(dsp):
    """A driver of `dsp` who said yes for today and has no route (the onboarded van is free)."""
    member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    driver = ready_driver(dsp, user=member.user)
    day_confirmation_answer(driver=driver, service_date=dsp.station.today(), available=True)
    return driver


@pytest.mark.django_db
def test_a_breakdown_with_no_route_nearby_goes_to_a_standby_driver_and_van():
    # given: the only route out breaks down after its first stop; a standby driver said yes
    dsp = onboarded_dsp()
    van = Vehicle.objects.get(dsp=dsp)  # inspected today, on no route
    broken, bstops = route_out(dsp=dsp, stops=3, code="R-BROKEN")
    deliver(bstops[0], minutes_ago=1)
    standby = _standby(dsp)
    user = manager(broken)
    _, job = disruption_record(user=user, kind="breakdown", route=broken, time_limit_s=1)
    # when
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    # then: the proposal names the standby option and why
    rescuer = job.proposal["rescuer"]
    assert rescuer["kind"] == "standby"
    assert rescuer["why"].startswith("No other route is out to take route R-BROKEN's stops")
    assert (job.proposal["standby"]["driver"], job.proposal["standby"]["vehicle"]) == (
        standby.pk,
        van.pk,
    )
    assert sorted(m["route_stop"] for m in job.proposal["moves"]) == [bstops[1].pk, bstops[2].pk]
    assert job.proposal["meets"][0]["from_code"] == "R-BROKEN"
    client = Client()
    client.force_login(user)
    page = client.get(reverse("routes:replan-detail", args=[job.pk])).content.decode()
    assert 'data-kind="standby"' in page and escape(rescuer["why"]) in page
    assert f"{standby.full_name} in van {van.plate}" in page
    # each move carries its old and new arrival and the reason, shown by its label
    moves = Proposal.from_json(job.proposal).moves
    assert all(m.reason == "breakdown" and m.old_eta and m.new_eta for m in moves)
    zone = broken.station.tz
    first = min(moves, key=lambda m: m.new_eta)
    assert (
        f"{first.old_eta.astimezone(zone):%H:%M} → {first.new_eta.astimezone(zone):%H:%M}" in page
    )
    assert "Vehicle breakdown / driver cannot continue" in page

    # when: the standby driver got another route meanwhile, applying is refused, nothing written
    other = RouteFactory(dsp=dsp, driver=standby, code="R-OTHER", status=Route.Status.ASSIGNED)
    with pytest.raises(ValidationError, match="standby option no longer holds"):
        replan_job_apply(user=user, job=job)
    assert not Route.objects.filter(code="R-BROKEN-S").exists()
    assert RouteStop.objects.filter(route=broken).count() == 3
    other.delete()
    # when: applied
    replan_job_apply(user=user, job=job)
    # then: a new route with the standby driver and van takes the two stops; the done one stays
    rescue = Route.objects.get(code="R-BROKEN-S")
    assert (rescue.driver, rescue.vehicle, rescue.status) == (standby, van, Route.Status.ASSIGNED)
    assert sorted(rescue.route_stops.values_list("pk", flat=True)) == [
        bstops[1].pk,
        bstops[2].pk,
    ]
    assert list(RouteStop.objects.filter(route=broken).values_list("pk", flat=True)) == [
        bstops[0].pk
    ]
    lines = change_lines(RouteChange.objects.get(route=rescue).facts, rescue.station.tz)
    assert any("moved to you from route R-BROKEN" in line for line in lines)
    assert any(line.startswith("Meet route R-BROKEN at") for line in lines)


@pytest.mark.django_db
def test_a_rescue_prefers_a_nearby_route_and_adds_its_detour_to_the_meeting_point(settings):
    # given: R-HELP (its driver 1.9 km east) has room; a standby driver is also free
    settings.ROUTES_HANDOVER_S = 900
    dsp = onboarded_dsp()
    broken, bstops = route_out(dsp=dsp, stops=3, code="R-BROKEN")
    helper, _ = route_out(dsp=dsp, stops=1, code="R-HELP", lon0=Decimal("-96.780000"))
    LocationPingFactory(route=helper, latitude=Decimal("32.780000"), longitude=Decimal("-96.78"))
    deliver(bstops[0], minutes_ago=1)
    _standby(dsp)
    user = manager(broken)
    _, job = disruption_record(user=user, kind="breakdown", route=broken, time_limit_s=1)
    # when
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    # then: the nearby route is proposed, and why
    assert job.proposal["rescuer"]["kind"] == "nearby"
    assert "R-HELP" in job.proposal["rescuer"]["why"]
    assert "standby" not in job.proposal
    # and: R-HELP's times include driving to the breakdown and the 15 min handover
    [meet] = job.proposal["meets"]
    to_meet = drive_seconds((32.78, -96.78), (32.78, -96.80))
    assert meet["handover_min"] == 15 and meet["detour_min"] >= 15
    [plan] = [r for r in job.proposal["routes"] if r["code"] == "R-HELP"]
    earliest = min(datetime.datetime.fromisoformat(s["eta"]) for s in plan["after"])
    assert earliest >= job.started_at + datetime.timedelta(seconds=to_meet + 900)
    replan_job_apply(user=user, job=job)
    arrivals = sorted(
        RouteStop.objects.filter(route=helper).values_list("planned_arrival", flat=True)
    )
    assert arrivals[0] >= job.started_at + datetime.timedelta(seconds=to_meet + 900)
    lines = change_lines(RouteChange.objects.get(route=helper).facts, helper.station.tz)
    assert any("min detour (15 min handover)" in line for line in lines)


@pytest.mark.django_db
def test_a_closure_later_today_leaves_a_route_that_is_done_before_it_alone():
    # given: stops planned over the next 35 minutes; a closure over two of them in 3 hours
    route, _ = route_out(stops=4, started_min_ago=5)
    now = timezone.now()
    _, job = disruption_record(
        user=manager(route),
        kind="closure",
        area=BOX,
        starts_at=now + datetime.timedelta(hours=3),
        ends_at=now + datetime.timedelta(hours=4),
        time_limit_s=1,
    )
    # when
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    # then: nothing to change
    assert job.proposal["routes"] == []
    assert job.proposal["note"] == "No route's remaining work is affected; nothing to change."


@pytest.mark.django_db
def test_a_closure_that_starts_soon_waits_only_for_the_stops_planned_after_its_start():
    # given: the driver at stop 1; stop 2 planned before the closure starts, stop 3 after
    route, stops = route_out(stops=4, started_min_ago=5)
    deliver(stops[0], minutes_ago=1)
    LocationPingFactory(route=route, latitude=Decimal("32.78"), longitude=Decimal("-96.8"))
    now = timezone.now()
    starts, ends = now + datetime.timedelta(minutes=20), now + datetime.timedelta(minutes=60)
    _, job = disruption_record(
        user=manager(route),
        kind="closure",
        area=BOX,
        starts_at=starts,
        ends_at=ends,
        time_limit_s=1,
    )
    # when
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    # then: stop 2 is served before the closure, stop 3 once it reopens
    [plan] = job.proposal["routes"]
    etas = {s["route_stop"]: datetime.datetime.fromisoformat(s["eta"]) for s in plan["after"]}
    assert etas[stops[1].pk] < starts
    assert etas[stops[2].pk] >= ends.replace(microsecond=0)


@pytest.mark.django_db
def test_a_breakdown_with_no_route_out_and_no_standby_says_so():
    broken, bstops = route_out(stops=2, code="R-ALONE")
    deliver(bstops[0], minutes_ago=1)
    _, job = disruption_record(user=manager(broken), kind="breakdown", route=broken)
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.proposal["rescuer"] == {
        "kind": "none",
        "why": "No other route is out to take route R-ALONE's stops, and no standby driver "
        "who confirmed for today has a free inspected van.",
    }
    assert job.proposal["routes"] == []
