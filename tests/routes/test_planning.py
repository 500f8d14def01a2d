"""Plan jobs in-process: preparing, solving once, writing once, cancelling, hand edits."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dsps.models import Dsp, Role
from routes.models import PlanJob, PlanRun, Route, RouteStop, Stop
from routes.optimizer import DaySolution, DroppedStop, RouteResult, check_feasible, solve
from routes.planning.jobs import (
    plan_job_cancel,
    plan_job_prepare,
    plan_job_start,
    plan_run_solve,
    route_stop_move,
    route_stop_move_preview,
)
from routes.planning.problem import build_problem, estimates, van_kind, verify
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import PlanJobFactory, onboarded_dsp, planning_day


@pytest.fixture
def day(db):
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=14)
    return dsp, manifest, stops


def _solve(job):
    runs = plan_job_prepare(job_id=job.pk)
    for run in runs:
        plan_run_solve(run_id=run.pk)
    job.refresh_from_db()
    return runs


def test_a_job_routes_every_stop_once_and_the_plan_passes_the_checker(day):
    # given
    dsp, manifest, stops = day
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    planned = build_problem(dsp=dsp, service_date=manifest.service_date)
    # when
    _solve(job)
    # then
    assert job.status == PlanJob.Status.SUCCEEDED
    routed = list(RouteStop.objects.filter(route__dsp=dsp).values_list("stop_id", flat=True))
    dropped = list(Stop.objects.exclude(drop_reason="").values_list("id", flat=True))
    assert sorted(routed + dropped) == sorted(s.pk for s in stops)
    assert job.summary["stops"] == len(routed)
    assert job.summary["routes"] == Route.objects.filter(dsp=dsp).count()
    for route in Route.objects.filter(dsp=dsp):
        sequence = list(route.route_stops.values_list("sequence", flat=True))
        assert sequence == list(range(1, len(sequence) + 1))
        assert route.distance_m > 0 and route.cost > 0 and route.energy_unit == "l"
    # The checker agrees with the written plan rebuilt from the rows.
    assert planned.problem is not None
    assert check_feasible(planned.problem, _solution_from_rows(dsp)) == []


def _solution_from_rows(dsp):
    routes = []
    for route in Route.objects.filter(dsp=dsp).order_by("code"):
        rows = list(route.route_stops.order_by("sequence"))
        midnight = route.station.localize(route.service_date, __import__("datetime").time(0))
        secs = [int((r.planned_arrival - midnight).total_seconds()) for r in rows]
        starts = [int((r.planned_start - midnight).total_seconds()) for r in rows]
        routes.append(
            RouteResult(
                vehicle_id=str(route.vehicle_id),
                stop_ids=tuple(str(r.stop_id) for r in rows),
                arrival_s=tuple(secs),
                start_s=tuple(starts),
                departure_s=int((route.departs_at - midnight).total_seconds()),
                return_s=int((route.returns_at - midnight).total_seconds()),
                distance_m=route.distance_m,
                drive_s=route.drive_s,
                service_s=route.service_s,
                wait_s=0,
                load=route.load,
            )
        )
    dropped = [DroppedStop(str(s.pk), s.drop_reason) for s in Stop.objects.exclude(drop_reason="")]
    return DaySolution(tuple(routes), tuple(dropped), 0.0, "rows", 0.0, True)


def test_running_a_finished_solve_again_writes_nothing_new(day):
    # given: a plan already written
    dsp, manifest, _ = day
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    (run,) = _solve(job)
    before = list(RouteStop.objects.order_by("id").values_list("id", "route_id", "sequence"))
    # when: the task is delivered a second time
    again = plan_run_solve(run_id=run.pk)
    # then
    assert again.attempts == 1
    assert list(RouteStop.objects.order_by("id").values_list("id", "route_id", "sequence")) == (
        before
    )


def test_a_new_plan_replaces_the_draft_plan_of_that_day(day):
    dsp, manifest, stops = day
    first = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    _solve(first)
    second = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    _solve(second)
    assert set(Route.objects.values_list("plan_job", flat=True)) == {second.pk}
    assert RouteStop.objects.count() + Stop.objects.exclude(drop_reason="").count() == len(stops)


def test_a_cancelled_job_writes_no_routes(day):
    # given
    dsp, manifest, _ = day
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date)
    (run,) = plan_job_prepare(job_id=job.pk)
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    # when
    plan_job_cancel(user=user, job=job)
    plan_run_solve(run_id=run.pk)
    # then
    job.refresh_from_db()
    run.refresh_from_db()
    assert (job.status, run.status) == (PlanJob.Status.CANCELLED, PlanJob.Status.CANCELLED)
    assert Route.objects.count() == 0


def test_a_finished_job_cannot_be_cancelled(day):
    dsp, manifest, _ = day
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    _solve(job)
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    with pytest.raises(ValidationError):
        plan_job_cancel(user=user, job=job)
    job.refresh_from_db()
    assert job.status == PlanJob.Status.SUCCEEDED


def test_without_vans_every_stop_is_dropped_with_a_reason(db):
    dsp = onboarded_dsp()
    manifest, _stops = planning_day(dsp=dsp, stops=3, vans=0)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date)
    _solve(job)
    assert job.status == PlanJob.Status.SUCCEEDED
    assert set(Stop.objects.values_list("drop_reason", flat=True)) == {
        "no van is available that day."
    }
    assert Route.objects.count() == 0


def test_a_station_job_skips_dsps_whose_onboarding_is_incomplete(staff, day):
    # given: a second DSP at the station, still applying, with stops of its own
    dsp, manifest, _ = day
    applying = onboarded_dsp(station=dsp.station)
    Dsp.objects.filter(pk=applying.pk).update(status=Dsp.Status.APPLYING)
    planning_day(dsp=applying, stops=2)
    job = PlanJobFactory(dsp=None, station=dsp.station, service_date=manifest.service_date)
    # when
    runs = _solve(job)
    # then
    assert [r.dsp for r in runs] == [dsp]
    assert job.summary["skipped"] == [
        {"dsp": applying.name, "reason": "onboarding is not complete"}
    ]
    assert job.status == PlanJob.Status.SUCCEEDED
    assert Route.objects.filter(dsp=applying).count() == 0


def test_plan_job_start_refuses_a_past_day_a_silly_limit_and_a_second_active_job(day):
    dsp, _manifest, _ = day
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    today = dsp.station.today()
    with pytest.raises(ValidationError) as past:
        plan_job_start(user=user, service_date=today.replace(year=today.year - 1), time_limit_s=5)
    with pytest.raises(ValidationError) as silly:
        plan_job_start(user=user, service_date=today, time_limit_s=0)
    PlanJobFactory(dsp=dsp, service_date=today)
    with pytest.raises(ValidationError) as twice:
        plan_job_start(user=user, service_date=today, time_limit_s=5)
    assert past.value.message_dict == {"service_date": ["Cannot plan a day that has passed."]}
    assert list(silly.value.message_dict) == ["time_limit_s"]
    assert twice.value.message_dict == {"service_date": ["A plan of this day is already running."]}
    assert PlanJob.objects.count() == 1


def test_a_dsp_not_onboarded_cannot_start_a_plan(db):
    dsp = onboarded_dsp()
    Dsp.objects.filter(pk=dsp.pk).update(status=Dsp.Status.APPLYING)
    user = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    with pytest.raises(PermissionDenied, match="Only an active DSP can plan routes"):
        plan_job_start(user=user, service_date=dsp.station.today(), time_limit_s=5)
    assert PlanJob.objects.count() == 0


def test_moving_a_stop_between_routes_renumbers_and_retimes_both(db):
    # given: a plan of two routes (eight packages fit in a van)
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=14, capacity=8)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    _solve(job)
    routes = list(Route.objects.filter(dsp=dsp).order_by("code"))
    assert len(routes) == 2
    source, target = routes
    distance_before = {r.pk: r.distance_m for r in routes}
    # the source's stop farthest from the depot: the made-up stops lie along a line, and
    # taking out one between two others on it would change no distance
    station = dsp.station
    moving = max(
        source.route_stops.select_related("stop"),
        key=lambda r: (
            (float(r.stop.latitude) - float(station.latitude)) ** 2
            + (float(r.stop.longitude) - float(station.longitude)) ** 2
        ),
    )
    target_before = target.route_stops.count()
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    # when
    moved = route_stop_move(user=user, route_stop=moving, to_route=target, position=1)
    # then
    source.refresh_from_db()
    target.refresh_from_db()
    assert (moved.route, moved.sequence, moved.stop_id) == (target, 1, moving.stop_id)
    assert target.route_stops.count() == target.planned_stops == target_before + 1
    for route in (source, target):
        rows = list(route.route_stops.order_by("sequence"))
        assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
        arrivals = [r.planned_arrival for r in rows]
        assert arrivals == sorted(arrivals)
        # and its distance, energy, CO2 and cost come from the one calculation, together
        assert route.distance_m != distance_before[route.pk]
        assert route.planned_km == (Decimal(route.distance_m) / 1000).quantize(Decimal("0.1"))
        duration = int((route.returns_at - route.departs_at).total_seconds())
        figures = estimates(
            kind=van_kind(route.vehicle), distance_m=route.distance_m, duration_s=duration
        )
        assert {name: getattr(route, name) for name in figures} == figures
    # The re-check names an overload rather than refusing the hand edit.
    over = f"Route {target.code} carries {target.load} packages, over its van's capacity of 8."
    assert target.problems == ([over] if target.load > 8 else [])


def test_a_move_that_makes_a_stop_late_counts_it_once_and_the_preview_shows_it(db):
    # given: a plan of two routes, and a stop whose window closes a minute after they leave
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=14, capacity=8)
    _solve(PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1))
    source, target = Route.objects.filter(dsp=dsp).order_by("code")
    tz = dsp.station.tz
    moving = source.route_stops.select_related("stop").order_by("sequence").first()
    closes = (target.departs_at + timedelta(minutes=1)).astimezone(tz)
    Stop.objects.filter(pk=moving.stop_id).update(
        window_start=(closes - timedelta(hours=1)).time(), window_end=closes.time()
    )
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    last = target.route_stops.count() + 1
    # when: a dispatcher previews, then makes, its move to the end of the other route
    preview = route_stop_move_preview(user=user, route_stop=moving, to_route=target, position=last)
    route_stop_move(user=user, route_stop=moving, to_route=target, position=last)
    # then: the one late stop is counted once, in the preview and on the route
    lanes = {r["id"]: r for r in preview["routes"]}
    assert (lanes[target.pk]["windows_broken_before"], lanes[target.pk]["windows_broken"]) == (
        0,
        1,
    )
    target.refresh_from_db()
    assert target.late_stops == 1
    (late,) = [p for p in target.problems if "late" in p]
    assert moving.stop.address in late


def test_a_stop_cannot_move_to_another_dsps_route(day):
    dsp, manifest, _ = day
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    _solve(job)
    other = onboarded_dsp(station=dsp.station)
    foreign = Route.objects.create(
        dsp=other, station=dsp.station, service_date=manifest.service_date, code="X1"
    )
    moving = RouteStop.objects.first()
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    with pytest.raises(ValidationError):
        route_stop_move(user=user, route_stop=moving, to_route=foreign, position=1)
    assert RouteStop.objects.get(pk=moving.pk).route_id == moving.route_id


def test_runs_are_unique_per_job_and_dsp(day):
    dsp, manifest, _ = day
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date)
    plan_job_prepare(job_id=job.pk)
    plan_job_prepare(job_id=job.pk)
    assert PlanRun.objects.filter(job=job).count() == 1


def test_a_big_day_is_solved_in_parts_and_checked_route_by_route(db, settings):
    # given: parts of six stops, so a fourteen-stop day counts as big
    settings.ROUTES_STOPS_PER_PART = 6
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=14, capacity=8, vans=3, drivers=3)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=2)
    # when
    _solve(job)
    # then
    assert job.status == PlanJob.Status.SUCCEEDED, job.error
    routed = list(RouteStop.objects.values_list("stop_id", flat=True))
    dropped = list(Stop.objects.exclude(drop_reason="").values_list("id", flat=True))
    assert sorted(routed + dropped) == sorted(s.pk for s in stops)
    for route in Route.objects.all():
        legs = sum(route.route_stops.values_list("leg_distance_m", flat=True))
        assert 0 < legs < route.distance_m  # every leg but the drive back to the station


def test_verify_route_by_route_finds_a_lost_stop(db, settings):
    settings.ROUTES_STOPS_PER_PART = 2
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=4)
    planned = build_problem(dsp=dsp, service_date=manifest.service_date)
    solution = solve(planned.problem, time_limit_s=0.5)
    lost = replace(solution, routes=(), dropped=solution.dropped)
    assert verify(planned.problem, solution)[0] == []
    routed = sorted(sid for r in solution.routes for sid in r.stop_ids)
    assert [str(v) for v in verify(planned.problem, lost)[0]] == [
        f"Stop {sid} is routed or dropped 0 times." for sid in sorted(routed, key=int)
    ]


def test_a_solve_that_keeps_killing_its_worker_is_given_up_after_three_attempts(
    day, django_capture_on_commit_callbacks
):
    # given: a run three deliveries have started and none finished
    dsp, manifest, _ = day
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date)
    (run,) = plan_job_prepare(job_id=job.pk)
    PlanRun.objects.filter(pk=run.pk).update(status=PlanJob.Status.RUNNING, attempts=3)
    # when: a fourth delivery arrives
    with django_capture_on_commit_callbacks(execute=True):
        ended = plan_run_solve(run_id=run.pk)
    # then
    job.refresh_from_db()
    assert (ended.status, ended.attempts) == (PlanJob.Status.FAILED, 3)
    assert job.status == PlanJob.Status.FAILED
    assert job.error == f"{dsp.name}: The solve stopped its worker 3 times; giving up."
    assert Route.objects.count() == 0
