"""A plan whose worker was killed mid-solve is swept, so the day can be planned again."""

import time

import pytest

from dsps.models import Role
from routes.models import PlanJob, PlanRun
from routes.planning.jobs import plan_job_prepare, plan_job_start, plan_runs_sweep_stale
from routes.tasks.planning import plan_run_solve_task
from tests.conftest import wait_until
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import PlanJobFactory, onboarded_dsp, planning_day

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_killed_workers_job_is_failed_readably_and_a_new_plan_is_accepted(
    private_workers, celery_worker_process, settings
):
    # given: a solve running on a worker that is then killed with SIGKILL (no redelivery yet)
    settings.ROUTES_PLAN_HEARTBEAT_TIMEOUT_S = 3
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=20, capacity=12)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=30)
    (run,) = plan_job_prepare(job_id=job.pk)
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.RUNNING)
    worker = private_workers.start("doomed")
    plan_run_solve_task.apply_async(args=[run.pk], queue=private_workers.queue)
    wait_until(lambda: PlanRun.objects.filter(pk=run.pk, elapsed_s__gte=1).exists(), timeout=60)
    private_workers.kill(worker)
    time.sleep(4)  # past the heartbeat timeout
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    # when: the owner plans the day again
    new = plan_job_start(user=owner, service_date=manifest.service_date, time_limit_s=5)
    # then: the dead job ended with a readable reason and the new one was accepted
    job.refresh_from_db()
    run.refresh_from_db()
    assert (job.status, run.status) == (PlanJob.Status.FAILED, PlanJob.Status.FAILED)
    assert run.error == "The planning worker stopped answering for 3 s; plan again."
    assert job.error == f"{dsp.name}: The planning worker stopped answering for 3 s; plan again."
    assert new.pk != job.pk and new.status == PlanJob.Status.QUEUED
    # and: the new plan runs to its end on a live worker (nothing is left writing at teardown)
    finished = (PlanJob.Status.SUCCEEDED, PlanJob.Status.FAILED, PlanJob.Status.CANCELLED)
    wait_until(lambda: PlanJob.objects.get(pk=new.pk).status in finished, timeout=120)
    assert PlanJob.objects.get(pk=new.pk).status == PlanJob.Status.SUCCEEDED


def test_a_solve_with_a_fresh_heartbeat_is_not_swept(transactional_db, settings):
    settings.ROUTES_PLAN_HEARTBEAT_TIMEOUT_S = 60
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=3, capacity=12)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date)
    (run,) = plan_job_prepare(job_id=job.pk)
    PlanRun.objects.filter(pk=run.pk).update(status=PlanJob.Status.RUNNING)
    assert plan_runs_sweep_stale() == []
    assert PlanRun.objects.get(pk=run.pk).status == PlanJob.Status.RUNNING
