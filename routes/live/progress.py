"""Live tracking: location pings, progress (stops done / total), pace and recomputed ETAs.

The board is computed on read from four queries however many routes and stops: routes, their
stops, the stops already done (delivered or failed events) and each route's last ping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from dsps.tenancy import dsp_of, scope_to_user
from nextmile.geo import metres_between
from routes.conf import setting
from routes.day.outbox import phone_outbox_report_unsafe
from routes.models import DeliveryEvent, LocationPing, Route, RouteStop

ACTIVE = (Route.Status.ASSIGNED, Route.Status.IN_PROGRESS)
# Minutes late (projected finish past the planned return) before a route is flagged behind.
BEHIND_SLACK_MIN = 15
ON_TIME_MIN = 5
PACE_LIMITS = (0.5, 3.0)
MICRO = Decimal("0.000001")


# --- Geometry ------------------------------------------------------------------------------


def drive_seconds(a: tuple[float, float], b: tuple[float, float]) -> int:
    """The planner's estimate of driving from a to b (circuity × great circle at its speed)."""
    metres = metres_between(a, b) * float(setting("ROUTES_CIRCUITY"))
    return math.ceil(metres / (float(setting("ROUTES_SPEED_KMH")) / 3.6))


# --- Pings ---------------------------------------------------------------------------------


def _routes_active_for_driver(user, today: date | None):
    dsp = dsp_of(user)
    today = today or (dsp.station.today() if dsp else timezone.localdate())
    return scope_to_user(Route.objects.all(), user).filter(
        driver__user=user, service_date=today, status__in=ACTIVE
    )


def route_active_for_driver(*, user, today: date | None = None) -> Route | None:
    """The driver's route of the day that is assigned or under way, if any."""
    return (
        _routes_active_for_driver(user, today)
        .select_related("station", "driver", "vehicle")
        .first()
    )


@transaction.atomic
def location_ping_record(
    *,
    user,
    latitude,
    longitude,
    accuracy_m: int | None = None,
    recorded_at: datetime | None = None,
    outbox: int | None = None,
    outbox_reported_at: datetime | None = None,
) -> LocationPing:
    """Record where the driver's phone is; only while their route of the day is active. The
    ping may carry how many actions the phone still holds (`outbox`), stored on the route."""
    # Only the id: every phone pings twice a minute, and the route's row is not needed.
    route_id = _routes_active_for_driver(user, None).values_list("pk", flat=True).first()
    if route_id is None:
        raise ValidationError(
            {"route": "You have no active route today, so your position is not recorded."}
        )
    now = timezone.now()
    if recorded_at is None or recorded_at > now + timedelta(minutes=2):
        recorded_at = now
    ping = LocationPing(
        route_id=route_id,
        latitude=Decimal(str(latitude)).quantize(MICRO),
        longitude=Decimal(str(longitude)).quantize(MICRO),
        accuracy_m=accuracy_m,
        recorded_at=recorded_at,
    )
    ping.full_clean(exclude=["route"])  # the route was just read: no second look-up
    ping.save()
    if outbox is not None:
        phone_outbox_report_unsafe(
            route_id=route_id, waiting=outbox, reported_at=outbox_reported_at or recorded_at
        )
    return ping


# --- Progress, pace and ETAs ---------------------------------------------------------------


@dataclass(slots=True)
class StopLive:
    id: int
    sequence: int
    address: str
    lat: float
    lon: float
    planned_arrival: datetime
    window_end: datetime | None
    done: bool
    eta: datetime | None = None
    late: bool = False


