"""Re-plans you can trust: checked from now, never worse for a route left alone, an emptied
route closed with what it drove, and a stale or refused one re-planned in one click."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from dsps.models import Role
from routes.models import ReplanJob, Route, RouteStop
from routes.optimizer import DaySolution, LatLon
from routes.planning.problem import timed_result
from routes.replan import disruptions
from routes.replan.disruptions import (
    disruption_record,
    keep_current_orders,
    replan_job_apply,
    replan_job_run,
    replan_problem,
)
from routes.replan.proposals import ProposedRoute, ProposedStop
from routes.tasks.day import replan_job_run_task
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import LocationPingFactory
from tests.routes.live_factories import deliver, route_out


@pytest.fixture(autouse=True)
def _replans_run_in_the_test(monkeypatch):
    monkeypatch.setattr(replan_job_run_task, "delay", lambda *args, **kwargs: None)


def manager(route):
    return MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user


def _rescue_job(route):
    job = ReplanJob.objects.create(
        dsp=route.dsp,
        service_date=route.service_date,
        kind=ReplanJob.Kind.RESCUE,
        route=route,
        requested_by=manager(route),
        time_limit_s=1,
    )
    return job


@pytest.mark.django_db
def test_a_solver_order_longer_than_the_current_one_is_not_kept():
    # given: a route with four stops left in a line eastwards (the current order is shortest)
    route, stops = route_out(stops=4, started_min_ago=5)
    problem, context = replan_problem(_rescue_job(route), timezone.now())
    vehicle = problem.vehicles[0]
    zigzag = [str(stops[i].pk) for i in (2, 0, 3, 1)]
    worse, _ = timed_result(problem, vehicle.id, zigzag, vehicle.shift_start_s)
    solution = DaySolution(
        routes=(worse,), dropped=(), objective=0, engine="test", wall_s=0, feasible=True
    )
    # when
    kept = keep_current_orders(solution, problem, context)
    # then: the current order, shorter than the zigzag
    (result,) = kept.routes
    assert list(result.stop_ids) == [str(rs.pk) for rs in stops]
    assert result.distance_m < worse.distance_m


@pytest.mark.django_db
def test_a_proposal_that_fails_the_checker_is_not_offered_and_the_page_says_why(
    client, monkeypatch
):
    # given: a solver that forgets a stop of the route (neither routed nor dropped)
    route, _ = route_out(stops=3, started_min_ago=5)
    job = _rescue_job(route)
    real_solve = disruptions.solve

    def forgetful(problem, **kwargs):
        solution = real_solve(problem, **kwargs)
        (first, *rest) = solution.routes
        forgot = first.stop_ids[-1]
        shorter, _ = timed_result(
            problem, first.vehicle_id, list(first.stop_ids[:-1]), first.departure_s
        )
        dropped = tuple(d for d in solution.dropped if d.stop_id != forgot)
        return DaySolution((shorter, *rest), dropped, 0, "test", 0, True)

    monkeypatch.setattr(disruptions, "solve", forgetful)
    # when
    replan_job_run(job_id=job.pk)
    # then: refused, with the checker's sentence, and the page offers to re-plan again
    job.refresh_from_db()
    assert job.status == ReplanJob.Status.FAILED
    assert job.error.startswith("This re-plan is not offered: checked from now, it breaks")
    assert "neither routed nor dropped" in job.error
    client.force_login(manager(route))
    page = client.get(reverse("routes:replan-detail", args=[job.pk])).content.decode()
    assert 'id="apply"' not in page
    assert "neither routed nor dropped" in page
    assert 'id="replan-again"' in page
    with pytest.raises(Exception, match="Only a proposed re-plan can be applied"):
        replan_job_apply(user=manager(route), job=job)


@pytest.mark.django_db(transaction=True)
def test_a_route_emptied_by_a_rescue_is_closed_with_what_it_drove(settings):
    # given: a van breaks down after its first stop, 1.2 km out; a route nearby takes the rest
    broken, bstops = route_out(stops=3, code="R-BROKEN")
    RouteStop.objects.filter(pk=bstops[0].pk).update(leg_distance_m=1200)
    route_out(dsp=broken.dsp, stops=2, code="R-HELP", lon0=bstops[0].stop.longitude)
    deliver(bstops[0], minutes_ago=1)
    user = manager(broken)
    _, job = disruption_record(user=user, kind="breakdown", route=broken, time_limit_s=1)
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReplanJob.Status.PROPOSED
    # when
    replan_job_apply(user=user, job=job)
    # then: the broken route is completed with its real 1.2 km and its one stop served
    broken.refresh_from_db()
    assert (broken.status, broken.distance_m, str(broken.planned_km), broken.planned_stops) == (
        Route.Status.COMPLETED,
        1200,
        "1.2",
        1,
    )
    # and no planned time of the rescuer lies before the re-plan was made
    job.refresh_from_db()
    helper_times = RouteStop.objects.filter(route__code="R-HELP").values_list(
        "planned_arrival", flat=True
    )
    assert len(helper_times) == 4
    assert min(helper_times) >= job.started_at


@pytest.mark.django_db
def test_a_stale_proposal_is_replanned_again_in_one_click(client):
    # given: a proposal made before a stop was delivered, so applying it is refused
    route, stops = route_out(stops=3, started_min_ago=5)
    job = _rescue_job(route)
    replan_job_run(job_id=job.pk)
    deliver(stops[0], minutes_ago=0)
    client.force_login(manager(route))
    response = client.post(reverse("routes:replan-apply", args=[job.pk]), follow=True)
    assert "re-plan again" in response.content.decode()
    assert 'id="replan-again"' in response.content.decode()
    # when: one click
    response = client.post(reverse("routes:replan-again", args=[job.pk]))
    # then: a new rescue of the same route is queued and its page shown
    again = ReplanJob.objects.exclude(pk=job.pk).get()
    assert (again.kind, again.route_id, again.status) == (
        ReplanJob.Kind.RESCUE,
        route.pk,
        ReplanJob.Status.QUEUED,
    )
    assert response.url == reverse("routes:replan-detail", args=[again.pk])


def test_a_proposed_route_round_trips_through_json_with_aware_times():
    # given
    eta = timezone.now().replace(microsecond=0)
    route = ProposedRoute(
        route=7,
        code="R7",
        before=(1, 2),
        after=(ProposedStop(route_stop=2, address="2 Elm St", eta=eta, from_route=None),),
        finish=eta,
    )
    # when / then: the same value back, and a time without a zone is refused
    assert ProposedRoute.from_json(json.loads(json.dumps(route.to_json()))) == route
    naive = {**route.to_json(), "finish": "2030-01-01T10:00:00"}
    with pytest.raises(ValueError, match="The proposal's finish has no time zone"):
        ProposedRoute.from_json(naive)


@pytest.mark.django_db
def test_a_replan_starts_from_the_latest_ping_else_the_last_stop_served_and_from_now():
    # given: two routes; R-PING was pinged twice, R-DONE served its first stop and sent nothing
    pinged, _ = route_out(stops=3, code="R-PING", started_min_ago=5)
    done, dstops = route_out(dsp=pinged.dsp, stops=3, code="R-DONE", started_min_ago=5)
    earlier = timezone.now() - timezone.timedelta(minutes=3)
    LocationPingFactory(
        route=pinged, latitude="32.700000", longitude="-96.700000", recorded_at=earlier
    )
    LocationPingFactory(route=pinged, latitude="32.710000", longitude="-96.710000")
    deliver(dstops[0], minutes_ago=1)
    now = timezone.now()
    # when
    problem, context = replan_problem(_rescue_job(pinged), now)
    # then: each van starts where its driver was last known, at now, with done stops left out
    starts = {
        v.id: (problem.depots[v.start_depot].location, v.shift_start_s) for v in problem.vehicles
    }
    now_s = int((now - context["midnight"]).total_seconds())
    first = dstops[0].stop
    assert starts == {
        str(pinged.pk): (LatLon(32.71, -96.71), now_s),
        str(done.pk): (LatLon(float(first.latitude), float(first.longitude)), now_s),
    }
    assert str(dstops[0].pk) not in {s.id for s in problem.stops}
