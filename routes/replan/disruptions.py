"""Disruptions and re-plans: closures, slowdowns and breakdowns, reroutes and rescues.

A re-plan job re-optimises the remaining stops of a DSP's active routes from each driver's
current position and the current time (stops done stay done), on the `optimize` queue.
The result is a proposal; the dispatcher applies it, and each changed route gets a
`RouteChange` its driver sees.
"""

from __future__ import annotations

import json
import time as clock
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from drivers.models import Driver
from dsps.tenancy import dsp_for_write
from fleet.models import Vehicle
from fleet.selectors import vehicles_available
from nextmile.geo import Area
from nextmile.tasks import enqueue_after_commit
from routes.conf import setting
from routes.day.assignment import route_assign, routes_at_risk
from routes.live.progress import ACTIVE, drive_seconds, last_pings, visited_stops
from routes.models import Disruption, ReplanJob, Route, RouteChange, RouteStop
from routes.optimizer import (
    DayProblem,
    DaySolution,
    Depot,
    LatLon,
    RouteResult,
    TravelMatrices,
    find_violations,
    solve,
)
from routes.optimizer.problem import MAX_TIME_S
from routes.planning.problem import (
    day_problem,
    estimates,
    moment,
    provider,
    seconds,
    stop_spec,
    stop_window,
    timed_result,
    van_kind,
    vehicle_spec,
)
from routes.planning.words import planned_before_now_words, problem_words
from routes.replan.changes import ChangeFact, FactCode
from routes.replan.proposals import (
    DroppedStop,
    Meet,
    Move,
    Proposal,
    ProposedRoute,
    ProposedStop,
    Rescuer,
    RescuerKind,
    StandbyOffer,
)
from routes.rules.ev_range import driven_m, range_left_m, range_limit_m

CLOSURE_DETOUR = 3.0  # a leg through a closed area takes this much longer (drive around it)
STANDBY = "standby"  # the solver's id of a standby driver's van in a rescue


def parse_area(raw) -> dict:
    """A GeoJSON Polygon (or a Feature holding one) as a dict, or ValidationError on `area`."""
    try:
        data = json.loads(raw) if isinstance(raw, str | bytes) else raw
    except ValueError:
        raise ValidationError({"area": "The area is not valid GeoJSON."}) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") != "Polygon":
        raise ValidationError({"area": "The area must be a GeoJSON Polygon."})
    rings = data.get("coordinates")
    try:
        ring = [(float(x), float(y)) for x, y in rings[0]]
    except (TypeError, ValueError, IndexError, KeyError):
        raise ValidationError({"area": "The polygon's coordinates do not parse."}) from None
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise ValidationError(
            {"area": "A polygon needs at least three corners and must close on its first point."}
        )
    if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring):
        raise ValidationError({"area": "The polygon's coordinates are not longitudes/latitudes."})
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


@transaction.atomic
def disruption_record(
    *,
    user,
    kind: str,
    area=None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    speed_factor=0,
    route: Route | None = None,
    note: str = "",
    time_limit_s: int | None = None,
) -> tuple[Disruption, ReplanJob]:
    """Record a disruption of today and queue the re-plan it calls for."""
    dsp = dsp_for_write(user)
    today = dsp.station.today()
    if kind == Disruption.Kind.BREAKDOWN:
        if route is None or route.dsp_id != dsp.pk or route.service_date != today:
            raise ValidationError({"route": "Choose one of today's routes of your DSP."})
        area = None
    else:
        if area in (None, ""):
            raise ValidationError({"area": "Draw or paste the affected area."})
        area = parse_area(area)
        route = None
        if kind == Disruption.Kind.CLOSURE:
            speed_factor = 0
        elif not speed_factor or float(speed_factor) <= 0:
            raise ValidationError({"speed_factor": "A slowdown needs a speed factor above 0."})
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must come after the start."})
    disruption = Disruption(
        dsp=dsp,
        service_date=today,
        kind=kind,
        area=area,
        starts_at=starts_at,
        ends_at=ends_at,
        speed_factor=speed_factor or 0,
        route=route,
        note=note,
        reported_by=user,
    )
    disruption.full_clean()
    disruption.save()
    job = replan_job_start(
        user=user,
        kind=ReplanJob.Kind.RESCUE if kind == Disruption.Kind.BREAKDOWN else ReplanJob.Kind.REROUTE,
        disruption=disruption,
        route=route,
        time_limit_s=time_limit_s,
    )
    return disruption, job


