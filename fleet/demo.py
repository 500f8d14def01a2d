"""Demo world: the lease catalogue and thirty leased, insured vans for the active DSP, with
today's inspections, one van grounded by an open defect and one service overdue.

Idempotent: offers by name, vans by VIN, policies by number, schedules by task; a van's lease,
odometer and repairs are only written the first time, and today's inspections once a day.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dsps.demo import DEMO_PASSWORD
from dsps.models import Membership, Role, User

from .models import (
    CheckItem,
    InsuranceOption,
    InsurancePolicy,
    Lease,
    MaintenanceSchedule,
    Repair,
    Vehicle,
    VehicleOffer,
)
from .services import ItemInput, inspection_submit, odometer_record

KINDS = (
    [Vehicle.Kind.CARGO_VAN] * 22 + [Vehicle.Kind.STEP_VAN] * 4 + [Vehicle.Kind.ELECTRIC_VAN] * 4
)
OFFERED_SINCE = date(2023, 1, 1)
OFFERS = {
    Vehicle.Kind.CARGO_VAN: {
        "name": "Branded cargo van (high roof)",
        "package_capacity": 280,
        "cargo_volume_m3": Decimal("13.00"),
        "energy_kind": VehicleOffer.EnergyKind.GASOLINE,
        "energy_per_km": Decimal("0.140"),
        "monthly_rate": Decimal("1400.00"),
        "discount_percent": Decimal("10.00"),
        "minimum_term_months": 12,
    },
    Vehicle.Kind.STEP_VAN: {
        "name": "Step van 16 ft",
        "package_capacity": 350,
        "cargo_volume_m3": Decimal("17.50"),
        "energy_kind": VehicleOffer.EnergyKind.DIESEL,
        "energy_per_km": Decimal("0.190"),
        "monthly_rate": Decimal("1850.00"),
        "discount_percent": Decimal("5.00"),
        "minimum_term_months": 12,
    },
    Vehicle.Kind.ELECTRIC_VAN: {
        "name": "Electric delivery van",
        "package_capacity": 260,
        "cargo_volume_m3": Decimal("11.50"),
        "energy_kind": VehicleOffer.EnergyKind.ELECTRIC,
        "energy_per_km": Decimal("0.240"),
        "monthly_rate": Decimal("1650.00"),
        "discount_percent": Decimal("15.00"),
        "minimum_term_months": 24,
    },
}
INSURANCE = [("Liability only", Decimal("310.00"), 2500), ("Full cover", Decimal("465.00"), 1000)]
PEAK_VAN = 26  # a step van leased for the season, going back in three weeks
GROUNDED_VAN = 7  # brakes out of service at this morning's inspection
OVERDUE_VAN = 12  # oil change 300 km past due
INSPECTED_TODAY = (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 13, 14)
VENDORS = ["Oak Lawn Fleet Service", "Jiffy Fleet Lube", "Trinity Tire & Brake", "DFW EV Care"]


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (150, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("brakes.png", buffer.getvalue(), content_type="image/png")


def _inspector(dsp) -> User:
    """The DSP's demo driver (drivers' demo links a driver profile to the same sign-in)."""
    membership = Membership.objects.filter(dsp=dsp, role=Role.DRIVER).order_by("id").first()
    if membership:
        return membership.user
    user, created = User.objects.get_or_create(
        email="driver@lone-star.example", defaults={"first_name": "Maria", "last_name": "Garcia"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, defaults={"role": Role.DRIVER, "dsp": dsp})
    return user


def _offers() -> dict[str, VehicleOffer]:
    offers = {}
    for kind, fields in OFFERS.items():
        offer, _ = VehicleOffer.objects.get_or_create(
            name=fields["name"],
            defaults={**fields, "kind": kind, "available_from": OFFERED_SINCE},
        )
        for name, premium, deductible in INSURANCE:
            InsuranceOption.objects.get_or_create(
                offer=offer,
                name=name,
                defaults={"monthly_premium": premium, "deductible": Decimal(deductible)},
            )
        offers[kind] = offer
    return offers


def seed(world: dict) -> None:
    dsp = world["active_dsp"]
    today = dsp.station.today()
    offers = _offers()
    InsurancePolicy.objects.get_or_create(
        dsp=dsp,
        insurer="Lone Star Mutual",
        policy_number="LSM-FLEET-2026",
        defaults={
            "monthly_premium": Decimal("9450.00"),
            "starts_on": today - timedelta(days=200),
            "expires_on": today + timedelta(days=165),
        },
    )
    inspector = _inspector(dsp)
    vans = {}
    for n, kind in enumerate(KINDS, start=1):
        offer = offers[kind]
        van, _ = Vehicle.objects.get_or_create(
            vin=f"1NMDEMO{n:010d}",
            defaults={
                "dsp": dsp,
                "plate": f"LSM-{n:03d}",
                "kind": kind,
                "package_capacity": offer.package_capacity,
            },
        )
        vans[n] = van
        if not van.leases.exists():
            _lease(van, offer, n, today)
        if van.odometer_km == 0:
            odometer_record(vehicle=van, km=12_000 + n * 1_350, read_on=today - timedelta(days=1))
            van.refresh_from_db()
        _maintenance(van, n, today)

    # One van's own cover runs out within the alert window.
    InsurancePolicy.objects.get_or_create(
        dsp=dsp,
        insurer="Program insurance",
        policy_number="NM-EV-0029",
        defaults={
            "vehicle": vans[29],
            "option": InsuranceOption.objects.get(
                offer=offers[Vehicle.Kind.ELECTRIC_VAN], name="Full cover"
            ),
            "monthly_premium": Decimal("465.00"),
            "starts_on": today - timedelta(days=340),
            "expires_on": today + timedelta(days=18),
        },
    )

    for n in (*INSPECTED_TODAY, GROUNDED_VAN):
        van = Vehicle.objects.get(pk=vans[n].pk)
        if van.status != Vehicle.Status.ACTIVE or van.inspections.filter(inspected_on=today):
            continue
        items = {value: ItemInput() for value in CheckItem.values}
        if n == GROUNDED_VAN:
            items["brakes"] = ItemInput(
                state="out_of_service", note="Brake pedal sinks to the floor", photo=_photo()
            )
        elif n == 4:
            items["mirrors"] = ItemInput(
                state="defect", note="Cracked passenger mirror housing", photo=_photo()
            )
        inspection_submit(
            vehicle=van, by=inspector, odometer_km=van.odometer_km + 8 + n, items=items
        )


def _lease(van: Vehicle, offer: VehicleOffer, n: int, today: date) -> None:
    if n == PEAK_VAN:
        starts_on, ends_on, peak = today - timedelta(days=14), today + timedelta(days=21), True
    else:
        starts_on, ends_on, peak = today - timedelta(days=420 - 9 * n), None, False
    lease = Lease(
        dsp=van.dsp,
        vehicle=van,
        offer=offer,
        starts_on=starts_on,
        ends_on=ends_on,
        is_peak=peak,
        monthly_rate=offer.rate_after_discount,
    )
    lease.full_clean()
    lease.save()
    van.offer = offer
    van.kind = offer.kind
    van.package_capacity = offer.package_capacity
    van.save(update_fields=["offer", "kind", "package_capacity", "updated_at"])


def _maintenance(van: Vehicle, n: int, today: date) -> None:
    since_km = 8_300 if n == OVERDUE_VAN else (n * 397) % 6_500
    schedule, created = MaintenanceSchedule.objects.get_or_create(
        vehicle=van,
        task="Oil and filter change" if van.kind != Vehicle.Kind.ELECTRIC_VAN else "Battery check",
        defaults={
            "every_km": 8_000 if van.kind != Vehicle.Kind.ELECTRIC_VAN else None,
            "every_months": 6,
            "last_done_on": today - timedelta(days=(n * 11) % 150),
            "last_done_km": max(van.odometer_km - since_km, 0),
        },
    )
    if created and n % 3 == 0 and not van.repairs.exists():
        logged_by = van.dsp.memberships.filter(role=Role.OWNER).first().user
        Repair.objects.create(
            vehicle=van,
            kind=Repair.Kind.SERVICE,
            schedule=schedule,
            performed_on=schedule.last_done_on,
            vendor=VENDORS[n % len(VENDORS)],
            description=schedule.task,
            cost=Decimal("89.90") + n,
            odometer_km=schedule.last_done_km,
            logged_by=logged_by,
        )
        if n % 2 == 0:
            Repair.objects.create(
                vehicle=van,
                performed_on=today - timedelta(days=n),
                vendor="Trinity Tire & Brake",
                description="Replaced two rear tyres",
                cost=Decimal("412.00"),
                logged_by=logged_by,
            )
