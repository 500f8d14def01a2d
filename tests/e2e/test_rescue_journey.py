"""Journey: a breakdown rescue is applied from the re-plan page, and every route still out
runs in time order on its page, with the browser in the station's zone and the machine in UTC."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dsps.models import Role
from routes.models import ReplanJob, Route
from routes.replan.disruptions import disruption_record, replan_job_run
from routes.tasks.day import replan_job_run_task
from tests.clock import in_time_order
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.live_factories import deliver, route_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_breakdown_rescue_is_applied_and_the_routes_left_run_in_time_order(
    live_server, browser, monkeypatch
):
    monkeypatch.setattr(replan_job_run_task, "delay", lambda *args, **kwargs: None)
    # given: three routes out; R-BROKEN breaks down after its first stop
    broken, bstops = route_out(stops=4, code="R-BROKEN", started_min_ago=5)
    dsp = broken.dsp
    route_out(dsp=dsp, stops=3, code="R-HELP", started_min_ago=5, lon0=bstops[0].stop.longitude)
    route_out(dsp=dsp, stops=3, code="R-FAR", started_min_ago=5, lat0=bstops[0].stop.latitude + 1)
    deliver(bstops[0], minutes_ago=1)
    dispatcher = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    _, job = disruption_record(user=dispatcher, kind="breakdown", route=broken, time_limit_s=1)
    replan_job_run(job_id=job.pk)
    context = browser.new_context(timezone_id="America/Chicago")
    page = context.new_page()
    sign_in(page, live_server.url, dispatcher.email)
    # when: the dispatcher applies the rescue from its page
    page.goto(live_server.url + reverse("routes:replan-detail", args=[job.pk]))
    expect(page.locator("#replan-status")).to_have_text("Proposed")
    page.click("#apply")
    # then: applied; the broken route is closed
    expect(page.locator("#applied")).to_be_visible()
    assert ReplanJob.objects.get(pk=job.pk).status == ReplanJob.Status.APPLIED
    broken.refresh_from_db()
    assert broken.status == Route.Status.COMPLETED
    # and: every route still out lists its stops in time order
    out = Route.objects.filter(dsp=dsp).exclude(pk=broken.pk).order_by("code")
    assert [r.code for r in out] == ["R-FAR", "R-HELP"]
    for route in out:
        page.goto(live_server.url + reverse("routes:route-detail", args=[route.pk]))
        cells = page.locator("#route-stops .eta")
        expect(cells).to_have_count(route.route_stops.count())
        times = cells.all_inner_texts()
        assert in_time_order(times), (route.code, times)
    assert Route.objects.get(code="R-HELP", dsp=dsp).route_stops.count() == 6
    context.close()