@transaction.atomic
def replan_job_start(
    *,
    user,
    kind: str,
    disruption: Disruption | None = None,
    route: Route | None = None,
    time_limit_s: int | None = None,
    again: ReplanJob | None = None,
) -> ReplanJob:
    """Queue a re-plan (after commit) on the optimize queue; the request never solves.

    A rescue of `route` is for the route's DSP, and a re-plan of a recorded `disruption` for
    the disruption's, and a job started `again` for that job's (program staff may start one
    too); the caller has already reached `route`, `disruption` or `again` through scoping.
    """
    if route is not None:
        dsp = route.dsp
    elif disruption is not None:
        dsp = disruption.dsp
    elif again is not None:
        dsp = again.dsp
    else:
        dsp = dsp_for_write(user)
    if route is not None and (route.dsp_id != dsp.pk or route.status not in ACTIVE):
        raise ValidationError({"route": "Only a route of yours that is out today can be rescued."})
    job = ReplanJob(
        time_limit_s=time_limit_s or int(setting("ROUTES_REPLAN_TIME_LIMIT_S")),
        dsp=dsp,
        service_date=dsp.station.today(),
        kind=kind,
        disruption=disruption,
        route=route,
        requested_by=user,
    )
    job.full_clean()
    job.save()
    enqueue_after_commit("routes.replan_job_run", job.pk)
    return job


# --- The solve (worker side) ---------------------------------------------------------------


def _in_force(disruption: Disruption | None, now: datetime, until: datetime) -> bool:
    """Whether an area disruption's time range overlaps what is left of the day (now → until)."""
    if disruption is None or disruption.area is None:
        return False
    if disruption.ends_at and disruption.ends_at <= now:
        return False
    return not (disruption.starts_at and disruption.starts_at >= until)


def _active_at(disruption: Disruption, at: datetime) -> bool:
    """Whether the disruption holds at `at` (from its start, if any, until its end, if any)."""
    if disruption.starts_at and at < disruption.starts_at:
        return False
    return not (disruption.ends_at and at >= disruption.ends_at)


def _horizon(routes, now: datetime) -> datetime:
    backs = [r.returns_at for r in routes if r.returns_at]
    return max([now + timedelta(hours=4)] + [b + timedelta(hours=3) for b in backs])


def standby_rescuer(*, dsp, on) -> tuple | None:
    """The first standby driver (confirmed for `on`, assignable, no route) and the first
    inspected van without a route that day, or None when either is missing."""
    standby = routes_at_risk(dsp=dsp, on=on).standby
    if not standby:
        return None
    van = (
        vehicles_available(dsp=dsp, on=on)
        .exclude(
            pk__in=Route.objects.filter(service_date=on, vehicle__isnull=False).values("vehicle")
        )
        .first()
    )
    return (standby[0], van) if van else None


def _closure_window(disruption, rs, window, now: datetime, midnight: datetime):
    """A stop inside a closure is served before the closure starts (when it was planned
    before then) or after it reopens."""
    last = MAX_TIME_S - 1
    starts = disruption.starts_at
    if starts and starts > now and rs.planned_arrival and rs.planned_arrival < starts:
        closes = int((starts - midnight).total_seconds())
        opens = window[0] if window else 0
        if window:
            closes = min(closes, window[1])
        return (opens, max(opens + 1, min(closes, last)))
    reopen = int((disruption.ends_at - midnight).total_seconds()) if disruption.ends_at else last
    return (min(reopen, last), last)


@dataclass
class _ReplanDay:
    """The DSP's active routes of the day as a re-plan reads them: where each is now, what is
    left on it, and the disruption in force (with its area)."""

    job: ReplanJob
    now: datetime
    routes: list[Route]
    station: object
    midnight: datetime
    remaining: dict[int, list[RouteStop]]
    done_last: dict[int, RouteStop]
    pings: dict
    disruption: Disruption | None
    area: Area | None

    @property
    def now_s(self) -> int:
        return max(0, int((self.now - self.midnight).total_seconds()))

    def holds(self, at: datetime | None) -> bool:
        return self.disruption is not None and _active_at(self.disruption, at or self.now)

    def position(self, route: Route) -> tuple[float, float]:
        """The last ping, else the last stop done, else the station."""
        if route.pk in self.pings:
            p = self.pings[route.pk]
            return (float(p.latitude), float(p.longitude))
        if route.pk in self.done_last:
            s = self.done_last[route.pk].stop
            return (float(s.latitude), float(s.longitude))
        return (float(route.station.latitude), float(route.station.longitude))


def _replan_day(job: ReplanJob, now: datetime) -> _ReplanDay | None:
    routes = list(
        Route.objects.filter(dsp=job.dsp, service_date=job.service_date, status__in=ACTIVE)
        .select_related("station", "vehicle", "driver")
        .order_by("code")
    )
    if not routes:
        return None
    station = routes[0].station
    ids = [r.pk for r in routes]
    done_ids, _ = visited_stops(ids)
    rows = list(
        RouteStop.objects.filter(route_id__in=ids).select_related("stop").order_by("sequence")
    )
    disruption = job.disruption if _in_force(job.disruption, now, _horizon(routes, now)) else None
    return _ReplanDay(
        job=job,
        now=now,
        routes=routes,
        station=station,
        midnight=station.localize(job.service_date, datetime.min.time()),
        remaining={
            r.pk: [rs for rs in rows if rs.route_id == r.pk and rs.pk not in done_ids]
            for r in routes
        },
        done_last={rs.route_id: rs for rs in rows if rs.pk in done_ids},
        pings=last_pings(ids),
        disruption=disruption,
        area=Area(disruption.area) if disruption else None,
    )


