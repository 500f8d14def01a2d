"""A solve the solver refuses ends the run and the job as failed, with the solver's reason."""

import pytest

from routes.models import PlanJob, PlanRun, Route
from routes.planning.jobs import plan_job_prepare, plan_run_solve
from tests.routes.factories import PlanJobFactory, onboarded_dsp, planning_day

pytestmark = pytest.mark.django_db


def test_a_problem_the_solver_rejects_fails_the_job_with_a_readable_message(settings):
    # given: a day to plan, and a shift limit the solver's input checks reject
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=6, capacity=10)
    settings.ROUTES_MAX_SHIFT_S = 0
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date)
    (run,) = plan_job_prepare(job_id=job.pk)
    # when
    plan_run_solve(run_id=run.pk)
    # then
    run = PlanRun.objects.get(pk=run.pk)
    job.refresh_from_db()
    assert (run.status, run.error) == (PlanJob.Status.FAILED, "Maximum duration must be positive.")
    assert job.status == PlanJob.Status.FAILED
    assert job.error == f"{dsp.name}: Maximum duration must be positive."
    assert job.finished_at is not None
    assert Route.objects.count() == 0
