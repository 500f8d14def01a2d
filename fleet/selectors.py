"""Reads of the fleet, already scoped to the caller (and two unscoped ones other apps call)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from dsps.models import Dsp
from dsps.tenancy import dsp_of, scope_to_user
from nextmile.money import cents

from .dates import add_months
from .models import (
    Inspection,
    InsuranceOption,
    InsurancePolicy,
    Lease,
    MaintenanceSchedule,
    Repair,
    Vehicle,
    VehicleOffer,
)

ALERT_DAYS = 30
DUE_SOON_KM = 500
DUE_SOON_DAYS = 14


def today_for(user) -> date:
    """The station's date for a DSP member; the server's date for program staff."""
    dsp = dsp_of(user)
    return dsp.station.today() if dsp else timezone.localdate()


# --- Rules shared by availability and pages -------------------------------------------------


def lease_in_force(start: date, end: date | None = None) -> Q:
    """The one rule for a lease in force: it holds a van on some day from `start` to `end`
    (just `start` when `end` is None): begun by then, not ended nor given back before. A van
    given back on a day was still under lease that day (its statement pays for it)."""
    end = end or start
    return (
        Q(starts_on__lte=end)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        & (Q(returned_on__isnull=True) | Q(returned_on__gte=start))
    )


def policy_in_force(on: date) -> Q:
    """The one rule for an insurance policy in force on `on`: begun, not expired, and not on a
    van that has been given back (a program policy ends with its van's lease,
    `fleet.services.lease_return`; a fleet policy, with no van, covers whatever is leased)."""
    return Q(starts_on__lte=on, expires_on__gte=on) & (
        Q(vehicle__isnull=True) | ~Q(vehicle__status=Vehicle.Status.RETURNED)
    )


def leases_in_force(*, dsp: Dsp, start: date, end: date | None = None) -> QuerySet[Lease]:
    """The DSP's leases in force on some day from `start` to `end`."""
    return Lease.objects.filter(lease_in_force(start, end), dsp=dsp)


def _leased_on(on: date) -> Exists:
    return Exists(Lease.objects.filter(lease_in_force(on), vehicle=OuterRef("pk")))


def _insured_on(on: date) -> Exists:
    return Exists(
        InsurancePolicy.objects.filter(policy_in_force(on), dsp=OuterRef("dsp")).filter(
            Q(vehicle__isnull=True) | Q(vehicle=OuterRef("pk"))
        )
    )


def _passed_inspection_on(on: date) -> Exists:
    return Exists(
        Inspection.objects.filter(
            vehicle=OuterRef("pk"), inspected_on=on, result__in=Inspection.PASSING
        )
    )


def vehicles_available(*, dsp: Dsp, on: date) -> QuerySet[Vehicle]:
    """The vans `dsp` can put on a route on `on`: leased and insured that day, neither grounded
    nor returned, and (when `on` is the station's today) inspected today with a pass.

    Each row carries `package_capacity` and, from its catalogue offer, `energy_per_km` and
    `energy_kind` (None for a van leased outside the catalogue). Not scoped to a user: the
    route planner calls it for the DSP it plans.
    """
    vehicles = (
        Vehicle.objects.filter(dsp=dsp)
        .exclude(status__in=[Vehicle.Status.GROUNDED, Vehicle.Status.RETURNED])
        .filter(_leased_on(on))
        .filter(_insured_on(on))
    )
    if on == dsp.station.today():
        vehicles = vehicles.filter(_passed_inspection_on(on))
    return (
        vehicles.select_related("offer")
        .annotate(energy_per_km=F("offer__energy_per_km"), energy_kind=F("offer__energy_kind"))
        .order_by("plate")
    )


def _days_overlap(start: date, end: date, from_: date, to: date | None) -> int:
    last = end if to is None else min(end, to)
    first = max(start, from_)
    return max((last - first).days + 1, 0)


def _monthly_to_days(monthly: Decimal, days: int) -> Decimal:
    # A month is a twelfth of a 365-day year, so a van costs the same every day.
    return monthly * 12 * days / 365


def fleet_costs(*, dsp: Dsp, start: date, end: date) -> dict[str, Decimal]:
    """What the fleet cost `dsp` from `start` to `end` inclusive, to the cent: lease and
    insurance prorated by day, maintenance (scheduled services) and repairs by the day done.
    Billing reads this as the DSP's fleet expenses."""
    return fleet_costs_by_span(dsp=dsp, spans=[(start, end)])[0]