def _affected_routes(day: _ReplanDay) -> list[Route]:
    """A reroute touches the routes whose remaining work crosses the area while the disruption
    holds (legs timed by the current plan); without an area, every route."""
    if day.area is None:
        return day.routes
    affected = []
    for r in day.routes:
        pts = [(day.position(r), day.now)] + [
            ((float(rs.stop.latitude), float(rs.stop.longitude)), rs.planned_arrival)
            for rs in day.remaining[r.pk]
        ]
        if any(
            day.holds(pts[i][1]) and day.area.touches_leg(pts[i][0], pts[i + 1][0])
            for i in range(len(pts) - 1)
        ) or any(day.holds(at) and day.area.covers(p) for p, at in pts):
            affected.append(r)
    return affected


def _replan_fleet(day: _ReplanDay, vehicles_routes: list[Route], meet, standby) -> tuple:
    """Depots (the station, each van where it is, the meeting point) and the vans from now."""
    station, now_s = day.station, day.now_s
    depots = [
        Depot(id="station", location=LatLon(float(station.latitude), float(station.longitude)))
    ]
    vehicles = []
    for r in vehicles_routes:
        depots.append(Depot(id=f"at-{r.pk}", location=LatLon(*day.position(r))))
        back = r.returns_at or (day.now + timedelta(hours=4))
        end_s = min(
            MAX_TIME_S,
            max(int((back - day.midnight).total_seconds()) + 3 * 3600, now_s + 4 * 3600),
        )
        vehicles.append(
            vehicle_spec(
                station,
                r.vehicle,
                str(r.pk),
                shift_start_s=now_s,
                shift_end_s=end_s,
                max_duration_s=None,
                start_depot=len(depots) - 1,
                end_depot=0,
                max_distance_m=range_left_m(r.vehicle, driven_m(r, day.remaining[r.pk])),
            )
        )
    if meet is not None:
        driver, van = standby
        depots.append(Depot(id="meet", location=LatLon(*meet)))
        station_at = (float(station.latitude), float(station.longitude))
        ready_s = now_s + drive_seconds(station_at, meet) + int(setting("ROUTES_HANDOVER_S"))
        shift_end = getattr(driver, "shift_end", None)
        end_s = seconds(shift_end) if shift_end else ready_s + 8 * 3600
        vehicles.append(
            vehicle_spec(
                station,
                van,
                STANDBY,
                shift_start_s=min(ready_s, MAX_TIME_S - 1),
                shift_end_s=min(MAX_TIME_S, max(end_s, ready_s + 3600)),
                max_duration_s=None,
                start_depot=len(depots) - 1,
                end_depot=0,
                max_distance_m=range_limit_m(van),
            )
        )
    return depots, vehicles


def _replan_stops(day: _ReplanDay, routes: list[Route], free_routes: set) -> tuple:
    """The stops left to do, each bound to its route unless that route is broken or rescued;
    windows past are dropped, and a stop inside a closure waits for it."""
    specs, by_id = [], {}
    for r in routes:
        for rs in day.remaining[r.pk]:
            s = rs.stop
            window = stop_window(s)
            if window is not None and window[1] <= day.now_s:
                window = None  # a window already past: the stop is served as soon as it can be
            if (
                day.area is not None
                and day.disruption.kind == Disruption.Kind.CLOSURE
                and day.area.covers((float(s.latitude), float(s.longitude)))
            ):
                window = _closure_window(day.disruption, rs, window, day.now, day.midnight)
            specs.append(
                stop_spec(
                    s,
                    None if r.pk in free_routes else str(r.pk),
                    spec_id=str(rs.pk),
                    window=window,
                )
            )
            by_id[str(rs.pk)] = rs
    return specs, by_id


def _replan_matrices(day: _ReplanDay, depots, specs, by_id) -> TravelMatrices:
    """Travel between every place, legs through the area stretched while it holds."""
    locations = [d.location for d in depots] + [s.location for s in specs]
    travel = provider().matrices(locations)
    distance, duration = travel.distance.copy(), travel.duration.copy()
    if day.area is not None:
        factor = float(day.disruption.speed_factor)
        stretch = CLOSURE_DETOUR if factor <= 0 else 1 / factor
        pts = [(loc.lat, loc.lon) for loc in locations]
        # a leg leaving a stop is timed by that stop's current plan, leaving a depot by now
        leaves = [day.now] * len(depots) + [by_id[spec.id].planned_arrival for spec in specs]
        for i in range(len(pts)):
            if not day.holds(leaves[i]):
                continue
            for j in range(len(pts)):
                if i != j and day.area.touches_leg(pts[i], pts[j]):
                    duration[i, j] = int(duration[i, j] * stretch)
                    if factor <= 0:
                        distance[i, j] = int(distance[i, j] * 1.5)
    return TravelMatrices(np.asarray(distance), np.asarray(duration))


