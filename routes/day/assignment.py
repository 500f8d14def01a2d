"""Dispatch: who drives which route in which van, who confirmed for the day, the load-out sheet,
the van check at the start and the punches that give the hours billing pays.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from drivers.models import Driver
from drivers.selectors import driver_unassignable_reasons, drivers_assignable
from dsps.models import Dsp
from fleet.models import Inspection, Vehicle
from fleet.selectors import vehicles_available
from fleet.services import odometer_record
from nextmile.tasks import enqueue_after_commit
from routes.day.deliveries import occurred_at_checked
from routes.models import DayConfirmation, DeliveryEvent, Route, ShiftPunch
from routes.rules.hours import hours_of
from routes.selectors import worked_by_route
from routes.signals import ROUTE_ASSIGNED, ROUTE_STARTED, route_data, route_event_emit

# A past delivery counts as "in the area" of a route within this many degrees (~2 km) of
# the bounding box of the route's stops.
AREA_MARGIN = Decimal("0.02")
STAGING_ROWS = "ABCDEF"


# --- Reasons ---------------------------------------------------------------------------------


def vehicle_unavailable_reason(*, vehicle: Vehicle, on: date) -> str:
    """Why `vehicle` may not go on a route on `on` ("" when it may)."""
    if vehicle.status == Vehicle.Status.GROUNDED:
        why = f": {vehicle.grounded_reason}" if vehicle.grounded_reason else ""
        return f"Van {vehicle.plate} is grounded{why}."
    if vehicle.status == Vehicle.Status.RETURNED:
        return f"Van {vehicle.plate} has been returned to its lessor."
    if vehicles_available(dsp=vehicle.dsp, on=on).filter(pk=vehicle.pk).exists():
        return ""
    if on == vehicle.dsp.station.today():
        latest = Inspection.objects.filter(vehicle=vehicle, inspected_on=on).order_by("-pk").first()
        if latest is None:
            return f"Van {vehicle.plate} has no inspection today."
        if latest.result not in Inspection.PASSING:
            return f"Van {vehicle.plate} failed today's inspection."
    return f"Van {vehicle.plate} is not leased and insured on {on:%Y-%m-%d}."


# --- Assignment ------------------------------------------------------------------------------


@transaction.atomic
def route_assign(*, route: Route, driver: Driver, vehicle: Vehicle) -> Route:
    """Put `driver` and `vehicle` on `route`. The database keeps one route per driver and per
    van per day: of two dispatchers assigning the same driver at once, exactly one succeeds.
    """
    route = Route.objects.select_for_update().get(pk=route.pk)
    if route.status in (Route.Status.IN_PROGRESS, Route.Status.COMPLETED):
        raise ValidationError({"route": f"Route {route.code} has started; it cannot change hands."})
    if driver.dsp_id != route.dsp_id:
        raise ValidationError({"driver": "That driver is not one of this DSP's drivers."})
    if vehicle.dsp_id != route.dsp_id:
        raise ValidationError({"vehicle": "That van is not one of this DSP's vans."})
    reasons = driver_unassignable_reasons(driver=driver, on=route.service_date)
    if reasons:
        raise ValidationError({"driver": " ".join(reasons)})
    reason = vehicle_unavailable_reason(vehicle=vehicle, on=route.service_date)
    if reason:
        raise ValidationError({"vehicle": reason})
    route.driver, route.vehicle, route.status = driver, vehicle, Route.Status.ASSIGNED
    route.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            route.save(update_fields=["driver", "vehicle", "status", "updated_at"])
    except IntegrityError as error:
        raise _assignment_clash(route=route, error=error) from error
    route_event_emit(
        type=ROUTE_ASSIGNED,
        dsp_id=route.dsp_id,
        station_id=route.station_id,
        data=route_data(route),
    )
    return route


def _assignment_clash(*, route: Route, error: IntegrityError) -> ValidationError:
    others = Route.objects.filter(service_date=route.service_date).exclude(pk=route.pk)
    if "route_one_per_vehicle_per_day" in str(error):
        other = others.filter(vehicle=route.vehicle).first()
        where = f" (route {other.code})" if other else ""
        return ValidationError(
            {"vehicle": f"Van {route.vehicle.plate} is already on a route that day{where}."}
        )
    other = others.filter(driver=route.driver).first()
    where = f" (route {other.code})" if other else ""
    return ValidationError(
        {"driver": f"{route.driver.full_name} already has a route that day{where}."}
    )


@transaction.atomic
def route_unassign(*, route: Route) -> Route:
    route = Route.objects.select_for_update().get(pk=route.pk)
    if route.status != Route.Status.ASSIGNED:
        raise ValidationError({"route": f"Route {route.code} is not waiting to start."})
    route.driver = route.vehicle = None
    route.status = Route.Status.DRAFT
    route.unassigned_at = timezone.now()
    route.save(update_fields=["driver", "vehicle", "status", "unassigned_at", "updated_at"])
    return route


@dataclass(frozen=True)
class Suggestion:
    route: Route
    driver: Driver | None
    vehicle: Vehicle | None
    known_deliveries: int


def _area(route: Route) -> dict | None:
    box = route.route_stops.aggregate(
        lat0=Min("stop__latitude"),
        lat1=Max("stop__latitude"),
        lon0=Min("stop__longitude"),
        lon1=Max("stop__longitude"),
    )
    if box["lat0"] is None:
        return None
    return {
        "package__latitude__gte": box["lat0"] - AREA_MARGIN,
        "package__latitude__lte": box["lat1"] + AREA_MARGIN,
        "package__longitude__gte": box["lon0"] - AREA_MARGIN,
        "package__longitude__lte": box["lon1"] + AREA_MARGIN,
    }


def assignment_suggestions(*, dsp: Dsp, on: date) -> list[Suggestion]:
    """Each unassigned route → the free assignable driver with most past deliveries in its area,
    and that driver's usual van when it is available (else any free available van).
    """
    routes = list(
        Route.objects.filter(dsp=dsp, service_date=on, status=Route.Status.DRAFT).order_by("code")
    )
    taken = Route.objects.filter(dsp=dsp, service_date=on).exclude(status=Route.Status.DRAFT)
    busy_drivers = set(taken.exclude(driver=None).values_list("driver_id", flat=True))
    busy_vans = set(taken.exclude(vehicle=None).values_list("vehicle_id", flat=True))
    drivers = [d for d in drivers_assignable(dsp=dsp, on=on) if d.pk not in busy_drivers]
    vans = {v.pk: v for v in vehicles_available(dsp=dsp, on=on) if v.pk not in busy_vans}
    past = DeliveryEvent.objects.filter(
        kind=DeliveryEvent.Kind.DELIVERED, route__dsp=dsp, route__service_date__lt=on
    )
    suggestions = []
    for route in routes:
        area = _area(route)
        counts = (
            Counter(
                dict(
                    past.filter(**area, driver__in=drivers)
                    .values_list("driver")
                    .annotate(n=Count("pk"))
                )
            )
            if area and drivers
            else Counter()
        )
        driver = max(drivers, key=lambda d: (counts[d.pk], -d.pk), default=None)
        if driver is None:
            suggestions.append(Suggestion(route, None, None, 0))
            continue
        drivers.remove(driver)
        usual = (
            Route.objects.filter(driver=driver, service_date__lt=on, vehicle_id__in=vans)
            .values_list("vehicle")
            .annotate(n=Count("pk"))
            .order_by("-n", "vehicle")
            .first()
        )
        van_id = usual[0] if usual else next(iter(vans), None)
        vehicle = vans.pop(van_id) if van_id else None
        suggestions.append(Suggestion(route, driver, vehicle, counts[driver.pk]))
    return suggestions


def assignment_suggestions_apply(*, dsp: Dsp, on: date) -> tuple[int, list[str]]:
    """Assign every suggestion that has a driver and a van; returns (assigned, problems)."""
    assigned, problems = 0, []
    for s in assignment_suggestions(dsp=dsp, on=on):
        if s.driver is None or s.vehicle is None:
            problems.append(f"Route {s.route.code}: no free driver and van to suggest.")
            continue
        try:
            route_assign(route=s.route, driver=s.driver, vehicle=s.vehicle)
            assigned += 1
        except ValidationError as error:
            problems.extend(f"Route {s.route.code}: {m}" for m in error.messages)
    return assigned, problems


# --- Confirmations and routes at risk --------------------------------------------------------


@transaction.atomic
def day_confirmation_answer(*, driver: Driver, service_date: date, available: bool):
    """A driver says whether they work on `service_date` (a later answer replaces the first)."""
    today = driver.dsp.station.today()
    if service_date < today:
        raise ValidationError({"service_date": "That day has passed."})
    row, _ = DayConfirmation.objects.update_or_create(
        driver=driver,
        service_date=service_date,
        defaults={"available": available, "answered_at": timezone.now()},
    )
    return row


@dataclass(frozen=True)
class RiskSummary:
    """The day's routes without a confirmed driver, the standby pool (confirmed, no route),
    and each driver's answer (True: available, False: not)."""

    routes: list[Route]
    standby: list[Driver]
    answers: dict[int, bool]

    @property
    def count(self) -> int:
        return len(self.routes)

    def to_json(self) -> dict:
        return {
            "routes": [r.pk for r in self.routes],
            "standby": [d.pk for d in self.standby],
            "answers": {str(k): v for k, v in self.answers.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> RiskSummary:
        """The summary back from `to_json`, routes and drivers read again in its order."""
        routes = Route.objects.select_related("driver").in_bulk(data["routes"])
        drivers = Driver.objects.in_bulk(data["standby"])
        return cls(
            routes=[routes[pk] for pk in data["routes"]],
            standby=[drivers[pk] for pk in data["standby"]],
            answers={int(k): v for k, v in data["answers"].items()},
        )


# A route out with its driver (or back) is covered whatever the driver answered the day before.
ON_THE_ROAD = (Route.Status.IN_PROGRESS, Route.Status.COMPLETED)


def routes_at_risk(*, dsp: Dsp, on: date) -> RiskSummary:
    """Routes without a confirmed driver, and the standby pool (confirmed, no route) to cover;
    a route already in progress with its driver is not at risk."""
    answers = dict(
        DayConfirmation.objects.filter(driver__dsp=dsp, service_date=on).values_list(
            "driver_id", "available"
        )
    )
    routes = list(
        Route.objects.filter(dsp=dsp, service_date=on).select_related("driver").order_by("code")
    )
    rostered = {r.driver_id for r in routes if r.driver_id}
    at_risk = [
        r
        for r in routes
        if r.status not in ON_THE_ROAD
        and (r.driver_id is None or answers.get(r.driver_id) is not True)
    ]
    standby = [
        d
        for d in drivers_assignable(dsp=dsp, on=on)
        if d.pk not in rostered and answers.get(d.pk) is True
    ]
    return RiskSummary(routes=at_risk, standby=standby, answers=answers)


# --- Load-out ---------------------------------------------------------------------------------


def staging_location(index: int) -> str:
    """Routes are staged in rows of ten lanes in code order: A1, A2 … B1."""
    row = STAGING_ROWS[(index // 10) % len(STAGING_ROWS)]
    return f"Lane {row}{index % 10 + 1}"


def load_out_sheet(*, routes) -> list[dict]:
    """Per route: driver, van, staging lane and its packages in stop order."""
    sheet = []
    for index, route in enumerate(routes):
        packages = []
        for rs in route.route_stops.select_related("stop").prefetch_related("stop__packages"):
            for package in rs.stop.packages.all():
                packages.append({"sequence": rs.sequence, "stop": rs.stop, "package": package})
        sheet.append({"route": route, "staging": staging_location(index), "packages": packages})
    return sheet


# --- Start of day and punches -----------------------------------------------------------------

PUNCH_ORDER = {
    ShiftPunch.Kind.CLOCK_IN: {None, ShiftPunch.Kind.CLOCK_OUT},
    ShiftPunch.Kind.BREAK_START: {ShiftPunch.Kind.CLOCK_IN, ShiftPunch.Kind.BREAK_END},
    ShiftPunch.Kind.BREAK_END: {ShiftPunch.Kind.BREAK_START},
    ShiftPunch.Kind.CLOCK_OUT: {ShiftPunch.Kind.CLOCK_IN, ShiftPunch.Kind.BREAK_END},
}
PUNCH_REFUSED = {
    ShiftPunch.Kind.CLOCK_IN: "You are already clocked in.",
    ShiftPunch.Kind.BREAK_START: "Clock in (or end your break) first.",
    ShiftPunch.Kind.BREAK_END: "You are not on a break.",
    ShiftPunch.Kind.CLOCK_OUT: "Clock in (and end your break) first.",
}


def _punch_replay(idempotency_key: str, route: Route) -> ShiftPunch | None:
    existing = ShiftPunch.objects.filter(idempotency_key=idempotency_key).first()
    if existing and existing.driver_id != route.driver_id:
        raise ValidationError({"idempotency_key": "This key was used for another punch."})
    return existing


@transaction.atomic
def punch_record(
    *,
    route: Route,
    kind: str,
    idempotency_key: str,
    at: datetime | None = None,
    queued_at: datetime | None = None,
    odometer_km: int | None = None,
    vehicle_plate: str = "",
) -> ShiftPunch:
    """Record a punch on the route's driver. A resend with the same key returns the first punch.

    Clocking in starts the day: the driver confirms the van (its plate) and enters the odometer,
    which goes to the van's odometer history; the route turns in progress.
    """
    existing = _punch_replay(idempotency_key, route)
    if existing:
        return existing
    if route.driver_id is None:
        raise ValidationError({"route": "This route has no driver."})
    if kind not in PUNCH_ORDER:
        raise ValidationError({"kind": "Choose clock in, break start, break end or clock out."})
    at = occurred_at_checked(at, "at")
    if queued_at is not None:
        queued_at = occurred_at_checked(queued_at, "queued_at")
    Driver.objects.select_for_update().get(pk=route.driver_id)  # one punch at a time per driver
    # A concurrent resend of this punch may have committed while we waited for the lock.
    existing = _punch_replay(idempotency_key, route)
    if existing:
        return existing
    last = ShiftPunch.objects.filter(driver=route.driver, route=route).order_by("-at", "-id")
    last_kind = last.values_list("kind", flat=True).first()
    if last_kind not in PUNCH_ORDER[kind]:
        raise ValidationError({"kind": PUNCH_REFUSED[kind]})
    if kind == ShiftPunch.Kind.CLOCK_IN and last_kind is None:
        _start_day(route=route, odometer_km=odometer_km, vehicle_plate=vehicle_plate)
    elif kind == ShiftPunch.Kind.CLOCK_OUT and odometer_km is not None and route.vehicle:
        odometer_record(vehicle=route.vehicle, km=odometer_km, read_on=route.service_date)
    punch = ShiftPunch(
        driver=route.driver,
        route=route,
        kind=kind,
        at=at,
        odometer_km=odometer_km,
        queued_at=queued_at,
        idempotency_key=idempotency_key,
    )
    punch.full_clean()
    punch.save()
    return punch


def _start_day(*, route: Route, odometer_km: int | None, vehicle_plate: str) -> None:
    if route.vehicle is None:
        raise ValidationError({"vehicle_plate": "No van is assigned to this route yet."})
    if vehicle_plate.strip().upper() != route.vehicle.plate.upper():
        raise ValidationError(
            {"vehicle_plate": f"This route's van is {route.vehicle.plate}: check the plate."}
        )
    if odometer_km is None:
        raise ValidationError({"odometer_km": "Enter the odometer reading."})
    odometer_record(vehicle=route.vehicle, km=odometer_km, read_on=route.service_date)
    if route.status == Route.Status.ASSIGNED:
        route.status = Route.Status.IN_PROGRESS
        route.save(update_fields=["status", "updated_at"])
        route_event_emit(
            type=ROUTE_STARTED,
            dsp_id=route.dsp_id,
            station_id=route.station_id,
            data=route_data(route),
        )
        route_id = route.pk
        enqueue_after_commit("routes.tracking_links_send", route_id)


def hours_worked(*, route: Route) -> float:
    """Hours between clock-in and clock-out minus breaks (open periods count up to now)."""
    worked = worked_by_route(route_ids=[route.pk], until=timezone.now())
    return float(hours_of(worked.get(route.pk, timedelta(0))))