def fleet_costs_by_span(*, dsp: Dsp, spans: list[tuple[date, date]]) -> list[dict[str, Decimal]]:
    """`fleet_costs` of each (start, end) span, in three queries however many spans."""
    if not spans:
        return []
    first, last = min(s for s, _ in spans), max(e for _, e in spans)
    leases = list(
        Lease.objects.filter(dsp=dsp, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .values_list("starts_on", "ends_on", "monthly_rate")
    )
    policies = list(
        InsurancePolicy.objects.filter(
            dsp=dsp, starts_on__lte=last, expires_on__gte=first
        ).values_list("starts_on", "expires_on", "monthly_premium")
    )
    work = list(
        Repair.objects.filter(vehicle__dsp=dsp, performed_on__gte=first, performed_on__lte=last)
        .values_list("performed_on", "kind")
        .annotate(total=Sum("cost"))
        .order_by()
    )
    out = []
    for start, end in spans:
        lease = Decimal(0)
        for starts_on, ends_on, rate in leases:
            if starts_on <= end and (ends_on is None or ends_on >= start):
                lease += _monthly_to_days(rate, _days_overlap(start, end, starts_on, ends_on))
        insurance = Decimal(0)
        for starts_on, expires_on, premium in policies:
            if starts_on <= end and expires_on >= start:
                days = _days_overlap(start, end, starts_on, expires_on)
                insurance += _monthly_to_days(premium, days)
        done = defaultdict(Decimal)
        for day, kind, total in work:
            if start <= day <= end:
                done[kind] += total
        costs = {
            "lease": cents(lease),
            "insurance": cents(insurance),
            "maintenance": cents(done[Repair.Kind.SERVICE]),
            "repairs": cents(done[Repair.Kind.REPAIR]),
        }
        costs["total"] = sum(costs.values(), Decimal(0))
        out.append(costs)
    return out


# --- Vehicles -------------------------------------------------------------------------------


def vehicle_list(
    *, user, status: str | None = None, kind: str | None = None, search: str | None = None
) -> QuerySet[Vehicle]:
    qs = scope_to_user(Vehicle.objects.all(), user).select_related("dsp", "offer")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(plate__icontains=search) | Q(vin__icontains=search))
    return qs.order_by("plate")


def vehicle_status_counts(*, user) -> dict[str, int]:
    counts = dict(
        scope_to_user(Vehicle.objects.all(), user)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {label: counts.get(value, 0) for value, label in Vehicle.Status.choices}


def vehicle_for_inspection_list(*, user) -> list[Vehicle]:
    """The vans a driver may inspect today, each with `inspected_today` (the latest result)."""
    today = today_for(user)
    vans = list(
        scope_to_user(Vehicle.objects.all(), user)
        .exclude(status=Vehicle.Status.RETURNED)
        .order_by("plate")
    )
    latest = {}
    for inspection in Inspection.objects.filter(
        vehicle__in=[v.pk for v in vans], inspected_on=today
    ).order_by("created_at"):
        latest[inspection.vehicle_id] = inspection
    for van in vans:
        van.inspected_today = latest.get(van.pk)
    return vans


def lease_list_for_vehicle(*, user, vehicle: Vehicle) -> QuerySet[Lease]:
    return scope_to_user(Lease.objects.filter(vehicle=vehicle), user).select_related("offer")


def inspection_list(*, user, vehicle: Vehicle | None = None) -> QuerySet[Inspection]:
    qs = scope_to_user(Inspection.objects.all(), user).select_related("vehicle", "inspector")
    if vehicle is not None:
        qs = qs.filter(vehicle=vehicle)
    return qs.order_by("-created_at")


def inspection_detail_items(*, inspection: Inspection):
    return inspection.items.all()


@dataclass
class TodayRow:
    vehicle: Vehicle
    inspection: Inspection | None


def inspections_today(*, user) -> dict:
    """Today's pre-trip picture for a DSP: each van in service with its latest inspection."""
    today = today_for(user)
    vans = list(
        scope_to_user(Vehicle.objects.all(), user)
        .exclude(status=Vehicle.Status.RETURNED)
        .filter(_leased_on(today))
        .select_related("dsp")
        .order_by("plate")
    )
    latest: dict[int, Inspection] = {}
    for inspection in (
        scope_to_user(Inspection.objects.all(), user)
        .filter(inspected_on=today)
        .select_related("inspector")
        .order_by("created_at")
    ):
        latest[inspection.vehicle_id] = inspection
    rows = [TodayRow(v, latest.get(v.pk)) for v in vans]
    done = sum(1 for r in rows if r.inspection is not None)
    return {"today": today, "rows": rows, "done": done, "missing": len(rows) - done}


# --- Insurance, maintenance, alerts ---------------------------------------------------------


def insurance_policy_list(*, user, vehicle: Vehicle | None = None) -> QuerySet[InsurancePolicy]:
    qs = scope_to_user(InsurancePolicy.objects.all(), user).select_related("vehicle", "dsp")
    if vehicle is not None:
        qs = qs.filter(Q(vehicle=vehicle) | Q(vehicle__isnull=True, dsp=vehicle.dsp_id))
    return qs.order_by("expires_on")


@dataclass
class DueItem:
    schedule: MaintenanceSchedule
    due_km: int | None
    due_on: date | None
    state: str  # "overdue", "due" or "ok"

    @property
    def km_left(self) -> int | None:
        if self.due_km is None:
            return None
        return self.due_km - self.schedule.vehicle.odometer_km


def _due(schedule: MaintenanceSchedule, today: date) -> DueItem:
    due_km = schedule.last_done_km + schedule.every_km if schedule.every_km else None
    due_on = (
        add_months(schedule.last_done_on, schedule.every_months) if schedule.every_months else None
    )
    odometer = schedule.vehicle.odometer_km
    if (due_km is not None and odometer >= due_km) or (due_on is not None and today >= due_on):
        state = "overdue"
    elif (due_km is not None and odometer >= due_km - DUE_SOON_KM) or (
        due_on is not None and today >= due_on - timedelta(days=DUE_SOON_DAYS)
    ):
        state = "due"
    else:
        state = "ok"
    return DueItem(schedule, due_km, due_on, state)


def maintenance_due_list(
    *, user, vehicle: Vehicle | None = None, include_ok: bool = False
) -> list[DueItem]:
    """Schedules that are overdue or due soon (within 500 km or 14 days), overdue first."""
    today = today_for(user)
    qs = (
        scope_to_user(MaintenanceSchedule.objects.all(), user)
        .exclude(vehicle__status=Vehicle.Status.RETURNED)
        .select_related("vehicle")
    )
    if vehicle is not None:
        qs = qs.filter(vehicle=vehicle)
    items = [_due(s, today) for s in qs]
    if not include_ok:
        items = [i for i in items if i.state != "ok"]
    order = {"overdue": 0, "due": 1, "ok": 2}
    return sorted(items, key=lambda i: (order[i.state], i.schedule.vehicle.plate, i.schedule.task))


def fleet_alerts(*, user) -> dict:
    """What needs the owner's attention: grounded vans, cover expiring in 30 days or already
    lapsed for a van in service, and maintenance due."""
    today = today_for(user)
    grounded = list(
        scope_to_user(Vehicle.objects.filter(status=Vehicle.Status.GROUNDED), user).order_by(
            "plate"
        )
    )
    expiring = list(
        scope_to_user(InsurancePolicy.objects.all(), user)
        .filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=ALERT_DAYS))
        .select_related("vehicle")
        .order_by("expires_on")
    )
    uninsured = list(
        scope_to_user(Vehicle.objects.all(), user)
        .exclude(status=Vehicle.Status.RETURNED)
        .filter(_leased_on(today))
        .exclude(_insured_on(today))
        .order_by("plate")
    )
    due = maintenance_due_list(user=user)
    return {
        "grounded": grounded,
        "expiring": expiring,
        "uninsured": uninsured,
        "maintenance_due": due,
        "count": len(grounded) + len(expiring) + len(uninsured) + len(due),
    }


