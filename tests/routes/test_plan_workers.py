"""A station's plan runs share the `optimize` workers and the search time: each counts only
on its share."""

import re

import pytest
from django.urls import reverse

from routes.models import PlanJob, PlanRun
from routes.planning.jobs import plan_job_finish_if_done, plan_job_prepare, plan_job_progress
from routes.planning.rounds import RUN_MIN_S, RUN_MOST_TIMES, time_shares, workers_for
from tests.dsps.factories import DspFactory
from tests.routes.factories import PlanJobFactory, onboarded_dsp, planning_day

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


def test_a_station_shares_its_search_by_stops_and_still_ends_on_time():
    # given: the bench's 20,000-stop day, four DSPs, 140 s a DSP, two workers
    stops = [7283, 8163, 1554, 2993]
    # when
    shares = time_shares(stops, 140, 2)
    # then: the big days search longer, the small ones shorter...
    assert shares[1] > shares[0] > 140 > shares[3] > shares[2] >= RUN_MIN_S
    assert abs(shares[1] / shares[0] - 8163 / 7283) < 0.02
    # ...and, started biggest first on the first free worker, both workers end at 2 × 140 s:
    # 7,283 ends first and takes 2,993 next; 8,163 then takes 1,554.
    assert shares[0] + shares[3] == 280 and shares[1] + shares[2] == 280


def test_a_worker_per_run_or_a_single_run_keeps_the_time_limit():
    assert time_shares([7283, 8163, 1554, 2993], 140, 4) == [140] * 4
    assert time_shares([7283, 8163, 1554, 2993], 140, 8) == [140] * 4
    assert time_shares([500], 30, 2) == [30]


def test_on_one_worker_the_runs_split_the_whole_time_and_a_tiny_day_keeps_its_minimum():
    assert time_shares([300, 100], 30, 1) == [45, 15]
    shares = time_shares([5000, 20], 30, 1)
    assert shares == [60 - RUN_MIN_S, RUN_MIN_S]


def test_no_run_searches_more_than_three_times_the_limit():
    # one huge day and three tiny ones on one worker: the huge one is held to 90 s
    assert time_shares([10_000, 10, 10, 10], 30, 1) == [RUN_MOST_TIMES * 30, 10, 10, 10]


def _two_dsp_station(settings) -> PlanJob:
    settings.ROUTES_OPTIMIZE_WORKERS = 1
    small = onboarded_dsp(name="A small day")
    big = onboarded_dsp(name="B big day", station=small.station)
    manifest, _ = planning_day(dsp=small, stops=3)
    planning_day(dsp=big, stops=9, day=manifest.service_date)
    return PlanJobFactory(
        dsp=None, station=small.station, service_date=manifest.service_date, time_limit_s=60
    )


def test_a_station_job_queues_the_biggest_day_first_with_its_share(settings):
    # given
    job = _two_dsp_station(settings)
    # when
    runs = plan_job_prepare(job_id=job.pk)
    # then: 120 s of one worker, three to one
    assert [r.dsp.name for r in runs] == ["B big day", "A small day"]
    assert [r.time_limit_s for r in runs] == [90, 30]
    # prepared again (the message delivered twice): the same runs, in the same order
    assert plan_job_prepare(job_id=job.pk) == runs


def test_progress_and_the_job_page_count_each_run_against_its_own_share(settings, client, staff):
    # given: the big day has searched half its 90 s, the small one not yet
    job = _two_dsp_station(settings)
    big, _ = plan_job_prepare(job_id=job.pk)
    PlanRun.objects.filter(pk=big.pk).update(status=PlanJob.Status.RUNNING, elapsed_s=45)
    # then: a quarter done (45 of 60 s would have said more than a third)
    job.refresh_from_db()
    assert plan_job_progress(job)["percent"] == 25
    # when both end, the job page says how long each searched
    PlanRun.objects.filter(job=job).update(status=PlanJob.Status.SUCCEEDED)
    plan_job_finish_if_done(job_id=job.pk)
    client.force_login(staff)
    page = client.get(reverse("routes:job-detail", args=[job.pk])).content.decode()
    assert re.search(r"<td>B big day</td>.*?<td>90 s</td>", page, re.S)
    assert re.search(r"<td>A small day</td>.*?<td>30 s</td>", page, re.S)
