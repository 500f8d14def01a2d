"""Worker faults: the broker goes away for a moment; a solve fails.

The SIGKILL-mid-solve case (redelivered, exactly one plan) lives with the planning tests in
tests/routes/test_plan_worker.py, which kills both a whole worker and only its prefork child.
"""

import pytest
from django.urls import reverse

from dsps.models import Role
from routes.models import PlanJob, Route
from routes.planning.jobs import QUEUE_UNAVAILABLE
from tests.conftest import wait_until
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import onboarded_dsp, planning_day

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _finished(pk):
    return PlanJob.objects.filter(
        pk=pk, status__in=[PlanJob.Status.SUCCEEDED, PlanJob.Status.FAILED]
    ).first()


def test_with_the_queue_down_pages_load_and_a_plan_says_try_again_then_runs(client, private_queue):
    # given: a dispatcher's day ready to plan, and the broker down
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=12, capacity=10)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    private_queue.stop()
    # then: the pages still load
    for url in (reverse("home"), reverse("routes:day"), reverse("routes:plan")):
        assert client.get(url).status_code == 200, url
    # when: they ask for a plan
    form = {"service_date": manifest.service_date.isoformat(), "time_limit_s": 2}
    response = client.post(reverse("routes:plan"), form, follow=True)
    # then: no 500, the page says why, and the job is over (not stuck queued)
    assert response.status_code == 200
    assert QUEUE_UNAVAILABLE in response.content.decode()
    failed = PlanJob.objects.get()
    assert (failed.status, failed.error) == (PlanJob.Status.FAILED, QUEUE_UNAVAILABLE)
    assert Route.objects.count() == 0
    # when: the broker is back and they try again
    private_queue.start()
    response = client.post(reverse("routes:plan"), form)
    assert response.status_code == 302
    # then: the worker (reconnected on its own) plans the day
    retried = PlanJob.objects.exclude(pk=failed.pk).get()
    done = wait_until(lambda: _finished(retried.pk), timeout=120, interval=0.5)
    assert done.status == PlanJob.Status.SUCCEEDED, done.error
    assert Route.objects.filter(dsp=dsp).count() == done.summary["routes"] == 2


def test_the_api_answers_a_failed_job_with_the_reason_while_the_queue_is_down(
    client, private_queue
):
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=6, capacity=10)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.OWNER).user)
    private_queue.stop()
    try:
        response = client.post(
            reverse("api:planjob-list"),
            {"service_date": manifest.service_date.isoformat(), "time_limit_s": 2},
            content_type="application/json",
        )
    finally:
        private_queue.start()
    assert response.status_code == 201
    job = PlanJob.objects.get()
    assert (job.status, job.error) == (PlanJob.Status.FAILED, QUEUE_UNAVAILABLE)
