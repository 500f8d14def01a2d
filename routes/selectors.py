"""Reads of manifests and routes, already scoped to the caller."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from dsps.tenancy import dsp_of, scope_to_user
from routes.models import (
    DeliveryEvent,
    Manifest,
    Package,
    PlanJob,
    Route,
    RouteStop,
    ShiftPunch,
    Stop,
)
from routes.rules.hours import hours_of as hours_of
from routes.rules.hours import worked_time
from routes.rules.outcomes import DELIVERED as DELIVERED
from routes.rules.outcomes import PENDING
from routes.rules.outcomes import package_state_of as package_state_of


def route_list(*, user, service_date: date | None = None) -> QuerySet[Route]:
    qs = scope_to_user(Route.objects.all(), user).select_related(
        "dsp", "driver", "vehicle__offer", "station"
    )
    if service_date:
        qs = qs.filter(service_date=service_date)
    return qs.order_by("service_date", "code")


def route_for_driver_today(*, user, today: date) -> Route | None:
    """The driver's route of the day, if one is assigned."""
    return route_list(user=user, service_date=today).first()


def manifest_list(*, user) -> QuerySet[Manifest]:
    return scope_to_user(Manifest.objects.all(), user).select_related("station")


def stop_list(*, user, service_date: date | None = None) -> QuerySet[Stop]:
    """The day's stops the user may see (staff: all, with uncovered ones)."""
    qs = scope_to_user(Stop.objects.all(), user).select_related("dsp", "manifest__station")
    if service_date:
        qs = qs.filter(manifest__service_date=service_date)
    return qs.order_by("address", "id")


def stop_list_uncovered(*, user, service_date: date | None = None) -> QuerySet[Stop]:
    """Stops in no held territory (only program staff see any)."""
    return stop_list(user=user, service_date=service_date).filter(dsp__isnull=True)


def stop_list_dropped(*, user, service_date: date) -> QuerySet[Stop]:
    """Stops the latest plans left out, with their reasons."""
    return stop_list(user=user, service_date=service_date).exclude(drop_reason="")


def plan_job_list(*, user) -> QuerySet[PlanJob]:
    return scope_to_user(PlanJob.objects.all(), user).select_related(
        "station", "dsp", "requested_by"
    )


def route_stop_list(*, user, route: Route, priority: str = "") -> QuerySet[RouteStop]:
    """The route's stops in order; with `priority`, only the stops of that priority."""
    rows = scope_to_user(RouteStop.objects.filter(route=route), user)
    if priority:
        rows = rows.filter(stop__priority=priority)
    return rows.select_related("stop").order_by("sequence")


def package_list_on_route(
    *, user, route: Route, route_stop: RouteStop | None = None
) -> list[Package]:
    """The route's packages (or one stop's) in visiting order, each with its `state` and its
    `route_stop`, in two queries."""
    packages = scope_to_user(Package.objects.filter(stop__route_stop__route=route), user)
    if route_stop is not None:
        packages = packages.filter(stop__route_stop=route_stop)
    rows = list(
        packages.select_related("stop__route_stop").order_by(
            "stop__route_stop__sequence", "tracking_id", "id"
        )
    )
    kinds: dict[int, list[str]] = defaultdict(list)
    events = DeliveryEvent.objects.filter(package__in=rows).order_by("occurred_at", "id")
    for package_id, kind in events.values_list("package_id", "kind"):
        kinds[package_id].append(kind)
    for package in rows:
        package.state = package_state_of(kinds[package.pk])
        package.route_stop = package.stop.route_stop
    return rows


def routes_for_map(*, user, service_date: date, route_ids: list[int] | None = None) -> list[dict]:
    """Each route with its stops' coordinates in order, for the map (two queries); only
    `route_ids` when given (the route page draws its route and the one compared, not the day's)."""
    routes = route_list(user=user, service_date=service_date)
    if route_ids is not None:
        routes = routes.filter(pk__in=route_ids)
    routes = list(routes)
    points: dict[int, list] = {r.pk: [] for r in routes}
    rows = (
        RouteStop.objects.filter(route__in=routes)
        .order_by("route_id", "sequence")
        .values_list(
            "route_id", "sequence", "stop__latitude", "stop__longitude", "stop__address", "pk"
        )
    )
    for route_id, sequence, lat, lon, address, pk in rows:
        points[route_id].append([float(lat), float(lon), sequence, address, pk])
    return [
        {
            "id": r.pk,
            "code": r.code,
            "colour": r.colour,
            "dsp": r.dsp.name,
            "depot": [float(r.station.latitude), float(r.station.longitude)],
            "stops": points[r.pk],
        }
        for r in routes
    ]


def day_summary(*, user, service_date: date) -> dict:
    """Routes, stops, km and hours of the day's plans the user may see."""
    routes = list(route_list(user=user, service_date=service_date))
    hours = sum((r.returns_at - r.departs_at).total_seconds() for r in routes if r.departs_at)
    return {
        "routes": len(routes),
        "stops": sum(r.planned_stops for r in routes),
        "km": round(sum(r.distance_m for r in routes) / 1000, 1),
        "hours": round(hours / 3600, 1),
        "cost": sum(r.cost for r in routes),
        "co2_kg": sum(r.co2_kg for r in routes),
    }


def route_siblings(*, user, route: Route) -> QuerySet[Route]:
    """Routes of the same DSP and day that a stop of `route` may move to."""
    return route_list(user=user, service_date=route.service_date).filter(dsp_id=route.dsp_id)


def user_today(user) -> date:
    """Today at the user's station (program staff, who have none: the project's timezone)."""
    dsp = dsp_of(user)
    return dsp.station.today() if dsp else timezone.localdate()


def worked_by_route_driver(
    *, route_ids, until: datetime | None = None
) -> dict[tuple[int, int], timedelta]:
    """Worked time per (route, driver) from the routes' punches, in one query. A period
    still open counts up to `until` on a route in progress (a driver at work now); on any
    other route a missing clock-out counts nothing, as before it is corrected."""
    live: set[int] = set()
    punches: dict[tuple[int, int], list[tuple[str, datetime]]] = defaultdict(list)
    for route_id, driver_id, kind, at, status in (
        ShiftPunch.objects.filter(route_id__in=list(route_ids))
        .order_by("route_id", "driver_id", "at", "id")
        .values_list("route_id", "driver_id", "kind", "at", "route__status")
    ):
        punches[route_id, driver_id].append((kind, at))
        if status == Route.Status.IN_PROGRESS:
            live.add(route_id)
    return {
        key: worked_time(rows, until=until if key[0] in live else None)
        for key, rows in punches.items()
    }


def worked_by_route(*, route_ids, until: datetime | None = None) -> dict[int, timedelta]:
    """Worked time per route (every driver who punched on it)."""
    out: dict[int, timedelta] = defaultdict(timedelta)
    for (route_id, _driver), worked in worked_by_route_driver(
        route_ids=route_ids, until=until
    ).items():
        out[route_id] += worked
    return dict(out)


# What a person reads for each package state: the delivery events' own labels, and one for a
# package with no event yet.
STATE_LABELS = {PENDING: "To deliver", **dict(DeliveryEvent.Kind.choices)}


def state_label(state: str) -> str:
    """A package state in words ("Attempt failed", not "failed")."""
    return STATE_LABELS.get(state, state)
