"""Planning API: import, stops, plan jobs and hand edits, each scoped to the caller."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from dsps.models import Role
from routes.models import Package, PlanJob, Stop
from tests.dsps.factories import MembershipFactory, TerritoryFactory
from tests.routes.factories import (
    PackageFactory,
    PlanJobFactory,
    RouteStopFactory,
    StopFactory,
    onboarded_dsp,
)
from tests.routes.live_factories import deliver, route_out

HEADER = "tracking_id,recipient_name,address,latitude,longitude"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def dispatcher(db):
    dsp = onboarded_dsp()
    TerritoryFactory(station=dsp.station, dsp=dsp)
    return MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user


def _upload(*rows):
    return SimpleUploadedFile("m.csv", ("\n".join([HEADER, *rows]) + "\n").encode())


def test_import_returns_row_errors_and_writes_nothing(api, dispatcher):
    api.force_authenticate(dispatcher)
    day = dispatcher.membership.dsp.station.today()
    response = api.post(
        "/api/v1/manifests/import/",
        {"file": _upload("P1,A,1 Main St,91,-96.8"), "service_date": day},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["row_errors"] == [
        {"row": 2, "column": "latitude", "message": "Not a latitude between -90 and 90: “91”."}
    ]
    assert Package.objects.count() == 0


def test_import_creates_packages_and_stops(api, dispatcher):
    api.force_authenticate(dispatcher)
    day = dispatcher.membership.dsp.station.today()
    response = api.post(
        "/api/v1/manifests/import/",
        {"file": _upload("P1,A,1 Main St,32.8061,-96.8064"), "service_date": day},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json() | {"manifest": None} == {
        "manifest": None,
        "packages": 1,
        "stops_created": 1,
        "stops_merged": 0,
        "uncovered": 0,
    }


def test_a_dsp_lists_only_its_own_stops_and_staff_see_uncovered(api, dispatcher, staff):
    mine = StopFactory(dsp=dispatcher.membership.dsp)
    StopFactory()  # another DSP's
    uncovered = StopFactory(dsp=None)
    api.force_authenticate(dispatcher)
    assert [s["id"] for s in api.get("/api/v1/stops/").json()["results"]] == [mine.pk]
    api.force_authenticate(staff)
    response = api.get("/api/v1/stops/?dsp__isnull=true")
    assert [s["id"] for s in response.json()["results"]] == [uncovered.pk]


def test_only_staff_allocate_stops(api, dispatcher, staff):
    stop = StopFactory(dsp=None, manifest__station=dispatcher.membership.dsp.station)
    dsp = dispatcher.membership.dsp
    api.force_authenticate(dispatcher)
    refused = api.post("/api/v1/stops/allocate/", {"stop": stop.pk, "dsp": dsp.pk})
    assert refused.status_code == 403
    assert Stop.objects.get(pk=stop.pk).dsp is None
    api.force_authenticate(staff)
    done = api.post("/api/v1/stops/allocate/", {"stop": stop.pk, "dsp": dsp.pk})
    assert (done.status_code, done.json()["dsp"]) == (200, dsp.pk)


def test_a_dispatcher_creates_a_job_for_their_own_dsp_only(
    api, dispatcher, django_capture_on_commit_callbacks
):
    other = onboarded_dsp()
    api.force_authenticate(dispatcher)
    day = dispatcher.membership.dsp.station.today()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api.post(
            "/api/v1/plan-jobs/", {"service_date": day, "time_limit_s": 5, "dsp": other.pk}
        )
    assert response.status_code == 201
    job = PlanJob.objects.get()
    assert (job.dsp, job.time_limit_s, job.status, len(queued)) == (
        dispatcher.membership.dsp,
        5,
        "queued",
        1,
    )
    assert response.json()["progress"] == {
        "percent": 0,
        "best_objective": None,
        "runs_done": 0,
        "runs": 0,
        "phases": [],
    }


def test_a_bad_time_limit_is_a_400_naming_the_field(api, dispatcher):
    api.force_authenticate(dispatcher)
    day = dispatcher.membership.dsp.station.today()
    response = api.post("/api/v1/plan-jobs/", {"service_date": day, "time_limit_s": 0})
    assert response.status_code == 400
    assert list(response.json()) == ["time_limit_s"]
    assert PlanJob.objects.count() == 0


def test_cancel_through_the_api_and_a_station_job_is_invisible_to_dsps(api, dispatcher):
    job = PlanJobFactory(dsp=dispatcher.membership.dsp)
    station_job = PlanJobFactory(dsp=None, station=job.station)
    api.force_authenticate(dispatcher)
    response = api.post(f"/api/v1/plan-jobs/{job.pk}/cancel/")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert api.get(f"/api/v1/plan-jobs/{station_job.pk}/").status_code == 404
    assert [j["id"] for j in api.get("/api/v1/plan-jobs/").json()["results"]] == [job.pk]


def test_route_stops_in_order_and_a_move_to_another_dsps_route_is_not_found(api, dispatcher):
    rs = RouteStopFactory(route__dsp=dispatcher.membership.dsp)
    foreign = RouteStopFactory()
    api.force_authenticate(dispatcher)
    stops = api.get(f"/api/v1/routes/{rs.route_id}/stops/").json()
    assert [s["id"] for s in stops["results"]] == [rs.pk]
    response = api.post(
        f"/api/v1/route-stops/{rs.pk}/move/", {"to_route": foreign.route_id, "position": 1}
    )
    assert response.status_code == 404
    rs.refresh_from_db()
    assert rs.route_id != foreign.route_id


def test_a_routes_stops_come_a_page_at_a_time_in_the_order_asked(api, dispatcher):
    # given: three stops, visited in the opposite order to their planned arrival
    first = RouteStopFactory(route__dsp=dispatcher.membership.dsp, sequence=1)
    route = first.route
    now = first.planned_arrival
    manifest = first.stop.manifest
    second = RouteStopFactory(
        route=route, stop__manifest=manifest, sequence=2, planned_arrival=now - timedelta(hours=1)
    )
    third = RouteStopFactory(
        route=route, stop__manifest=manifest, sequence=3, planned_arrival=now - timedelta(hours=2)
    )
    api.force_authenticate(dispatcher)
    url = f"/api/v1/routes/{route.pk}/stops/"
    # when
    by_sequence = api.get(url, {"page_size": 2}).json()
    by_arrival = api.get(url, {"ordering": "planned_arrival"}).json()
    last_page = api.get(url, {"page_size": 2, "page": 2}).json()
    # then
    assert (by_sequence["count"], [s["id"] for s in by_sequence["results"]]) == (
        3,
        [first.pk, second.pk],
    )
    assert [s["id"] for s in by_arrival["results"]] == [third.pk, second.pk, first.pk]
    assert [s["id"] for s in last_page["results"]] == [third.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"ordering": "recipient_secret"}, "ordering"),
        ({"page": 9}, "page"),
        ({"page": "x"}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 201}, "page_size"),
    ],
)
def test_a_bad_ordering_page_or_page_size_is_a_400_naming_it(api, dispatcher, query, field):
    # given
    rs = RouteStopFactory(route__dsp=dispatcher.membership.dsp)
    api.force_authenticate(dispatcher)
    # when
    response = api.get(f"/api/v1/routes/{rs.route_id}/stops/", query)
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_unknown_ordering_of_a_list_is_a_400(api, dispatcher):
    api.force_authenticate(dispatcher)
    response = api.get("/api/v1/routes/", {"ordering": "-nonsense"})
    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


def test_a_second_plan_of_the_day_is_a_409_naming_the_running_job(
    api, dispatcher, django_capture_on_commit_callbacks
):
    # given: a plan of today already queued for the dispatcher's DSP
    dsp = dispatcher.membership.dsp
    running = PlanJobFactory(dsp=dsp, service_date=dsp.station.today())
    api.force_authenticate(dispatcher)
    # when
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api.post(
            "/api/v1/plan-jobs/", {"service_date": running.service_date, "time_limit_s": 5}
        )
    # then: the client learns which job to poll, and nothing new is queued
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["job"]) == ("conflict", running.pk)
    assert str(running.pk) in body["detail"]
    assert (PlanJob.objects.count(), len(queued)) == (1, 0)


def test_a_routes_and_a_stops_packages_come_with_tracking_ids_and_state(api, db):
    # given: a route out with a package delivered at stop 1 and one still to go at stop 2
    route, stops = route_out(stops=2)
    delivered = deliver(stops[0]).package
    waiting = PackageFactory(
        manifest=stops[1].stop.manifest, dsp=route.dsp, stop=stops[1].stop, tracking_id="TBA2"
    )
    foreign_route, _ = route_out(stops=1)
    api.force_authenticate(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    # when
    on_route = api.get(f"/api/v1/routes/{route.pk}/packages/").json()
    at_stop = api.get(f"/api/v1/route-stops/{stops[1].pk}/packages/").json()
    # then
    assert [(p["tracking_id"], p["sequence"], p["state"]) for p in on_route["results"]] == [
        (delivered.tracking_id, 1, "delivered"),
        ("TBA2", 2, "pending"),
    ]
    assert [(p["id"], p["route_stop"]) for p in at_stop["results"]] == [(waiting.pk, stops[1].pk)]
    assert api.get(f"/api/v1/routes/{foreign_route.pk}/packages/").status_code == 404


def test_a_resent_import_with_the_same_idempotency_key_gets_the_first_answer(api, dispatcher):
    # given: an import sent with a key
    api.force_authenticate(dispatcher)
    day = dispatcher.membership.dsp.station.today()

    def send(key, tracking_id):
        return api.post(
            "/api/v1/manifests/import/",
            {"file": _upload(f"{tracking_id},A,1 Main St,32.8061,-96.8064"), "service_date": day},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    first = send("import-1", "P1")
    # when: the same request is resent, and another one with a new key
    again = send("import-1", "P1")
    other = send("import-2", "P2")
    # then: the resend is answered as the first and imports nothing more
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert other.status_code == 201
    assert sorted(Package.objects.values_list("tracking_id", flat=True)) == ["P1", "P2"]


def test_a_second_plan_request_with_the_same_key_replays_the_first_job(
    api, dispatcher, django_capture_on_commit_callbacks
):
    api.force_authenticate(dispatcher)
    body = {"service_date": dispatcher.membership.dsp.station.today(), "time_limit_s": 5}
    with django_capture_on_commit_callbacks(execute=False):
        first = api.post("/api/v1/plan-jobs/", body, HTTP_IDEMPOTENCY_KEY="plan-1")
        again = api.post("/api/v1/plan-jobs/", body, HTTP_IDEMPOTENCY_KEY="plan-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"] == PlanJob.objects.get().pk


def test_an_idempotency_key_too_long_is_a_400_naming_the_header(api, dispatcher):
    api.force_authenticate(dispatcher)
    body = {"service_date": dispatcher.membership.dsp.station.today(), "time_limit_s": 5}
    response = api.post("/api/v1/plan-jobs/", body, HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert PlanJob.objects.count() == 0