def replan_problem(job: ReplanJob, now: datetime, standby: tuple | None = None):
    """The re-plan as a DayProblem plus what is needed to turn its answer into a proposal.

    With `standby` (driver, van) a rescue also offers the rescued stops to that driver, who
    starts at the meeting point (by the rescued route) once there from the station and after
    the handover.
    """
    day = _replan_day(job, now)
    if day is None:
        return None
    routes = _affected_routes(day)
    if not routes:
        return None
    broken = job.disruption.route_id if job.disruption and job.disruption.route_id else None
    rescued = job.route_id if job.kind == ReplanJob.Kind.RESCUE else None
    vehicles_routes = [r for r in routes if r.pk != broken]
    meet = day.position(job.route) if standby and job.route_id in {r.pk for r in routes} else None
    if not vehicles_routes and meet is None:
        return None
    depots, vehicles = _replan_fleet(day, vehicles_routes, meet, standby)
    specs, by_id = _replan_stops(day, routes, {broken, rescued})
    if not specs:
        return None
    problem = day_problem(
        depots=depots,
        stops=specs,
        vehicles=vehicles,
        matrices=_replan_matrices(day, depots, specs, by_id),
    )
    context = {
        "routes": {r.pk: r for r in routes},
        "remaining": day.remaining,
        "by_id": by_id,
        "midnight": day.midnight,
        "station": day.station,
        "day": job.service_date,
        "broken": broken,
        "positions": {r.pk: day.position(r) for r in routes},
        "standby": standby if meet is not None else None,
        "meet": meet,
        "rescued": job.route,
        "now": now,
        "reason": job.disruption.kind if job.disruption else "",
    }
    return problem, context


def _standby_code(rescued: Route) -> str:
    taken = set(
        Route.objects.filter(dsp=rescued.dsp, service_date=rescued.service_date).values_list(
            "code", flat=True
        )
    )
    code, n = f"{rescued.code}-S"[:24], 1
    while code in taken:
        n += 1
        code = f"{rescued.code}-S{n}"[:24]
    return code


def make_proposal(solution, context, detours: dict[str, int] | None = None) -> Proposal:
    """The checked answer as a proposal: per route the new order and ETAs, moved stops, where
    the drivers meet. A nearby rescuer's times already include its detour to the meeting point
    and the handover (`detours`, seconds by vehicle id); a standby driver's route is proposed
    as a new route."""
    detours = detours or {}
    out, moves, meets = [], [], []
    proposal_standby = None
    for result in solution.routes:
        entry, sources = _proposed_route(result, context, moves)
        detour_s = detours.get(result.vehicle_id, 0)
        meets += _meets(sources, entry.code, entry.standby, detour_s, context, moves)
        if entry.standby:
            proposal_standby = _standby_entry(
                result, entry.code, context["standby"], entry.finish, context
            )
        out.append(entry)
    out += _emptied_routes(context, planned={r.route for r in out})
    dropped = [
        DroppedStop(int(d.stop_id), context["by_id"][d.stop_id].stop.address, d.reason)
        for d in solution.dropped
    ]
    return Proposal(
        routes=tuple(out),
        moves=tuple(moves),
        meets=tuple(meets),
        dropped=tuple(dropped),
        standby=proposal_standby,
    )


def _proposed_route(result: RouteResult, context, moves: list) -> tuple[ProposedRoute, list]:
    """One solved route as proposed (a standby driver's as a new route), and the routes its
    moved stops come from; those moves are added to `moves`."""
    if result.vehicle_id == STANDBY:
        route, target, code = None, None, _standby_code(context["rescued"])
    else:
        route = context["routes"][int(result.vehicle_id)]
        target, code = route.pk, route.code
    after, sources = _route_after(result, route, target, code, context, moves)
    entry = ProposedRoute(
        route=target,
        code=code,
        before=() if route is None else tuple(rs.pk for rs in context["remaining"][route.pk]),
        after=tuple(after),
        finish=context["midnight"] + timedelta(seconds=result.return_s),
        standby=route is None,
    )
    return entry, sources


def _emptied_routes(context, *, planned: set) -> list[ProposedRoute]:
    """The routes that end up with none of their remaining stops (all taken by others)."""
    return [
        ProposedRoute(route=pk, code=route.code, before=tuple(rs.pk for rs in left), after=())
        for pk, route in context["routes"].items()
        if pk not in planned and (left := context["remaining"][pk])
    ]


