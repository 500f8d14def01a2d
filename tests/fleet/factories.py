import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from fleet.models import (
    Inspection,
    InsuranceOption,
    InsurancePolicy,
    Lease,
    MaintenanceSchedule,
    Repair,
    Vehicle,
    VehicleOffer,
)
from tests.dsps.factories import DspFactory, UserFactory

LONG_AGO = datetime.date(2024, 1, 1)


def station_today(dsp) -> datetime.date:
    return dsp.station.today()


class VehicleOfferFactory(DjangoModelFactory):
    class Meta:
        model = VehicleOffer

    name = factory.Sequence(lambda n: f"Cargo van {n}")
    kind = Vehicle.Kind.CARGO_VAN
    package_capacity = 280
    cargo_volume_m3 = Decimal("13.00")
    energy_kind = VehicleOffer.EnergyKind.GASOLINE
    energy_per_km = Decimal("0.140")
    monthly_rate = Decimal("1400.00")
    discount_percent = Decimal("10.00")
    minimum_term_months = 12
    branding_included = True
    available_from = LONG_AGO


class InsuranceOptionFactory(DjangoModelFactory):
    class Meta:
        model = InsuranceOption

    offer = factory.SubFactory(VehicleOfferFactory)
    name = factory.Sequence(lambda n: f"Commercial auto {n}")
    monthly_premium = Decimal("450.00")


class VehicleFactory(DjangoModelFactory):
    class Meta:
        model = Vehicle

    dsp = factory.SubFactory(DspFactory)
    plate = factory.Sequence(lambda n: f"NM-{n:04d}")
    vin = factory.Sequence(lambda n: f"1NMTEST{n:010d}")
    status = Vehicle.Status.ACTIVE
    grounded_at = factory.LazyAttribute(
        lambda o: (
            datetime.datetime.now(datetime.UTC) if o.status == Vehicle.Status.GROUNDED else None
        )
    )


class LeaseFactory(DjangoModelFactory):
    class Meta:
        model = Lease

    vehicle = factory.SubFactory(VehicleFactory)
    dsp = factory.SelfAttribute("vehicle.dsp")
    offer = factory.SubFactory(VehicleOfferFactory)
    starts_on = factory.LazyAttribute(lambda o: station_today(o.dsp) - datetime.timedelta(days=30))
    ends_on = None
    monthly_rate = Decimal("1260.00")
    is_peak = False


class InsurancePolicyFactory(DjangoModelFactory):
    """A fleet policy (every van of the DSP) covering a year around today."""

    class Meta:
        model = InsurancePolicy

    dsp = factory.SubFactory(DspFactory)
    vehicle = None
    insurer = "Lone Star Mutual"
    policy_number = factory.Sequence(lambda n: f"POL-{n:05d}")
    monthly_premium = Decimal("3000.00")
    starts_on = factory.LazyAttribute(lambda o: station_today(o.dsp) - datetime.timedelta(days=180))
    expires_on = factory.LazyAttribute(
        lambda o: station_today(o.dsp) + datetime.timedelta(days=185)
    )


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    vehicle = factory.SubFactory(VehicleFactory)
    inspector = factory.SubFactory(UserFactory)
    inspected_on = factory.LazyAttribute(lambda o: station_today(o.vehicle.dsp))
    odometer_km = 1000
    result = Inspection.Result.PASS


class MaintenanceScheduleFactory(DjangoModelFactory):
    class Meta:
        model = MaintenanceSchedule

    vehicle = factory.SubFactory(VehicleFactory)
    task = "Oil and filter change"
    every_km = 8000
    every_months = 6
    last_done_on = factory.LazyAttribute(
        lambda o: station_today(o.vehicle.dsp) - datetime.timedelta(days=30)
    )
    last_done_km = 0


class RepairFactory(DjangoModelFactory):
    class Meta:
        model = Repair

    vehicle = factory.SubFactory(VehicleFactory)
    kind = Repair.Kind.REPAIR
    performed_on = factory.LazyAttribute(lambda o: station_today(o.vehicle.dsp))
    vendor = "Oak Lawn Fleet Service"
    description = "Replaced front brake pads"
    cost = Decimal("320.00")
    logged_by = factory.SubFactory(UserFactory)


def ready_vehicle(dsp, **kwargs) -> Vehicle:
    """A van `dsp` can plan today: leased, covered by a fleet policy, inspected with a pass."""
    vehicle = VehicleFactory(dsp=dsp, **kwargs)
    LeaseFactory(vehicle=vehicle)
    if not InsurancePolicy.objects.filter(dsp=dsp, vehicle__isnull=True).exists():
        InsurancePolicyFactory(dsp=dsp)
    InspectionFactory(vehicle=vehicle)
    return vehicle