def repair_list(*, user, vehicle: Vehicle | None = None) -> QuerySet[Repair]:
    qs = scope_to_user(Repair.objects.all(), user).select_related("vehicle", "schedule")
    if vehicle is not None:
        qs = qs.filter(vehicle=vehicle)
    return qs


def vehicle_costs(*, vehicle: Vehicle, start: date, end: date) -> dict[str, Decimal]:
    """One van's lease, insurance share (its own policies) and work from `start` to `end`."""
    lease = sum(
        (
            _monthly_to_days(r.monthly_rate, _days_overlap(start, end, r.starts_on, r.ends_on))
            for r in vehicle.leases.all()
        ),
        Decimal(0),
    )
    insurance = sum(
        (
            _monthly_to_days(
                p.monthly_premium, _days_overlap(start, end, p.starts_on, p.expires_on)
            )
            for p in vehicle.insurance_policies.all()
        ),
        Decimal(0),
    )
    work = vehicle.repairs.filter(performed_on__gte=start, performed_on__lte=end).aggregate(
        total=Sum("cost")
    )["total"] or Decimal(0)
    costs = {
        "lease": cents(lease),
        "insurance": cents(insurance),
        "work": cents(work),
    }
    costs["total"] = sum(costs.values(), Decimal(0))
    return costs


# --- Catalogue and fleet size ---------------------------------------------------------------


def offer_list(*, user, active_only: bool = False) -> QuerySet[VehicleOffer]:
    qs = scope_to_user(VehicleOffer.objects.all(), user).prefetch_related(
        Prefetch("insurance_options", queryset=InsuranceOption.objects.order_by("monthly_premium"))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def fleet_size_series(*, user, start: date, end: date, step_days: int = 7) -> list[dict]:
    """Vans under lease on each sampled day from `start` to `end` (peak vans counted apart)."""
    leases = list(
        scope_to_user(Lease.objects.all(), user)
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list("starts_on", "ends_on", "is_peak")
    )
    points = []
    day = start
    while day <= end:
        standard = peak = 0
        for starts_on, ends_on, is_peak in leases:
            if starts_on <= day and (ends_on is None or day <= ends_on):
                if is_peak:
                    peak += 1
                else:
                    standard += 1
        points.append({"day": day.isoformat(), "standard": standard, "peak": peak})
        day += timedelta(days=step_days)
    return points