def _route_after(result, route, target, target_code, context, moves: list) -> tuple:
    """One solved route's stops with their ETAs; the stops that move to it are added to
    `moves`, and the routes they come from returned in the order met."""
    routes, by_id, midnight = context["routes"], context["by_id"], context["midnight"]
    after, sources = [], []
    for stop_id, arrival in zip(result.stop_ids, result.start_s, strict=True):
        rs = by_id[stop_id]
        moved = route is None or rs.route_id != route.pk
        after.append(
            ProposedStop(
                route_stop=rs.pk,
                address=rs.stop.address,
                eta=midnight + timedelta(seconds=arrival),
                from_route=rs.route_id if moved else None,
            )
        )
        if moved:
            source = routes[rs.route_id]
            if source.pk not in sources:
                sources.append(source.pk)
            moves.append(
                Move(
                    route_stop=rs.pk,
                    address=rs.stop.address,
                    from_route=source.pk,
                    from_code=source.code,
                    to_route=target,
                    to_code=target_code,
                    old_eta=rs.planned_arrival,
                    new_eta=after[-1].eta,
                    reason=context["reason"],
                )
            )
    return after, sources


def _rescuer_detour_s(result, route, sources: list[int], context) -> int:
    """The extra seconds a nearby rescuer spends driving to each meeting point and handing
    over before carrying on to its first stop."""
    handover_s = int(setting("ROUTES_HANDOVER_S"))
    positions = context["positions"]
    here = positions[route.pk]
    first = context["by_id"][result.stop_ids[0]].stop
    first_at = (float(first.latitude), float(first.longitude))
    path = 0
    for pk in sources:
        path += drive_seconds(here, positions[pk]) + handover_s
        here = positions[pk]
    return max(
        0, path + drive_seconds(here, first_at) - drive_seconds(positions[route.pk], first_at)
    )


def _meets(sources, target_code, is_standby, detour_s, context, moves) -> list[Meet]:
    handover_s = int(setting("ROUTES_HANDOVER_S"))
    out = []
    for pk in sources:
        lat, lon = context["positions"][pk] if not is_standby else context["meet"]
        out.append(
            Meet(
                from_code=context["routes"][pk].code,
                to_code=target_code,
                lat=round(lat, 6),
                lon=round(lon, 6),
                stops=sum(1 for m in moves if (m.from_route, m.to_code) == (pk, target_code)),
                detour_min=round(detour_s / 60),
                handover_min=round(handover_s / 60),
            )
        )
    return out


def _standby_entry(result, code: str, standby, finish: datetime, context) -> StandbyOffer:
    driver, van = standby
    starts = (
        context["midnight"] + timedelta(seconds=result.start_s[0]) if result.start_s else finish
    )
    return StandbyOffer(
        code=code,
        driver=driver.pk,
        driver_name=driver.full_name,
        vehicle=van.pk,
        plate=van.plate,
        lat=round(context["meet"][0], 6),
        lon=round(context["meet"][1], 6),
        starts_at=starts,
    )


def _rescued_dropped(proposal: Proposal, job: ReplanJob, context) -> int:
    rescued_ids = {rs.pk for rs in context["remaining"].get(job.route_id, [])}
    return sum(1 for d in proposal.dropped if d.route_stop in rescued_ids)


def _solve(job: ReplanJob, problem, context, job_id: int) -> Proposal:
    """Solve, keep what is better of the current plan, time the rescuers' detours, and check
    the result from now; a proposal that breaks a rule carries its `problems`."""
    last = [0.0]

    def should_stop() -> bool:
        if clock.monotonic() - last[0] < 0.5:
            return False
        last[0] = clock.monotonic()
        return ReplanJob.objects.filter(pk=job_id, status=ReplanJob.Status.CANCELLED).exists()

    solution = solve(problem, time_limit_s=job.time_limit_s, should_stop=should_stop)
    solution = keep_current_orders(solution, problem, context)
    solution, detours = _with_detours(solution, problem, context)
    proposal = make_proposal(solution, context, detours)
    problems = proposal_problems(problem, solution, context, proposal)
    return replace(proposal, problems=tuple(problems))


def _own_stops(route: Route, context) -> list[str]:
    """The route's remaining stops in the problem, in their current order."""
    return [str(rs.pk) for rs in context["remaining"][route.pk] if str(rs.pk) in context["by_id"]]


def keep_current_orders(solution: DaySolution, problem: DayProblem, context) -> DaySolution:
    """A route that neither takes nor gives stops keeps its current order when the solver's is
    no shorter or serves fewer of its stops, as long as the current order is feasible from now:
    a re-plan may improve a route, never make it worse."""
    results = {r.vehicle_id: r for r in solution.routes}
    dropped = {d.stop_id: d for d in solution.dropped}
    for vehicle in problem.vehicles:
        if vehicle.id == STANDBY:
            continue
        own = _own_stops(context["routes"][int(vehicle.id)], context)
        result = results.get(vehicle.id)
        served = set(result.stop_ids) if result else set()
        if not own or not served <= set(own) or not set(own) <= served | dropped.keys():
            continue  # it takes or gives stops: judged by the checker as a new route
        current, timing = timed_result(problem, vehicle.id, own, vehicle.shift_start_s)
        if timing.violations:
            continue
        if result is None or len(served) < len(own) or current.distance_m <= result.distance_m:
            results[vehicle.id] = current
            for sid in own:
                dropped.pop(sid, None)
    routes = [results[v.id] for v in problem.vehicles if v.id in results]
    return replace(solution, routes=tuple(routes), dropped=tuple(dropped.values()))


