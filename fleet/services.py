"""Every write of the fleet: catalogue, leases, insurance, inspections, grounding, maintenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from dsps.models import Dsp, Role
from dsps.services import audit_record
from dsps.tenancy import LEASE, dsp_of, require_dsp_power, role_of
from nextmile.uploads import IMAGE_KINDS, safe_upload_name, validate_upload

from .dates import add_months
from .models import (
    CheckItem,
    Inspection,
    InspectionItem,
    InsuranceOption,
    InsurancePolicy,
    Lease,
    MaintenanceSchedule,
    OdometerReading,
    Repair,
    Vehicle,
    VehicleOffer,
)

MAX_DEFECT_PHOTO_BYTES = 5_000_000


def _odometer_back(vehicle: Vehicle) -> str:
    return f"The odometer read {vehicle.odometer_km} km before; it cannot go back."


def _station_today(dsp: Dsp) -> date:
    return dsp.station.today()


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


# --- Catalogue (program staff) --------------------------------------------------------------

OFFER_FIELDS = (
    "name",
    "kind",
    "package_capacity",
    "cargo_volume_m3",
    "energy_kind",
    "energy_per_km",
    "monthly_rate",
    "discount_percent",
    "minimum_term_months",
    "branding_included",
    "available_from",
    "is_active",
)


def _require_staff(by) -> None:
    if role_of(by) != Role.PROGRAM_STAFF:
        raise PermissionDenied("Only program staff manage the lease catalogue.")


@transaction.atomic
def vehicle_offer_create(*, by, **fields) -> VehicleOffer:
    """Add a van to the lease catalogue (program staff only)."""
    _require_staff(by)
    offer = VehicleOffer(**{k: v for k, v in fields.items() if k in OFFER_FIELDS})
    _save(offer)
    audit_record(
        actor=by,
        verb="vehicle_offer.created",
        target=offer,
        data={
            "monthly_rate": str(offer.monthly_rate),
            "discount_percent": str(offer.discount_percent),
        },
    )
    return offer


@transaction.atomic
def vehicle_offer_update(*, offer: VehicleOffer, by, **fields) -> VehicleOffer:
    """Change a catalogue van; existing leases keep the rate they were signed at."""
    _require_staff(by)
    offer = VehicleOffer.objects.select_for_update().get(pk=offer.pk)
    changed = {}
    for key, value in fields.items():
        if key in OFFER_FIELDS:
            if getattr(offer, key) != value:
                changed[key] = [str(getattr(offer, key)), str(value)]
            setattr(offer, key, value)
    _save(offer)
    if changed:  # rate changes among them: who changed what, from and to
        audit_record(actor=by, verb="vehicle_offer.updated", target=offer, data=changed)
    return offer


@transaction.atomic
def insurance_option_create(
    *,
    offer: VehicleOffer,
    by,
    name: str,
    monthly_premium: Decimal,
    deductible: Decimal = Decimal("1000"),
) -> InsuranceOption:
    """Offer a cover with a catalogue van (program staff only)."""
    _require_staff(by)
    if offer.insurance_options.filter(name=name).exists():
        raise ValidationError({"name": "This van already has an insurance option by that name."})
    option = InsuranceOption(
        offer=offer, name=name, monthly_premium=monthly_premium, deductible=deductible
    )
    _save(option)
    audit_record(
        actor=by,
        verb="insurance_option.created",
        target=option,
        data={"offer": offer.pk, "monthly_premium": str(monthly_premium)},
    )
    return option


# --- Leases ---------------------------------------------------------------------------------


def _check_lease_dates(
    *, offer: VehicleOffer, starts_on: date, ends_on: date | None, is_peak: bool
) -> None:
    if starts_on < offer.available_from:
        raise ValidationError(
            {
                "starts_on": f"The catalogue offers this van from {offer.available_from:%Y-%m-%d}; "
                "a lease cannot start earlier."
            }
        )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The lease cannot end before it starts."})
    if is_peak:
        if ends_on is None:
            raise ValidationError({"ends_on": "A peak lease needs an end date (a few weeks)."})
        if ends_on > add_months(starts_on, 3):
            raise ValidationError(
                {"ends_on": "A peak lease lasts three months at most; choose a standard lease."}
            )
    elif ends_on is not None and ends_on < add_months(starts_on, offer.minimum_term_months):
        raise ValidationError(
            {
                "ends_on": f"This van's minimum term is {offer.minimum_term_months} months; "
                "for a few weeks, lease it as a peak van."
            }
        )


@transaction.atomic
def lease_create(
    *,
    dsp: Dsp,
    offer: VehicleOffer,
    vin: str,
    plate: str,
    starts_on: date,
    ends_on: date | None = None,
    is_peak: bool = False,
    insurance_option: InsuranceOption | None = None,
    insurer: str = "",
    policy_number: str = "",
) -> Lease:
    """Lease a catalogue van for a DSP: the van joins its fleet at the discounted rate.

    A VIN may come back to the DSP that returned it; any other VIN or plate already in a fleet
    is refused. With an insurance option, the van is insured for the lease (or a year).
    """
    require_dsp_power(dsp, LEASE)
    vin = (vin or "").strip().upper()
    plate = (plate or "").strip().upper()
    if not offer.is_active:
        raise ValidationError({"offer": "This van is no longer offered in the catalogue."})
    if len(vin) != 17:
        raise ValidationError({"vin": "A VIN has 17 characters."})
    if not plate:
        raise ValidationError({"plate": "Enter the number plate."})
    _check_lease_dates(offer=offer, starts_on=starts_on, ends_on=ends_on, is_peak=is_peak)
    if insurance_option is not None and insurance_option.offer_id != offer.pk:
        raise ValidationError({"insurance_option": "Choose a cover offered with this van."})

    vehicle = Vehicle.objects.select_for_update().filter(vin=vin).first()
    if vehicle is not None and not (
        vehicle.dsp_id == dsp.pk and vehicle.status == Vehicle.Status.RETURNED
    ):
        raise ValidationError({"vin": f"A van with VIN {vin} is already in a fleet."})
    same_plate = Vehicle.objects.filter(dsp=dsp, plate=plate)
    if vehicle is not None:
        same_plate = same_plate.exclude(pk=vehicle.pk)
    if same_plate.exists():
        raise ValidationError({"plate": f"Your fleet already has a van with plate {plate}."})
    if vehicle is not None:
        # A returned van leased again keeps its history; its new lease must not overlap it.
        overlapping = vehicle.leases.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        if overlapping.exists():
            raise ValidationError({"starts_on": "The van's previous lease has not ended yet."})
        vehicle.plate = plate
        vehicle.status = Vehicle.Status.ACTIVE
    else:
        vehicle = Vehicle(dsp=dsp, vin=vin, plate=plate, status=Vehicle.Status.ACTIVE)
    vehicle.kind = offer.kind
    vehicle.package_capacity = offer.package_capacity
    vehicle.offer = offer
    _save(vehicle)

    lease = Lease(
        dsp=dsp,
        vehicle=vehicle,
        offer=offer,
        starts_on=starts_on,
        ends_on=ends_on,
        is_peak=is_peak,
        monthly_rate=offer.rate_after_discount,
    )
    _save(lease)
    if insurance_option is not None:
        insurance_policy_create(
            dsp=dsp,
            vehicle=vehicle,
            option=insurance_option,
            insurer=insurer or "Program insurance",
            policy_number=policy_number or f"NM-{vehicle.vin[-8:]}-{starts_on:%Y%m%d}",
            monthly_premium=insurance_option.monthly_premium,
            starts_on=starts_on,
            expires_on=ends_on or add_months(starts_on, 12),
        )
    return lease


@transaction.atomic
def lease_return(*, lease: Lease, on: date | None = None) -> Lease:
    """Hand a van back on `on` (default: the station's today). Its history stays.

    A peak van may go back early; a standard lease only once its minimum term is served.
    """
    lease = (
        Lease.objects.select_for_update().select_related("vehicle", "offer", "dsp").get(pk=lease.pk)
    )
    today = _station_today(lease.dsp)
    on = on or lease.returned_on or today
    if lease.returned_on is not None:
        if on == lease.returned_on:
            return lease  # the same hand-over reported twice changes nothing
        raise ValidationError({"ends_on": f"This van was returned on {lease.returned_on}."})
    if on > today:
        raise ValidationError({"ends_on": "A van is returned on the day it is handed back."})
    if on < lease.starts_on:
        raise ValidationError({"ends_on": "A van cannot be returned before its lease starts."})
    if lease.ends_on is not None and on > lease.ends_on:
        raise ValidationError({"ends_on": "This lease has already ended."})
    if not lease.is_peak and on < add_months(lease.starts_on, lease.offer.minimum_term_months):
        raise ValidationError(
            {
                "ends_on": f"A standard lease runs at least {lease.offer.minimum_term_months} "
                "months; only peak vans go back early."
            }
        )
    lease.ends_on = on
    lease.returned_on = on
    _save(lease)
    _program_cover_end(lease=lease, on=on)
    vehicle = Vehicle.objects.select_for_update().get(pk=lease.vehicle_id)
    vehicle.status = Vehicle.Status.RETURNED
    vehicle.grounded_at = None
    _save(vehicle)
    return lease


def _program_cover_end(*, lease: Lease, on: date) -> None:
    """The cover taken with a leased van (`lease_create`'s program policy) ends with its lease:
    it no longer runs, nor costs, after `on`. A DSP's own fleet policies are not touched."""
    policies = InsurancePolicy.objects.select_for_update().filter(
        dsp=lease.dsp_id, vehicle=lease.vehicle_id, option__isnull=False, expires_on__gt=on
    )
    for policy in policies.order_by("id"):
        policy.expires_on = max(on, policy.starts_on)
        _save(policy)


@transaction.atomic
def lease_end_for_offboarding(*, lease: Lease, on: date, by, reason: str = "") -> Lease:
    """The program ends a leaving DSP's lease on `on`, minimum term or not (audited).

    A date up to the station's today also hands the van back (returned); a later one only
    dates the end, so the van stays usable until then. The lease row and its history stay.
    Asking again with the same date changes nothing.
    """
    lease = (
        Lease.objects.select_for_update().select_related("vehicle", "dsp__station").get(pk=lease.pk)
    )
    if lease.returned_on is not None:
        return lease
    if on < lease.starts_on:
        on = lease.starts_on  # a lease that has not begun yet ends the day it would start
    if lease.ends_on is not None and lease.ends_on < on:
        return lease  # it ends earlier by itself
    lease.ends_on = on
    if on <= _station_today(lease.dsp):
        lease.returned_on = on
    _save(lease)
    _program_cover_end(lease=lease, on=on)
    if lease.returned_on is not None:
        vehicle = Vehicle.objects.select_for_update().get(pk=lease.vehicle_id)
        vehicle.status = Vehicle.Status.RETURNED
        vehicle.grounded_at = None
        _save(vehicle)
    audit_record(
        actor=by,
        verb="lease.ended_by_program",
        target=lease,
        dsp=lease.dsp,
        reason=reason,
        data={"ends_on": on.isoformat(), "returned": lease.returned_on is not None},
    )
    return lease


@transaction.atomic
def lease_transfer(*, lease: Lease, to_dsp: Dsp, on: date, by, reason: str = "") -> Lease:
    """The program moves a leaving DSP's van to another active DSP of the same station: the
    lease ends on `on` and a new lease with the same van, rate and terms starts for `to_dsp`
    the next day (both audited). The van joins the receiving fleet once `on` has come. Returns
    the new lease; refused, with nothing written, when the van is still planned after `on`."""
    lease = (
        Lease.objects.select_for_update().select_related("vehicle", "dsp__station").get(pk=lease.pk)
    )
    plate = lease.vehicle.plate
    if to_dsp is None:
        raise ValidationError({"to_dsp": "Choose the DSP that takes the van over."})
    if to_dsp.pk == lease.dsp_id:
        raise ValidationError({"to_dsp": f"Van {plate} already belongs to {to_dsp.name}."})
    if to_dsp.station_id != lease.dsp.station_id:
        raise ValidationError(
            {"to_dsp": f"{to_dsp.name} works at another station; vans move within a station."}
        )
    if to_dsp.status != Dsp.Status.ACTIVE:
        raise ValidationError(
            {
                "to_dsp": f"{to_dsp.name} is {to_dsp.get_status_display().lower()}; only an "
                "active DSP can take a van over."
            }
        )
    if lease.returned_on is not None:
        raise ValidationError({"lease": f"Van {plate} was returned on {lease.returned_on}."})
    if lease.starts_on > on:
        raise ValidationError({"lease": f"The lease of van {plate} starts after {on}."})
    if lease.ends_on is not None and lease.ends_on <= on:
        raise ValidationError(
            {"lease": f"The lease of van {plate} ends on {lease.ends_on} by itself."}
        )
    planned = lease.vehicle.routes.filter(service_date__gt=on).order_by("service_date").first()
    if planned is not None:
        raise ValidationError(
            {
                "lease": f"Van {plate} has a route planned on {planned.service_date} "
                f"({planned.code}); take it off that route first."
            }
        )
    if Vehicle.objects.filter(dsp=to_dsp, plate=plate).exclude(pk=lease.vehicle_id).exists():
        raise ValidationError({"to_dsp": f"{to_dsp.name} already has a van with plate {plate}."})
    original_end = lease.ends_on
    lease.ends_on = on
    _save(lease)
    _program_cover_end(lease=lease, on=on)
    new = Lease(
        dsp=to_dsp,
        vehicle=lease.vehicle,
        offer=lease.offer,
        starts_on=on + timedelta(days=1),
        ends_on=original_end,
        monthly_rate=lease.monthly_rate,
        is_peak=lease.is_peak,
        transferred_from=lease,
    )
    _save(new)
    data = {"ends_on": on.isoformat(), "to_dsp": to_dsp.pk, "new_lease": new.pk}
    audit_record(
        actor=by, verb="lease.transferred", target=lease, dsp=lease.dsp, reason=reason, data=data
    )
    audit_record(
        actor=by,
        verb="lease.taken_over",
        target=new,
        dsp=to_dsp,
        reason=reason,
        data={"starts_on": new.starts_on.isoformat(), "from_lease": lease.pk},
    )
    if on <= _station_today(lease.dsp):
        _hand_over(new)
    return new


def _hand_over(lease: Lease) -> None:
    vehicle = Vehicle.objects.select_for_update().get(pk=lease.vehicle_id)
    if vehicle.dsp_id != lease.dsp_id:
        vehicle.dsp_id = lease.dsp_id
        _save(vehicle)


@transaction.atomic
def lease_transfers_hand_over_due(*, dsp: Dsp, today: date) -> int:
    """Move the vans `dsp` transferred into their new fleets once the old lease's last day has
    come. Safe to run again: a van already moved is skipped. Returns how many moved."""
    due = Lease.objects.filter(
        transferred_from__dsp=dsp, transferred_from__ends_on__lte=today
    ).exclude(vehicle__dsp=F("dsp"))
    moved = 0
    for lease in due.order_by("vehicle_id"):
        _hand_over(lease)
        moved += 1
    return moved


# --- Insurance ------------------------------------------------------------------------------


@transaction.atomic
def insurance_policy_create(
    *,
    dsp: Dsp,
    insurer: str,
    policy_number: str,
    monthly_premium: Decimal,
    starts_on: date,
    expires_on: date,
    vehicle: Vehicle | None = None,
    option: InsuranceOption | None = None,
) -> InsurancePolicy:
    """Record a policy for one van, or for the whole fleet when `vehicle` is None."""
    if vehicle is not None and vehicle.dsp_id != dsp.pk:
        raise ValidationError({"vehicle": "This van is not in your fleet."})
    if expires_on < starts_on:
        raise ValidationError({"expires_on": "The policy cannot expire before it starts."})
    if InsurancePolicy.objects.filter(
        dsp=dsp, insurer=insurer, policy_number=policy_number
    ).exists():
        raise ValidationError({"policy_number": "This policy is already recorded."})
    policy = InsurancePolicy(
        dsp=dsp,
        vehicle=vehicle,
        option=option,
        insurer=insurer,
        policy_number=policy_number,
        monthly_premium=monthly_premium,
        starts_on=starts_on,
        expires_on=expires_on,
    )
    _save(policy)
    return policy


# --- Inspections and grounding --------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    """What the driver reported for one checklist item."""

    state: str = InspectionItem.State.OK
    note: str = ""
    photo: object = None  # an UploadedFile


def _record_odometer(*, vehicle: Vehicle, km: int, read_on: date, source: str) -> None:
    OdometerReading.objects.create(vehicle=vehicle, km=km, read_on=read_on, source=source)
    if km > vehicle.odometer_km:
        vehicle.odometer_km = km
        vehicle.save(update_fields=["odometer_km", "updated_at"])


@transaction.atomic
def odometer_record(
    *, vehicle: Vehicle, km: int, read_on: date, source: str = OdometerReading.Source.MANUAL
) -> Vehicle:
    """Record an odometer reading (routes call this with their completed route's distance)."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if km < vehicle.odometer_km:
        raise ValidationError({"odometer_km": _odometer_back(vehicle)})
    _record_odometer(vehicle=vehicle, km=km, read_on=read_on, source=source)
    return vehicle


@transaction.atomic
def inspection_submit(
    *,
    vehicle: Vehicle,
    by,
    odometer_km: int,
    items: dict[str, ItemInput],
    notes: str = "",
    kind: str = Inspection.Kind.PRE_TRIP,
) -> Inspection:
    """Record a DVIC. An out-of-service defect grounds the van at once; a passing follow-up
    after a logged repair returns a grounded van to service.

    Not yet checked: that the driver is assigned to this van today (route assignment is a
    later issue; it will add the rule here).
    """
    vehicle = _inspection_vehicle_checked(vehicle, by=by, kind=kind, odometer_km=odometer_km)
    _inspection_items_checked(items)
    today = vehicle.dsp.station.today()
    inspection = Inspection(
        vehicle=vehicle,
        inspector=by,
        kind=kind,
        inspected_on=today,
        odometer_km=odometer_km,
        result=_inspection_result(items),
        notes=notes,
    )
    _save(inspection)
    _inspection_items_save(inspection, items)
    _record_odometer(
        vehicle=vehicle, km=odometer_km, read_on=today, source=OdometerReading.Source.INSPECTION
    )
    _inspection_outcome_apply(vehicle, inspection, items)
    return inspection


def _inspection_vehicle_checked(vehicle: Vehicle, *, by, kind: str, odometer_km) -> Vehicle:
    """The van, locked: the inspector's DSP's, not returned, with a reading not below the last."""
    member_dsp = dsp_of(by)
    if member_dsp is None or member_dsp.pk != vehicle.dsp_id:
        raise ValidationError({"vehicle": "You can only inspect vans of your own DSP."})
    vehicle = Vehicle.objects.select_for_update().select_related("dsp__station").get(pk=vehicle.pk)
    if vehicle.status == Vehicle.Status.RETURNED:
        raise ValidationError({"vehicle": "This van has been returned; it cannot be inspected."})
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": "Choose pre-trip or post-trip."})
    if odometer_km is None or odometer_km < vehicle.odometer_km:
        raise ValidationError(
            {
                "odometer_km": f"The odometer read {vehicle.odometer_km} km before; "
                "enter the reading shown now."
            }
        )
    return vehicle


def _inspection_items_checked(items: dict[str, ItemInput]) -> None:
    """Every checklist item answered; each defect with a photo and a note."""
    errors: dict[str, str] = {}
    missing = [label for value, label in CheckItem.choices if value not in items]
    if missing:
        errors["items"] = f"Check every item: {', '.join(missing)}."
    for key, given in items.items():
        if key not in CheckItem.values:
            errors["items"] = f"“{key}” is not on the checklist."
            continue
        if given.state not in InspectionItem.State.values:
            errors[key] = "Choose OK, minor defect or out of service."
        elif given.state != InspectionItem.State.OK:
            if given.photo is None:
                errors[f"{key}_photo"] = "Take a photo of the defect."
            else:
                try:
                    validate_upload(
                        given.photo,
                        field=f"{key}_photo",
                        kinds=IMAGE_KINDS,
                        max_bytes=MAX_DEFECT_PHOTO_BYTES,
                    )
                except ValidationError as exc:
                    errors.update({k: v[0] for k, v in exc.message_dict.items()})
            if not given.note.strip():
                errors.setdefault(f"{key}_note", "Say what is wrong.")
    if errors:
        raise ValidationError(errors)


def _inspection_result(items: dict[str, ItemInput]) -> str:
    states = {given.state for given in items.values()}
    if InspectionItem.State.OUT_OF_SERVICE in states:
        return Inspection.Result.OUT_OF_SERVICE
    if InspectionItem.State.DEFECT in states:
        return Inspection.Result.DEFECTS
    return Inspection.Result.PASS


def _inspection_items_save(inspection: Inspection, items: dict[str, ItemInput]) -> None:
    for value, _label in CheckItem.choices:
        given = items[value]
        line = InspectionItem(inspection=inspection, item=value, state=given.state, note=given.note)
        if given.state != InspectionItem.State.OK:
            kind_found = validate_upload(
                given.photo,
                field=f"{value}_photo",
                kinds=IMAGE_KINDS,
                max_bytes=MAX_DEFECT_PHOTO_BYTES,
            )
            line.photo.save(safe_upload_name(given.photo.name, kind_found), given.photo, save=False)
        _save(line)


def _inspection_outcome_apply(
    vehicle: Vehicle, inspection: Inspection, items: dict[str, ItemInput]
) -> None:
    """An out-of-service defect grounds the van; a pass after a repair returns it to service."""
    if inspection.result == Inspection.Result.OUT_OF_SERVICE:
        failed = ", ".join(
            CheckItem(k).label.lower()
            for k, g in items.items()
            if g.state == InspectionItem.State.OUT_OF_SERVICE
        )
        _ground(vehicle, reason=f"Out-of-service defect at inspection: {failed}.")
    elif vehicle.status == Vehicle.Status.GROUNDED and _repaired_since_grounding(vehicle):
        vehicle.status = Vehicle.Status.ACTIVE
        vehicle.grounded_at = None
        vehicle.grounded_reason = ""
        vehicle.save(update_fields=["status", "grounded_at", "grounded_reason", "updated_at"])


def _ground(vehicle: Vehicle, *, reason: str) -> None:
    vehicle.status = Vehicle.Status.GROUNDED
    vehicle.grounded_at = timezone.now()
    vehicle.grounded_reason = reason[:255]
    vehicle.save(update_fields=["status", "grounded_at", "grounded_reason", "updated_at"])


def _repaired_since_grounding(vehicle: Vehicle) -> bool:
    return vehicle.repairs.filter(
        kind=Repair.Kind.REPAIR, created_at__gte=vehicle.grounded_at
    ).exists()


@transaction.atomic
def vehicle_ground(*, vehicle: Vehicle, by, reason: str = "") -> Vehicle:
    """Take a van off the road now (a crash, a recall). It returns like any grounded van."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.status == Vehicle.Status.RETURNED:
        raise ValidationError({"vehicle": "This van has been returned."})
    if vehicle.status == Vehicle.Status.GROUNDED:
        return vehicle
    _ground(vehicle, reason=reason.strip() or f"Grounded by {by}.")
    return vehicle


# --- Maintenance and repairs ----------------------------------------------------------------


@transaction.atomic
def maintenance_schedule_create(
    *,
    vehicle: Vehicle,
    task: str,
    last_done_on: date,
    every_km: int | None = None,
    every_months: int | None = None,
    last_done_km: int | None = None,
) -> MaintenanceSchedule:
    """Service a van every `every_km` or `every_months`, whichever comes first."""
    if not every_km and not every_months:
        raise ValidationError({"every_km": "Give a distance, a number of months, or both."})
    if vehicle.maintenance_schedules.filter(task=task).exists():
        raise ValidationError({"task": "This van already has a schedule for that task."})
    schedule = MaintenanceSchedule(
        vehicle=vehicle,
        task=task,
        every_km=every_km or None,
        every_months=every_months or None,
        last_done_on=last_done_on,
        last_done_km=vehicle.odometer_km if last_done_km is None else last_done_km,
    )
    _save(schedule)
    return schedule


@transaction.atomic
def repair_log(
    *,
    vehicle: Vehicle,
    by,
    performed_on: date,
    vendor: str,
    description: str,
    cost: Decimal,
    kind: str = Repair.Kind.REPAIR,
    schedule: MaintenanceSchedule | None = None,
    odometer_km: int | None = None,
) -> Repair:
    """Log a repair or a scheduled service with its cost and vendor.

    A repair lets a grounded van return to service once a follow-up inspection passes; a
    service resets its schedule's clock.
    """
    if kind not in Repair.Kind.values:
        raise ValidationError({"kind": "Choose repair or scheduled service."})
    vehicle = Vehicle.objects.select_for_update().select_related("dsp__station").get(pk=vehicle.pk)
    if performed_on > vehicle.dsp.station.today():
        raise ValidationError({"performed_on": "Log work once it is done, not ahead."})
    if schedule is not None and schedule.vehicle_id != vehicle.pk:
        raise ValidationError({"schedule": "Choose a schedule of this van."})
    if kind == Repair.Kind.SERVICE and schedule is None:
        raise ValidationError({"schedule": "Say which scheduled service this was."})
    if odometer_km is not None and odometer_km < vehicle.odometer_km:
        raise ValidationError({"odometer_km": _odometer_back(vehicle)})
    repair = Repair(
        vehicle=vehicle,
        kind=kind,
        schedule=schedule,
        performed_on=performed_on,
        vendor=vendor,
        description=description,
        cost=cost,
        odometer_km=odometer_km,
        logged_by=by,
    )
    _save(repair)
    if odometer_km is not None:
        _record_odometer(
            vehicle=vehicle,
            km=odometer_km,
            read_on=performed_on,
            source=OdometerReading.Source.SERVICE,
        )
    if schedule is not None:
        schedule = MaintenanceSchedule.objects.select_for_update().get(pk=schedule.pk)
        if performed_on >= schedule.last_done_on:
            schedule.last_done_on = performed_on
            schedule.last_done_km = odometer_km if odometer_km is not None else vehicle.odometer_km
            _save(schedule)
    return repair