@dataclass
class RouteLive:
    route: Route
    stops: list[StopLive]
    position: tuple[float, float] | None
    position_at: datetime | None
    done: int
    total: int
    delay_min: int = 0
    pace: float = 1.0
    projected_finish: datetime | None = None
    behind_pace: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.delay_min > ON_TIME_MIN:
            return "behind"
        if self.delay_min < -ON_TIME_MIN:
            return "ahead"
        return "on time"

    def as_json(self) -> dict:
        """Everything, each stop with its ETA (the API and the driver's page)."""
        return self._summary() | {
            "stops": [
                {
                    "id": s.id,
                    "sequence": s.sequence,
                    "address": s.address,
                    "lat": s.lat,
                    "lon": s.lon,
                    "done": s.done,
                    "eta": s.eta.isoformat() if s.eta else None,
                    "late": s.late,
                }
                for s in self.stops
            ],
        }

    def as_board_json(self) -> dict:
        """The live board's poll: each stop only as [lat, lon, sequence, done (0/1)]; a board of
        40 routes of 150 stops is sent every 5 s to every dispatcher watching it."""
        return self._summary() | {
            "stops": [[s.lat, s.lon, s.sequence, 1 if s.done else 0] for s in self.stops]
        }

    def position_label(self) -> str:
        """Where the driver is, as people read it: the nearest stop's number and address (the
        board never prints raw coordinates)."""
        if self.position is None:
            return "no ping yet"
        if not self.stops:
            return "near the station"
        nearest = min(self.stops, key=lambda s: metres_between(self.position, (s.lat, s.lon)))
        return f"near stop {nearest.sequence} · {nearest.address}"

    @property
    def next_stop(self) -> StopLive | None:
        """The first stop still to serve, with its live ETA (what the driver sees next)."""
        return next((s for s in self.stops if not s.done), None)

    def _summary(self) -> dict:
        r = self.route
        upcoming = self.next_stop
        return {
            "id": r.pk,
            "code": r.code,
            "colour": r.colour,
            "driver": r.driver.full_name if r.driver else None,
            "status": r.status,
            "position": list(self.position) if self.position else None,
            "position_at": self.position_at.isoformat() if self.position_at else None,
            "position_label": self.position_label(),
            "done": self.done,
            "total": self.total,
            "delay_min": self.delay_min,
            "state": self.state,
            "pace": round(self.pace, 2),
            "projected_finish": self.projected_finish.isoformat()
            if self.projected_finish
            else None,
            "behind_pace": self.behind_pace,
            "reasons": self.reasons,
            "next_stop": {
                "sequence": upcoming.sequence,
                "eta": upcoming.eta.isoformat() if upcoming.eta else None,
            }
            if upcoming
            else None,
            "depot": [float(r.station.latitude), float(r.station.longitude)],
        }


class StopRow(NamedTuple):
    """The columns of a route stop (and its stop) that progress needs."""

    id: int
    route_id: int
    sequence: int
    planned_arrival: datetime
    address: str
    latitude: Decimal
    longitude: Decimal
    window_end: time | None


# Plain rows, not model instances: a board of 40 routes of 150 stops builds 6,000 of them
# every time a dispatcher's page polls, and two model instances per stop cost most of it.
STOP_ROW_FIELDS = (
    "pk",
    "route_id",
    "sequence",
    "planned_arrival",
    "stop__address",
    "stop__latitude",
    "stop__longitude",
    "stop__window_end",
)


def _window_end(route: Route, rs: StopRow) -> datetime | None:
    if rs.window_end is None:
        return None
    return route.station.localize(route.service_date, rs.window_end)


def progress(
    route: Route,
    route_stops: list[StopRow],
    done_ids: set[int],
    done_at: dict[int, datetime],
    ping: LocationPing | None,
    now: datetime,
) -> RouteLive:
    """Pure: a route's progress, pace and remaining ETAs from rows already loaded.

    Pace is actual / planned time for the stops done so far (from departure to the last
    one done). The next stop's ETA is the drive from the last position; each later one
    follows at the planned gaps stretched by the pace.
    """
    stops = [
        StopLive(
            rs.id,
            rs.sequence,
            rs.address,
            float(rs.latitude),
            float(rs.longitude),
            rs.planned_arrival,
            None if rs.window_end is None else _window_end(route, rs),
            rs.id in done_ids,
        )
        for rs in route_stops
    ]
    done = [s for s in stops if s.done]
    live = RouteLive(
        route=route,
        stops=stops,
        position=(float(ping.latitude), float(ping.longitude)) if ping else None,
        position_at=ping.recorded_at if ping else None,
        done=len(done),
        total=len(stops),
    )
    remaining = [s for s in stops if not s.done]
    if done and route.departs_at:
        last = max(done, key=lambda s: done_at.get(s.id, now))
        actual = (done_at.get(last.id, now) - route.departs_at).total_seconds()
        planned = (last.planned_arrival - route.departs_at).total_seconds()
        if planned > 60 and actual > 0:
            live.pace = round(min(max(actual / planned, PACE_LIMITS[0]), PACE_LIMITS[1]), 2)
    if not remaining:
        times = [done_at[s.id] for s in done if s.id in done_at]
        live.projected_finish = max(times) if times else None
        return live
    if route.status != Route.Status.IN_PROGRESS and not done and ping is None:
        start = max(now, route.departs_at) if route.departs_at else now
        first_eta = start + (remaining[0].planned_arrival - (route.departs_at or start))
    else:
        here = live.position or (
            (last_done.lat, last_done.lon)
            if (last_done := (done[-1] if done else None))
            else (float(route.station.latitude), float(route.station.longitude))
        )
        first_eta = now + timedelta(
            seconds=drive_seconds(here, (remaining[0].lat, remaining[0].lon))
        )
    base = remaining[0].planned_arrival
    for s in remaining:
        s.eta = first_eta + (s.planned_arrival - base) * live.pace
        s.late = bool(s.window_end and s.eta > s.window_end)
    live.delay_min = round((first_eta - base).total_seconds() / 60)
    if route.returns_at:
        tail = route.returns_at - remaining[-1].planned_arrival
        live.projected_finish = remaining[-1].eta + tail * live.pace
        late_by = (live.projected_finish - route.returns_at).total_seconds() / 60
        if late_by > BEHIND_SLACK_MIN:
            live.reasons.append(f"Projected back {round(late_by)} min after the planned return.")
    missed = sum(1 for s in remaining if s.late)
    if missed:
        live.reasons.append(f"{missed} delivery window(s) about to be missed.")
    live.behind_pace = bool(live.reasons)
    return live