def _sources(result: RouteResult, route: Route | None, context) -> list[int]:
    """The routes the stops moved to this one come from, in the order met."""
    out = []
    for sid in result.stop_ids:
        source = context["by_id"][sid].route_id
        if (route is None or source != route.pk) and source not in out:
            out.append(source)
    return out


def _with_detours(solution: DaySolution, problem: DayProblem, context) -> tuple:
    """A nearby rescuer leaves for its stops only after driving to each meeting point and
    handing over: its route is re-timed from that later departure."""
    routes, detours = [], {}
    for result in solution.routes:
        route = None if result.vehicle_id == STANDBY else context["routes"][int(result.vehicle_id)]
        sources = _sources(result, route, context)
        if route is not None and sources and result.stop_ids:
            detour_s = _rescuer_detour_s(result, route, sources, context)
            detours[result.vehicle_id] = detour_s
            result, _ = timed_result(
                problem, result.vehicle_id, list(result.stop_ids), result.departure_s + detour_s
            )
        routes.append(result)
    return replace(solution, routes=tuple(routes)), detours


def proposal_problems(
    problem: DayProblem, solution: DaySolution, context, proposal: Proposal
) -> list[str]:
    """Every rule the proposal breaks from now (the optimiser's checker), and any stop it
    would plan before now, worded for the dispatcher."""
    station, day = context["station"], context["day"]
    addresses = {sid: rs.stop.address for sid, rs in context["by_id"].items()}
    out = problem_words(
        find_violations(problem, solution),
        station=station,
        day=day,
        routes={STANDBY if r.standby else str(r.route): f"Route {r.code}" for r in proposal.routes},
        stops=addresses,
    )
    now_s = int((context["now"] - context["midnight"]).total_seconds())
    for result in solution.routes:
        out.extend(
            planned_before_now_words(
                address=addresses[sid], at=moment(station, day, at), station=station
            )
            for sid, at in zip(result.stop_ids, result.start_s, strict=True)
            if at < now_s
        )
    return out


def replan_proposal(job: ReplanJob, now: datetime) -> Proposal:
    """Solve the re-plan. A rescue goes to nearby routes first; when they lack the capacity or
    time for some of the rescued stops (or none is out), a standby driver who confirmed for the
    day takes them in an inspected free van. The proposal says which option and why."""
    built = replan_problem(job, now)
    proposal = None
    if built is not None:
        proposal = _solve(job, *built, job.pk)
    if job.kind != ReplanJob.Kind.RESCUE or job.route_id is None:
        return proposal or _nothing()
    done_ids, _ = visited_stops([job.route_id])
    if not RouteStop.objects.filter(route_id=job.route_id).exclude(pk__in=done_ids).exists():
        return _nothing()
    short = _rescued_dropped(proposal, job, built[1]) if proposal else None
    if proposal and not short:
        others = sorted({m.to_code for m in proposal.moves})
        why = (
            f"Route(s) {', '.join(others)} out nearby have the spare capacity and time."
            if others
            else "The route keeps its stops in a new order; no other driver is needed."
        )
        return replace(proposal, rescuer=Rescuer(RescuerKind.NEARBY, why))
    lack = (
        f"No route out nearby has the spare capacity and time for {short} of route "
        f"{job.route.code}'s stops"
        if proposal
        else f"No other route is out to take route {job.route.code}'s stops"
    )
    standby = standby_rescuer(dsp=job.dsp, on=job.service_date)
    if standby is None:
        why = f"{lack}, and no standby driver who confirmed for today has a free inspected van."
        return replace(proposal or _nothing(), rescuer=Rescuer(RescuerKind.NONE, why))
    built = replan_problem(job, now, standby=standby)
    result = _solve(job, *built, job.pk) if built else (proposal or _nothing())
    if result.standby is not None:
        why = f"{lack}: standby driver {standby[0].full_name} takes them in van {standby[1].plate}."
        return replace(result, rescuer=Rescuer(RescuerKind.STANDBY, why))
    why = f"{lack}; the standby driver is not needed."
    return replace(result, rescuer=Rescuer(RescuerKind.NEARBY, why))


def _nothing() -> Proposal:
    return Proposal(note="No route's remaining work is affected; nothing to change.")


