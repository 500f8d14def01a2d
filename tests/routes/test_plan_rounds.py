"""A plan run's rounds spread over real worker processes: lost workers and cancel."""

import json
import re
import threading
import time

import pytest
from django.db import connection

from dsps.models import Role
from routes.models import PlanGroupResult, PlanJob, PlanRun, Route, RouteStop, Stop
from routes.optimizer.decompose import WIDER_SEARCH, GroupJob
from routes.planning.jobs import plan_job_cancel, plan_job_prepare, plan_run_solve
from routes.planning.problem import build_problem
from routes.planning.rounds import CeleryExecutor, job_from_payload, job_payload
from tests.conftest import artifact_log, wait_until
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import PlanJobFactory, onboarded_dsp, planning_day

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rounds(settings, private_workers):
    """Groups of about ten stops, sent to a private queue that one test worker consumes."""
    settings.ROUTES_GROUP_STOPS = 10
    settings.ROUTES_OPTIMIZE_WORKERS = 2
    settings.ROUTES_GROUP_QUEUE = private_workers.queue
    return private_workers


def _every_stop_once(dsp, stops):
    routed = list(RouteStop.objects.filter(route__dsp=dsp).values_list("stop_id", flat=True))
    dropped = list(
        Stop.objects.filter(dsp=dsp).exclude(drop_reason="").values_list("id", flat=True)
    )
    return sorted(routed + dropped) == sorted(s.pk for s in stops) and len(set(routed)) == len(
        routed
    )


def _big_day(seconds: int):
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=60, vans=6, drivers=6, capacity=14)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=seconds)
    (run,) = plan_job_prepare(job_id=job.pk)
    return dsp, stops, job, run


def _start(workers, name: str):
    """A private worker, once it consumes its queue."""
    proc = workers.start(name)
    log = artifact_log(f"worker-{name}")
    wait_until(lambda: log.exists() and " ready." in log.read_text(), timeout=60)
    return proc


def _solving_tasks(name: str) -> int:
    """Tasks of the worker that took at least half a second (solved a group, not skipped)."""
    log = artifact_log(f"worker-{name}").read_text()
    return sum(1 for t in re.findall(r" succeeded in ([0-9.]+)s", log) if float(t) >= 0.5)


def _in_thread(target):
    """Run `target` beside the solve, on its own database connection."""

    def body():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread


def _worker_claims_a_group(run):
    # The coordinator takes groups from the end of a round, the worker from the start.
    wait_until(
        lambda: PlanGroupResult.objects.filter(run=run, group=0, answer__isnull=True).exists(),
        timeout=60,
        interval=0.05,
    )


def test_a_round_spreads_its_groups_over_the_workers_and_writes_one_plan(rounds):
    # given
    dsp, stops, job, run = _big_day(8)
    _start(rounds, "groups")
    # when
    plan_run_solve(run_id=run.pk)
    # then
    job.refresh_from_db()
    assert job.status == PlanJob.Status.SUCCEEDED, job.error
    assert _every_stop_once(dsp, stops)
    assert Route.objects.filter(dsp=dsp).count() == job.summary["routes"] >= 2
    assert _solving_tasks("groups") >= 1  # the worker solved groups beside the run's own task
    assert not PlanGroupResult.objects.filter(run=run).exists()  # each round cleans up


def test_with_every_worker_busy_the_run_solves_every_area_itself(rounds):
    # given: three areas of a start that must be solved, and nobody consuming the queue
    _dsp, _stops, job, run = _big_day(6)
    problem = build_problem(dsp=run.dsp, service_date=job.service_date).problem
    areas = [GroupJob(problem, 1.0, seed) for seed in (1, 2, 3)]
    executor = CeleryExecutor(run_id=run.pk, job_id=job.pk, workers=2)
    # when
    answers = executor.run(areas)
    # then: the run solved all three, although that took longer than two workers would
    assert all(a is not None and a.feasible for a in answers)


def test_a_worker_killed_during_a_round_leaves_one_complete_plan(rounds):
    # given: a worker that takes the first group of the first round
    dsp, stops, job, run = _big_day(8)
    worker = _start(rounds, "doomed")
    killed = []

    def kill_when_claimed():
        _worker_claims_a_group(run)
        rounds.kill(worker)
        killed.append(time.monotonic())

    thread = _in_thread(kill_when_claimed)
    # when
    plan_run_solve(run_id=run.pk)
    thread.join(timeout=5)
    # then: its group kept its previous routes and the plan is whole, written once
    assert killed and worker.poll() is not None
    job.refresh_from_db()
    assert job.status == PlanJob.Status.SUCCEEDED, job.error
    assert PlanRun.objects.get(pk=run.pk).attempts == 1
    assert _every_stop_once(dsp, stops)
    assert Route.objects.filter(dsp=dsp).count() == job.summary["routes"]


def test_cancel_stops_every_sub_task(rounds):
    # given: a minute-long job whose first round is under way on the worker
    dsp, _stops, job, run = _big_day(60)
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    _start(rounds, "cancelled")
    cancelled = []

    def cancel_when_claimed():
        _worker_claims_a_group(run)
        plan_job_cancel(user=user, job=PlanJob.objects.get(pk=job.pk))
        cancelled.append(time.monotonic())

    thread = _in_thread(cancel_when_claimed)
    # when
    plan_run_solve(run_id=run.pk)
    ended = time.monotonic()
    thread.join(timeout=5)
    # then: the coordinator and the worker's sub-task both stop within seconds, nothing written
    assert cancelled and ended - cancelled[0] < 5
    wait_until(lambda: rounds.succeeded("cancelled") >= 1, timeout=5)
    assert PlanRun.objects.get(pk=run.pk).status == PlanJob.Status.CANCELLED
    assert Route.objects.filter(dsp=dsp).count() == 0


def test_a_groups_job_crosses_the_queue_whole():
    # given: a group's job with its current routes and a search of its own
    dsp = onboarded_dsp()
    manifest, _stops = planning_day(dsp=dsp, stops=6, vans=2, drivers=2, capacity=14)
    problem = build_problem(dsp=dsp, service_date=manifest.service_date).problem
    first = problem.stops[0].id
    sent = GroupJob(
        problem,
        4.0,
        7,
        {problem.vehicles[0].id: [first]},
        search=WIDER_SEARCH,
    )
    # when: it goes through a message's JSON
    received = job_from_payload(json.loads(json.dumps(job_payload(sent))))
    # then
    assert (received.time_limit_s, received.seed) == (4.0, 7)
    assert received.initial == {problem.vehicles[0].id: [first]}
    assert received.search == WIDER_SEARCH
    assert [s.id for s in received.problem.stops] == [s.id for s in problem.stops]
