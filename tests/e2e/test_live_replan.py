"""Journey (d): a closure over part of a route triggers a re-plan (on the real worker) that the
dispatcher applies, and the driver's page shows what changed."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dsps.models import Role
from routes.models import ReplanJob, RouteChange
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.live_factories import deliver, route_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLOSED = {
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


@pytest.mark.worker
def test_a_closure_is_replanned_applied_and_seen_by_the_driver(
    live_server, page, phone, settings, celery_worker_process
):
    settings.ROUTES_REPLAN_TIME_LIMIT_S = 1
    # given: a route of four stops, the first done; the driver watching their live page
    route, stops = route_out(stops=4, code="R-CLOSED")
    deliver(stops[0], minutes_ago=5)
    sign_in(phone, live_server.url, route.driver.user.email)
    phone.goto(f"{live_server.url}/routes/my-day/")
    expect(phone.locator("#my-progress")).to_have_text("1 / 4")
    expect(phone.locator("#route-changes")).to_be_hidden()
    planned = ",".join(str(rs.pk) for rs in stops)
    expect(phone.locator("#routes-map")).to_have_attribute("data-stops", planned)
    expect(phone.locator("#routes-map")).to_have_attribute("data-draws", "1")

    # when: the dispatcher records a closure over stops 2 and 3 until later today
    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    sign_in(page, live_server.url, dispatcher.email)
    page.goto(f"{live_server.url}/routes/live/")
    page.select_option("#disruption-kind", "closure")
    page.fill("#disruption-area", json.dumps(CLOSED))
    until = timezone.localtime(
        timezone.now() + datetime.timedelta(minutes=40), route.station.tz
    ).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=ends_at]", until)
    page.fill("input[name=note]", "Water main on Elm")
    page.click("#disruption button[type=submit]")

    # then: the re-plan runs on the worker and proposes the route's new plan
    expect(page.locator("#replan-status")).to_have_text("Proposed", timeout=60000)
    expect(page.locator('.proposal-route[data-code="R-CLOSED"] li')).to_have_count(3)
    # when: the dispatcher applies it
    page.click("#apply")
    expect(page.locator("#applied")).to_be_visible()
    job = ReplanJob.objects.get()
    assert job.status == ReplanJob.Status.APPLIED
    assert RouteChange.objects.filter(route=route, job=job).count() == 1

    # then: the driver's open page shows what changed, without a reload
    changes = phone.locator("#route-changes")
    expect(changes).to_be_visible(timeout=15000)
    expect(changes).to_contain_text("Road closure on your way: Water main on Elm.")
    # and: the stop list and the map's markers and line follow the new plan
    order = ",".join(
        str(pk) for pk in route.route_stops.order_by("sequence").values_list("pk", flat=True)
    )
    expect(phone.locator("#routes-map")).to_have_attribute("data-draws", "2")
    expect(phone.locator("#routes-map")).to_have_attribute("data-stops", order)
    expect(phone.locator("#stops .stop")).to_have_count(route.route_stops.count())
    # and: the one phone page still fits the phone's width
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