def visited_stops(route_ids) -> tuple[set[int], dict[int, datetime]]:
    """Route stops visited: with a delivered or failed event, whatever became of the stop's
    other packages (the live board's and the driver's count), and when the last one happened
    (1 query). The tracking page counts a stop *served* only once every package at it has an
    outcome (`routes.day.tracking.stops_before`): two facts, two words."""
    rows = DeliveryEvent.objects.filter(
        route_id__in=route_ids,
        route_stop__isnull=False,
        kind__in=[DeliveryEvent.Kind.DELIVERED, DeliveryEvent.Kind.FAILED],
    ).values_list("route_stop_id", "occurred_at")
    at: dict[int, datetime] = {}
    for rs_id, occurred in rows:
        at[rs_id] = max(at.get(rs_id, occurred), occurred)
    return set(at), at


def last_pings(route_ids) -> dict[int, LocationPing]:
    """Each route's latest ping, in one query on PostgreSQL and on the embedded SQLite alike."""
    latest = LocationPing.objects.filter(route_id=OuterRef("route_id")).order_by(
        "-recorded_at", "-id"
    )
    rows = LocationPing.objects.filter(route_id__in=route_ids, pk=Subquery(latest.values("pk")[:1]))
    return {p.route_id: p for p in rows}


def routes_live(routes: list[Route], now: datetime | None = None) -> list[RouteLive]:
    """Progress of several routes in three queries on top of the routes themselves."""
    now = now or timezone.now()
    ids = [r.pk for r in routes]
    by_route: dict[int, list[StopRow]] = {pk: [] for pk in ids}
    rows = (
        RouteStop.objects.filter(route_id__in=ids)
        .order_by("sequence")
        .values_list(*STOP_ROW_FIELDS)
    )
    for row in rows:
        rs = StopRow(*row)
        by_route[rs.route_id].append(rs)
    done_ids, done_at = visited_stops(ids)
    pings = last_pings(ids)
    return [
        progress(
            r,
            by_route[r.pk],
            done_ids,
            done_at,
            pings.get(r.pk),
            now,
        )
        for r in routes
    ]


def live_board(*, user, service_date: date, now: datetime | None = None) -> list[RouteLive]:
    """The dispatcher's live board: every route of the day the user may see, with progress."""
    routes = list(
        scope_to_user(Route.objects.all(), user)
        .filter(service_date=service_date)
        .exclude(status=Route.Status.DRAFT)
        .select_related("driver", "station", "vehicle", "dsp")
        .order_by("code")
    )
    return routes_live(routes, now)


def route_live(*, route: Route, now: datetime | None = None) -> RouteLive:
    return routes_live([route], now)[0]


def stop_eta(route_stop: RouteStop, now: datetime | None = None) -> datetime | None:
    """One stop's live ETA, the same the board and the driver's page show (None once done)."""
    live = route_live(route=route_stop.route, now=now)
    return next((s.eta for s in live.stops if s.id == route_stop.pk), None)