def replan_job_run(*, job_id: int) -> None:
    """Solve a queued re-plan (worker). A job not queued any more is left alone (redelivery)."""
    with transaction.atomic():
        job = (
            ReplanJob.objects.select_for_update(of=("self",))
            .select_related("disruption")
            .get(pk=job_id)
        )
        if job.status != ReplanJob.Status.QUEUED:
            return
        job.status = ReplanJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    try:
        proposal = replan_proposal(job, timezone.now())
    except Exception as error:  # the job records why it failed; the worker carries on
        ReplanJob.objects.filter(pk=job_id, status=ReplanJob.Status.RUNNING).update(
            status=ReplanJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    problems = proposal.problems
    ReplanJob.objects.filter(pk=job_id, status=ReplanJob.Status.RUNNING).update(
        status=ReplanJob.Status.FAILED if problems else ReplanJob.Status.PROPOSED,
        proposal=proposal.to_json(),
        error=(
            "This re-plan is not offered: checked from now, it breaks "
            f"{len(problems)} rule(s): {' '.join(problems[:5])}"
        )[:2000]
        if problems
        else "",
        finished_at=timezone.now(),
    )


@transaction.atomic
def replan_job_apply(*, user, job: ReplanJob) -> ReplanJob:
    """Put a proposal into the routes: new order and ETAs, moved stops, a change per route.

    Applying a job already applied changes nothing and returns it (a resent click).
    """
    job = _job_lock_proposed(job)
    if job.status == ReplanJob.Status.APPLIED:
        return job
    proposal = Proposal.from_json(job.proposal)
    plan = list(proposal.routes)
    if not plan:
        raise ValidationError({"status": "This re-plan changes nothing."})
    now = timezone.now()
    rows, done_ids = _proposal_check_current(plan, now)
    plan = [
        replace(r, route=_standby_route_create(job=job, standby=proposal.standby, entry=r).pk)
        if r.standby
        else r
        for r in plan
    ]
    route_ids = [r.route for r in plan if not r.standby]
    RouteStop.objects.filter(route_id__in=route_ids).update(sequence=F("sequence") + 100_000)
    codes = {r.route: r.code for r in plan}
    placed = {s.route_stop for r in plan for s in r.after}
    for r in plan:
        _route_apply(
            job, proposal, r, rows=rows, done_ids=done_ids, placed=placed, codes=codes, now=now
        )
    job.status = ReplanJob.Status.APPLIED
    job.applied_at = now
    job.save(update_fields=["status", "applied_at", "updated_at"])
    return job


def _job_lock_proposed(job: ReplanJob) -> ReplanJob:
    """The job, locked; refused unless it is proposed (or applied already)."""
    job = (
        ReplanJob.objects.select_for_update(of=("self",))
        .select_related("disruption")
        .get(pk=job.pk)
    )
    if job.status not in (ReplanJob.Status.PROPOSED, ReplanJob.Status.APPLIED):
        raise ValidationError(
            {
                "status": "Only a proposed re-plan can be applied "
                f"(this one is {job.get_status_display().lower()})."
            }
        )
    return job


def _proposal_check_current(plan: list[ProposedRoute], now: datetime) -> tuple[dict, set]:
    """Lock the routes and refuse a stale proposal: a stop done since, a stop gone or moved
    by hand, or a time already past. The route stops by id, and those done."""
    route_ids = [r.route for r in plan if r.route]
    list(Route.objects.select_for_update().filter(pk__in=route_ids).order_by("pk"))
    done_ids, _ = visited_stops(route_ids)
    touched = {s.route_stop for r in plan for s in r.after} | {pk for r in plan for pk in r.before}
    if touched & done_ids:
        raise ValidationError({"status": "Stops were done since this proposal; re-plan again."})
    rows = {
        rs.pk: rs for rs in RouteStop.objects.filter(route_id__in=route_ids).select_related("stop")
    }
    if not touched <= rows.keys():
        raise ValidationError({"status": "The routes changed since this proposal; re-plan again."})
    if any(s.eta < now for r in plan for s in r.after):
        raise ValidationError(
            {"status": "Some of this proposal's times have passed; re-plan again."}
        )
    return rows, done_ids


def _route_apply(
    job: ReplanJob,
    proposal: Proposal,
    r: ProposedRoute,
    *,
    rows,
    done_ids,
    placed,
    codes,
    now: datetime,
) -> None:
    """One route's new order: its done stops first, then the proposal's, then the stops no
    route could take; its change for the driver; closed when a rescue emptied it."""
    kept = sorted(
        (rs for rs in rows.values() if rs.route_id == r.route and rs.pk in done_ids),
        key=lambda rs: rs.sequence,
    )
    left = [rows[i] for i in r.before if i not in placed]  # dropped: stay, at the end
    order = (
        [(rs, None) for rs in kept]
        + [(rows[s.route_stop], s.eta) for s in r.after]
        + [(rs, None) for rs in left]
    )
    moved_in = _stops_resequence(r.route, order)
    facts = _change_facts(job, proposal, r, codes, rows, moved_in, left)
    Route.objects.filter(pk=r.route).update(planned_stops=len(order))
    if r.emptied and not left:
        _route_close_emptied(pk=r.route, kept=kept, at=now)
    RouteChange.objects.create(route_id=r.route, job=job, facts=[f.to_json() for f in facts])


def _route_close_emptied(*, pk: int, kept: list[RouteStop], at: datetime) -> None:
    """A route whose remaining stops all went to others (a rescue) is over: it is closed with
    what it really drove, the legs to the stops it served, and its cost from those."""
    route = Route.objects.select_related("vehicle").get(pk=pk)
    driven = sum(rs.leg_distance_m for rs in kept)
    away = int((at - route.departs_at).total_seconds()) if route.departs_at else 0
    route.status = Route.Status.COMPLETED
    route.distance_m = driven
    route.planned_km = (Decimal(driven) / 1000).quantize(Decimal("0.1"))
    route.planned_stops = len(kept)
    route.returns_at = at
    for name, value in estimates(
        kind=van_kind(route.vehicle), distance_m=driven, duration_s=max(0, away)
    ).items():
        setattr(route, name, value)
    route.save()


def _stops_resequence(pk: int, order: list) -> list[tuple[RouteStop, int, object]]:
    """Write the route's new order and times; the stops that came from another route, each
    with that route's id and its arrival time before the move."""
    moved_in = []
    for n, (rs, eta) in enumerate(order, start=1):
        if rs.route_id != pk:
            moved_in.append((rs, rs.route_id, rs.planned_arrival))
        rs.route_id = pk
        rs.sequence = n
        if eta is not None:
            rs.planned_arrival = eta
            rs.planned_start = eta
        rs.save(
            update_fields=["route", "sequence", "planned_arrival", "planned_start", "updated_at"]
        )
    return moved_in


def _change_facts(
    job: ReplanJob, proposal: Proposal, r: ProposedRoute, codes: dict, rows: dict, moved_in, left
) -> list:
    """What changed on one route, as facts (worded for the driver by the pages)."""
    pk, facts = r.route, []
    if job.disruption and job.disruption.kind != Disruption.Kind.BREAKDOWN:
        facts.append(
            ChangeFact(FactCode.DISRUPTION, reason=job.disruption.kind, note=job.disruption.note)
        )
    old_order = [rows[i].stop.address for i in r.before]
    new_order = [s.address for s in r.after]
    if new_order != old_order and new_order:
        facts.append(ChangeFact(FactCode.NEW_ORDER, order=tuple(new_order)))
    for rs, came_from, old_eta in moved_in:
        facts.append(
            ChangeFact(
                FactCode.MOVED_IN,
                stop=rs.stop.address,
                from_route=codes.get(came_from, str(came_from)),
                to_route=codes[pk],
                old_eta=old_eta,
                new_eta=rs.planned_arrival,
                reason=job.disruption.kind if job.disruption else "",
            )
        )
    facts += [
        ChangeFact(FactCode.HANDED_OFF, stop=m.address, from_route=codes[pk], to_route=m.to_code)
        for m in proposal.moves_from(pk)
    ]
    facts += _meet_facts(proposal, codes[pk])
    facts += [ChangeFact(FactCode.NOT_FITTED, stop=rs.stop.address) for rs in left]
    if not any(f.code != FactCode.DISRUPTION for f in facts):
        facts.append(ChangeFact(FactCode.RETIMED))
    return facts


def _meet_facts(proposal: Proposal, code: str) -> list:
    facts = []
    for meet in proposal.meets_of(code):
        arriving = code == meet.to_code
        facts.append(
            ChangeFact(
                FactCode.MEET,
                from_route=code,
                to_route=meet.from_code if arriving else meet.to_code,
                at=(meet.lat, meet.lon),
                stops=meet.stops,
                detour_min=meet.detour_min if arriving else 0,
                handover_min=meet.handover_min if arriving else 0,
            )
        )
    return facts


def _standby_route_create(
    *, job: ReplanJob, standby: StandbyOffer | None, entry: ProposedRoute
) -> Route:
    """The standby driver's route of a rescue, with its driver and van checked as any
    assignment is (and held to one route per driver and per van a day by the database)."""
    if standby is None:
        raise ValidationError({"standby": "This proposal names no standby driver; re-plan again."})
    rescued = Route.objects.select_related("station").get(pk=job.route_id)
    driver = Driver.objects.filter(pk=standby.driver, dsp=job.dsp).first()
    van = Vehicle.objects.filter(pk=standby.vehicle, dsp=job.dsp).first()
    if driver is None or van is None:
        raise ValidationError({"standby": "The standby driver or van is gone; re-plan again."})
    code = entry.code
    if Route.objects.filter(dsp=job.dsp, service_date=job.service_date, code=code).exists():
        raise ValidationError({"standby": f"Route {code} exists already; re-plan again."})
    route = Route(
        dsp=job.dsp,
        station=rescued.station,
        service_date=job.service_date,
        code=code,
        departs_at=timezone.now(),
        returns_at=entry.finish,
    )
    route.full_clean(validate_constraints=False)
    route.save()
    try:
        return route_assign(route=route, driver=driver, vehicle=van)
    except ValidationError as error:
        raise ValidationError(
            {"standby": "The standby option no longer holds: " + " ".join(error.messages)}
        ) from error
