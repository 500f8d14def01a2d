"""Plan jobs through the real Redis broker and real worker processes."""

import os
import signal
from pathlib import Path

import pytest
from django.db import transaction

from dsps.models import Role
from routes.models import PlanJob, PlanRun, Route, RouteStop, Stop
from routes.planning.jobs import plan_job_cancel, plan_job_prepare, plan_job_start
from routes.tasks.planning import plan_run_solve_task
from tests.conftest import wait_until
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import PlanJobFactory, onboarded_dsp, planning_day

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _job(pk, *statuses):
    return PlanJob.objects.filter(pk=pk, status__in=statuses).first()


def _every_stop_once(dsp, stops):
    routed = list(RouteStop.objects.filter(route__dsp=dsp).values_list("stop_id", flat=True))
    dropped = list(
        Stop.objects.filter(dsp=dsp).exclude(drop_reason="").values_list("id", flat=True)
    )
    return sorted(routed + dropped) == sorted(s.pk for s in stops) and len(set(routed)) == len(
        routed
    )


def _wait_mid_solve(run) -> None:
    """Until the solve has been searching for over a second (it reports elapsed time)."""
    wait_until(lambda: PlanRun.objects.filter(pk=run.pk, elapsed_s__gte=1).exists(), timeout=60)


def test_a_job_runs_from_queued_to_succeeded_on_the_worker(celery_worker_process):
    # given
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=16, capacity=10)
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    # when
    with transaction.atomic():
        job = plan_job_start(user=user, service_date=manifest.service_date, time_limit_s=2)
    assert job.status == PlanJob.Status.QUEUED
    # then
    done = wait_until(lambda: _job(job.pk, *PlanJob.Status.values[2:]), timeout=60)
    assert done.status == PlanJob.Status.SUCCEEDED, done.error
    run = PlanRun.objects.get(job=job)
    assert (run.status, run.attempts) == (PlanJob.Status.SUCCEEDED, 1)
    assert done.summary["routes"] == Route.objects.filter(dsp=dsp).count() == 2
    assert _every_stop_once(dsp, stops)


def test_a_running_job_is_cancelled_within_seconds_and_writes_nothing(celery_worker_process):
    # given: a job given a minute, already solving
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=20)
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    with transaction.atomic():
        job = plan_job_start(user=user, service_date=manifest.service_date, time_limit_s=60)
    wait_until(
        lambda: PlanRun.objects.filter(job=job, status=PlanJob.Status.RUNNING).exists(), timeout=30
    )
    # when
    plan_job_cancel(user=user, job=job)
    # then: the solve notices and stops long before its minute is up
    run = wait_until(
        lambda: PlanRun.objects.filter(job=job, status=PlanJob.Status.CANCELLED).first(),
        timeout=15,
    )
    assert run.finished_at is not None
    assert PlanJob.objects.get(pk=job.pk).status == PlanJob.Status.CANCELLED
    assert Route.objects.filter(dsp=dsp).count() == 0


def test_a_worker_killed_mid_solve_is_redelivered_and_leaves_exactly_one_plan(private_workers):
    """SIGKILL the whole worker (parent and child) while it solves, so the message is never
    acknowledged; a new worker gets it back from Redis after the visibility timeout (4 s in
    tests/routes/celery_short_visibility.py) and plans the day once. With a timeout shorter than
    the solve, Redis also hands the message out again while the second worker solves: that
    third delivery finds the run done and writes nothing."""
    # given: a job prepared, its solve queued to a first worker
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=20, capacity=12)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=6)
    (run,) = plan_job_prepare(job_id=job.pk)
    first = private_workers.start("first")
    plan_run_solve_task.apply_async(args=[run.pk], queue=private_workers.queue)
    _wait_mid_solve(run)
    # when: the worker dies mid-solve, and a new one starts
    private_workers.kill(first)
    assert PlanRun.objects.get(pk=run.pk).status == PlanJob.Status.RUNNING
    assert Route.objects.filter(dsp=dsp).count() == 0
    private_workers.start("second")
    # then
    done = wait_until(
        lambda: _job(job.pk, PlanJob.Status.SUCCEEDED, PlanJob.Status.FAILED), timeout=90
    )
    run.refresh_from_db()
    assert (done.status, run.status, run.attempts) == (
        PlanJob.Status.SUCCEEDED,
        PlanJob.Status.SUCCEEDED,
        2,
    )
    assert Route.objects.filter(dsp=dsp).count() == done.summary["routes"] == 2
    assert _every_stop_once(dsp, stops)


def test_a_killed_worker_child_hands_the_solve_back_and_the_new_child_plans_once(
    private_workers,
):
    """SIGKILL only the prefork child: with `reject_on_worker_lost` the parent returns the
    message to the queue at once and its new child solves the day again."""
    # given
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=16, capacity=10)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=6)
    (run,) = plan_job_prepare(job_id=job.pk)
    worker = private_workers.start("parent")
    plan_run_solve_task.apply_async(args=[run.pk], queue=private_workers.queue)
    _wait_mid_solve(run)
    # when
    (child,) = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    os.kill(int(child), signal.SIGKILL)
    # then
    done = wait_until(
        lambda: _job(job.pk, PlanJob.Status.SUCCEEDED, PlanJob.Status.FAILED), timeout=60
    )
    run.refresh_from_db()
    assert (done.status, run.attempts) == (PlanJob.Status.SUCCEEDED, 2)
    assert Route.objects.filter(dsp=dsp).count() == done.summary["routes"] == 2
    assert _every_stop_once(dsp, stops)


def test_a_duplicated_solve_message_writes_one_plan(private_workers):
    # given: the same solve queued twice (a retried publish)
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=12, capacity=8)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    (run,) = plan_job_prepare(job_id=job.pk)
    private_workers.start("dup")
    # when
    for _ in range(2):
        plan_run_solve_task.apply_async(args=[run.pk], queue=private_workers.queue)
    # then
    wait_until(lambda: _job(job.pk, PlanJob.Status.SUCCEEDED), timeout=60)
    first_routes = list(Route.objects.filter(dsp=dsp).values_list("id", flat=True))
    # the second message, one task behind, finds the run done
    wait_until(lambda: private_workers.succeeded("dup") == 2, timeout=30)
    assert list(Route.objects.filter(dsp=dsp).values_list("id", flat=True)) == first_routes
    assert PlanRun.objects.get(pk=run.pk).attempts == 1
    assert _every_stop_once(dsp, stops)
