"""Electric vans' range less the reserve: in a plan, after a hand move and on the plan page."""

import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dsps.models import Role
from fleet.models import Vehicle, VehicleOffer
from routes.models import PlanJob, Route, Stop
from routes.planning.jobs import plan_job_prepare, plan_run_solve, route_stop_move
from routes.planning.problem import retime
from routes.rules.ev_range import range_limit_m
from tests.dsps.factories import MembershipFactory
from tests.fleet.factories import VehicleOfferFactory
from tests.routes.factories import PlanJobFactory, onboarded_dsp, planning_day

pytestmark = pytest.mark.django_db


def _electric(dsp, range_km: int) -> VehicleOffer:
    offer = VehicleOfferFactory(
        kind=Vehicle.Kind.ELECTRIC_VAN,
        energy_kind=VehicleOffer.EnergyKind.ELECTRIC,
        energy_per_km=Decimal("0.300"),
        range_km=range_km,
    )
    Vehicle.objects.filter(dsp=dsp).update(offer=offer)
    return offer


def _plan(dsp, day, seconds=1) -> PlanJob:
    job = PlanJobFactory(dsp=dsp, service_date=day, time_limit_s=seconds)
    for run in plan_job_prepare(job_id=job.pk):
        plan_run_solve(run_id=run.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def ev_day(db):
    dsp = onboarded_dsp()
    manifest, stops = planning_day(dsp=dsp, stops=16, vans=2, drivers=2, capacity=9)
    return dsp, manifest.service_date, stops


def test_a_plan_keeps_every_electric_route_within_its_range_less_the_reserve(db, settings):
    # given: one van's day planned without a range drives D
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=16, vans=1, drivers=1)
    day = manifest.service_date
    _plan(dsp, day)
    (unlimited,) = Route.objects.filter(dsp=dsp).values_list("distance_m", flat=True)
    # when: the van is electric, with a range whose 85 % is under D
    settings.ROUTES_EV_RESERVE_PERCENT = 15
    offer = _electric(dsp, range_km=(unlimited - 1) // 850)
    limit = offer.range_km * 1000 * 85 // 100
    assert limit < unlimited
    job = _plan(dsp, day)
    # then: the route keeps the limit and the stops it cannot take say why
    assert job.status == PlanJob.Status.SUCCEEDED, job.error
    (route,) = Route.objects.filter(dsp=dsp)
    assert route.distance_m <= limit
    dropped = Stop.objects.filter(dsp=dsp).exclude(drop_reason="")
    assert dropped.exists()
    assert all("range" in s.drop_reason for s in dropped), [s.drop_reason for s in dropped]


def test_a_hand_move_past_the_range_is_refused_with_the_reason(ev_day, settings):
    # given: two routes planned; the worst place on route B for route A's farthest stop
    settings.ROUTES_EV_RESERVE_PERCENT = 0
    dsp, day, _ = ev_day
    _plan(dsp, day)
    source, target = Route.objects.filter(dsp=dsp).order_by("code")
    station = source.station
    orders = {
        r.pk: [rs.stop for rs in r.route_stops.order_by("sequence")] for r in (source, target)
    }
    worst = None
    for rs in source.route_stops.all():
        for k in range(len(orders[target.pk]) + 1):
            trial = [*orders[target.pk][:k], rs.stop, *orders[target.pk][k:]]
            ((result, _, _),) = retime(station=station, day=day, routes=[(target, trial)])
            if worst is None or result.distance_m > worst[0]:
                worst = (result.distance_m, rs, k + 1)
    longer, moving, position = worst
    # ... and a range (no reserve) that both routes keep but the move would pass
    offer = _electric(dsp, range_km=math.ceil(max(source.distance_m, target.distance_m) / 1000))
    assert range_limit_m(Vehicle.objects.get(pk=target.vehicle_id)) < longer
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    # when
    with pytest.raises(ValidationError) as refused:
        route_stop_move(user=user, route_stop=moving, to_route=target, position=position)
    # then: the reason names the route and its range, and nothing moved
    (message,) = refused.value.message_dict["position"]
    assert f"Route {target.code} drives" in message
    assert f"over its range of {offer.range_km:.1f} km" in message
    moving.refresh_from_db()
    assert moving.route_id == source.pk


def test_the_plan_page_shows_each_electric_routes_share_of_its_range(ev_day, client):
    dsp, day, _ = ev_day
    _electric(dsp, range_km=400)
    _plan(dsp, day)
    route = Route.objects.filter(dsp=dsp).order_by("code").first()
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    # when
    page = client.get(reverse("routes:day"), {"date": day.isoformat()}).content.decode()
    # then
    share = round(route.distance_m / 400_000 * 100)
    assert f"{share} % of range" in page


def test_a_van_without_a_range_shows_no_share(ev_day, client):
    dsp, day, _ = ev_day
    _plan(dsp, day)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user)
    page = client.get(reverse("routes:day"), {"date": day.isoformat()}).content.decode()
    assert "% of range" not in page
