"""A simulated station day for the re-plan property test and its benchmark.

Four routes of one DSP go out; drivers serve a random number of stops, some away from their
plan (pings off the line); then a closure, a breakdown and a stop added late each go through
the real services (`disruption_record`, `replan_job_start`, `replan_job_run`,
`replan_job_apply`), and the dispatcher applies each proposal offered. After every step the
day's invariants are checked, from that moment:

- every route out passes the optimiser's checker, driven in its stored order from where its
  driver is now;
- every package is delivered or failed, or its stop is on a route still out;
- no stop left to serve is planned before the re-plan was made;
- a route the event did not touch (the same stops before and after) is not longer.

Deterministic for a seed apart from the solver's time limit.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.utils import timezone

from dsps.models import Role
from nextmile.geo import Area
from routes.live.progress import ACTIVE, visited_stops
from routes.models import DeliveryEvent, Package, ReplanJob, Route, RouteStop, Stop
from routes.optimizer import DaySolution, check_feasible
from routes.planning.problem import timed_result
from routes.replan.disruptions import (
    disruption_record,
    replan_job_apply,
    replan_job_run,
    replan_job_start,
    replan_problem,
)
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.routes.factories import DeliveryEventFactory, LocationPingFactory, PackageFactory
from tests.routes.live_factories import route_out

STEP = Decimal("0.004000")  # stops of a route run eastwards this far apart


@dataclass
class Step:
    """One event of the day and what the invariants found after it."""

    name: str
    status: str = ""
    broken: list[str] = field(default_factory=list)


@dataclass
class Day:
    seed: int
    steps: list[Step] = field(default_factory=list)

    @property
    def broken(self) -> list[str]:
        return [f"{s.name}: {b}" for s in self.steps for b in s.broken]


def run_day(seed: int, *, time_limit_s: int = 1) -> Day:
    """Play one day; the invariants broken after each step are in the result."""
    rng = random.Random(seed)
    dsp = DspFactory()
    user = MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user
    routes = []
    for n in range(4):
        route, stops = route_out(
            dsp=dsp,
            stops=rng.randint(5, 8),
            code=f"R{n + 1}",
            started_min_ago=0,
            gap_min=rng.randint(6, 10),
            lat0=Decimal("32.770000") + Decimal(n) * Decimal("0.012"),
            step=STEP,
        )
        for rs in stops:
            PackageFactory(manifest=rs.stop.manifest, dsp=dsp, stop=rs.stop)
        routes.append((route, stops))
    day = Day(seed)
    day.steps.append(_check(Step("start"), dsp, timezone.now(), before=None))

    # Random progress: each driver serves 0-2 stops and is pinged near the last one.
    for route, stops in routes:
        served = rng.randint(0, 2)
        for rs in stops[:served]:
            _serve(rs, failed=rng.random() < 0.15)
        if served:
            last = stops[served - 1].stop
            LocationPingFactory(
                route=route,
                latitude=last.latitude + Decimal(rng.randint(-20, 20)) / 10000,
                longitude=last.longitude + Decimal(rng.randint(-20, 20)) / 10000,
            )
    day.steps.append(_check(Step("progress"), dsp, timezone.now(), before=None))

    # A closure around a stop still to serve on one route, open again in 40 minutes.
    route, stops = rng.choice(routes)
    target = _left(stops)[len(_left(stops)) // 2] if _left(stops) else stops[-1]
    lat, lon = float(target.stop.latitude), float(target.stop.longitude)
    box = [[lon - 0.0015, lat - 0.002], [lon + 0.0015, lat - 0.002], [lon + 0.0015, lat + 0.002]]
    box += [[lon - 0.0015, lat + 0.002], [lon - 0.0015, lat - 0.002]]
    area = {"type": "Polygon", "coordinates": [box]}
    before = _measure(dsp, timezone.now(), area=Area(area))
    _, job = disruption_record(
        user=user,
        kind="closure",
        area=area,
        ends_at=timezone.now() + datetime.timedelta(minutes=40),
        note="water main",
        time_limit_s=time_limit_s,
    )
    day.steps.append(_replan(Step("closure"), dsp, user, job, before))

    # A breakdown of one of the routes still out.
    out = [r for r, _ in routes if Route.objects.get(pk=r.pk).status in ACTIVE]
    broken = rng.choice(out)
    before = _measure(dsp, timezone.now())
    _, job = disruption_record(user=user, kind="breakdown", route=broken, time_limit_s=time_limit_s)
    day.steps.append(_replan(Step("breakdown"), dsp, user, job, before))

    # A stop added late to a route still out, then a re-plan of the day.
    out = list(Route.objects.filter(dsp=dsp, status__in=ACTIVE).order_by("code"))
    if out:
        route = rng.choice(out)
        last = route.route_stops.order_by("-sequence").first()
        stop = Stop.objects.create(
            manifest=last.stop.manifest,
            dsp=dsp,
            address=f"{route.code} late stop",
            latitude=last.stop.latitude + STEP,
            longitude=last.stop.longitude,
            package_count=1,
            size=1,
            weight_g=1000,
            service_time_s=120,
        )
        PackageFactory(manifest=stop.manifest, dsp=dsp, stop=stop)
        guess = last.planned_arrival + datetime.timedelta(minutes=5)  # until the re-plan times it
        RouteStop.objects.create(
            route=route,
            stop=stop,
            sequence=last.sequence + 1,
            planned_arrival=guess,
            planned_start=guess,
        )
        before = _measure(dsp, timezone.now(), skip={route.pk})
        job = replan_job_start(user=user, kind=ReplanJob.Kind.REROUTE, time_limit_s=time_limit_s)
        day.steps.append(_replan(Step("late stop"), dsp, user, job, before))
    return day


def _left(stops: list[RouteStop]) -> list[RouteStop]:
    done, _ = visited_stops([stops[0].route_id])
    return [rs for rs in stops if rs.pk not in done]


def _serve(rs: RouteStop, *, failed: bool) -> None:
    for package in Package.objects.filter(stop=rs.stop):
        DeliveryEventFactory(
            route=rs.route,
            route_stop=rs,
            package=package,
            kind=DeliveryEvent.Kind.FAILED if failed else DeliveryEvent.Kind.DELIVERED,
            reason="recipient_unavailable" if failed else "",
            occurred_at=timezone.now(),
        )


def _replan(step: Step, dsp, user, job: ReplanJob, before: dict) -> Step:
    replan_job_run(job_id=job.pk)
    job.refresh_from_db()
    step.status = job.status
    if job.status == ReplanJob.Status.PROPOSED and job.proposal.get("routes"):
        replan_job_apply(user=user, job=job)
        step.status = "applied"
    elif job.status == ReplanJob.Status.FAILED:
        step.broken.append(f"the re-plan was refused: {job.error}")
    return _check(step, dsp, job.started_at, before=before)


def _measure(
    dsp, now: datetime.datetime, skip: set | None = None, area: Area | None = None
) -> dict:
    """Per route out: its stops left and the metres of its stored order from where its driver
    is now; under "violations", every rule those stored orders break (the checker). Routes in
    `skip`, and those whose way from here meets `area`, are touched by the event: left out."""
    probe = ReplanJob(dsp=dsp, service_date=dsp.station.today(), kind=ReplanJob.Kind.REROUTE)
    built = replan_problem(probe, now)
    if built is None:
        return {"violations": []}
    problem, context = built
    out, results = {}, []
    for vehicle in problem.vehicles:
        pk = int(vehicle.id)
        own = [str(rs.pk) for rs in context["remaining"][pk]]
        result, _ = timed_result(problem, vehicle.id, own, vehicle.shift_start_s)
        results.append(result)
        way = [context["positions"][pk]] + [
            (float(rs.stop.latitude), float(rs.stop.longitude)) for rs in context["remaining"][pk]
        ]
        touched = (skip and pk in skip) or (
            area is not None
            and (
                any(area.covers(p) for p in way)
                or any(area.touches_leg(a, b) for a, b in pairwise(way))
            )
        )
        if not touched:
            out[pk] = {
                "code": context["routes"][pk].code,
                "stops": frozenset(own),
                "distance_m": result.distance_m,
            }
    stored = DaySolution(tuple(results), (), 0, "stored", 0, True)
    names = {r.vehicle_id: context["routes"][int(r.vehicle_id)].code for r in results}
    out["violations"] = [
        f"{v} (route {', '.join(c for i, c in names.items() if i in v) or '?'})"
        for v in check_feasible(problem, stored)
    ]
    return out


def _check(step: Step, dsp, at: datetime.datetime, *, before: dict | None) -> Step:
    now = timezone.now()
    after = _measure(dsp, now)
    step.broken += after.pop("violations")
    out_ids = set(Route.objects.filter(dsp=dsp, status__in=ACTIVE).values_list("pk", flat=True))
    final = set(
        DeliveryEvent.objects.filter(
            package__dsp=dsp,
            kind__in=[DeliveryEvent.Kind.DELIVERED, DeliveryEvent.Kind.FAILED],
        ).values_list("package_id", flat=True)
    )
    for package in Package.objects.filter(dsp=dsp).select_related("stop__route_stop"):
        if package.pk in final:
            continue
        rs = getattr(package.stop, "route_stop", None)
        if rs is None or rs.route_id not in out_ids:
            step.broken.append(f"package {package.tracking_id} is on no route out")
    done, _ = visited_stops(list(out_ids))
    late = RouteStop.objects.filter(route_id__in=out_ids, planned_arrival__lt=at).exclude(
        pk__in=done
    )
    step.broken += [f"stop {rs.pk} is planned before {at:%H:%M:%S}" for rs in late]
    for pk, was in (before or {}).items():
        if pk == "violations":
            continue
        now_facts = after.get(pk)
        untouched = now_facts and now_facts["stops"] == was["stops"]
        if untouched and now_facts["distance_m"] > was["distance_m"]:
            step.broken.append(
                f"untouched route {was['code']} grew from {was['distance_m']} m "
                f"to {now_facts['distance_m']} m"
            )
    return step
