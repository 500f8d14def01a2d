"""A station's plan runs share the `optimize` workers: each counts only on its share."""

import pytest

from routes.models import PlanJob, PlanRun
from routes.planning.rounds import workers_for
from tests.dsps.factories import DspFactory
from tests.routes.factories import PlanJobFactory

pytestmark = pytest.mark.django_db


def _station_job(dsps: int) -> tuple[PlanJob, list[PlanRun]]:
    job = PlanJobFactory(dsp=None, station=DspFactory().station)
    runs = [
        PlanRun.objects.create(job=job, dsp=DspFactory(station=job.station)) for _ in range(dsps)
    ]
    return job, runs


def _finish(*runs: PlanRun) -> None:
    PlanRun.objects.filter(pk__in=[r.pk for r in runs]).update(status=PlanJob.Status.SUCCEEDED)


def test_four_dsps_on_two_workers_each_solve_on_their_own_worker(settings):
    settings.ROUTES_OPTIMIZE_WORKERS = 2
    job, runs = _station_job(dsps=4)
    assert workers_for(job.pk) == 1  # the first two, side by side
    _finish(*runs[:2])
    assert workers_for(job.pk) == 1  # the next two
    _finish(runs[2])
    assert workers_for(job.pk) == 2  # the last one alone has both


def test_four_dsps_on_eight_workers_get_two_each_and_one_dsp_gets_them_all(settings):
    settings.ROUTES_OPTIMIZE_WORKERS = 8
    job, _ = _station_job(dsps=4)
    assert workers_for(job.pk) == 2
    alone, _ = _station_job(dsps=1)
    assert workers_for(alone.pk) == 8
