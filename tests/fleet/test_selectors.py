"""Availability for planning, costs for billing, due maintenance and alerts — on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest

from dsps.models import Role
from fleet.models import Inspection, Repair, Vehicle
from fleet.selectors import (
    fleet_alerts,
    fleet_costs,
    fleet_size_series,
    inspections_today,
    maintenance_due_list,
    vehicles_available,
)
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.fleet.factories import (
    InspectionFactory,
    InsurancePolicyFactory,
    LeaseFactory,
    MaintenanceScheduleFactory,
    RepairFactory,
    VehicleFactory,
    VehicleOfferFactory,
    ready_vehicle,
)

DAY = datetime.timedelta(days=1)


@pytest.fixture
def dsp(db):
    return DspFactory()


@pytest.fixture
def today(dsp):
    return dsp.station.today()


# --- vehicles_available ---------------------------------------------------------------------


def test_a_leased_insured_van_inspected_today_is_available_with_its_capacity(dsp, today):
    # given
    offer = VehicleOfferFactory(package_capacity=280, energy_per_km=Decimal("0.140"))
    van = ready_vehicle(dsp, package_capacity=280, offer=offer)
    # when
    vans = list(vehicles_available(dsp=dsp, on=today))
    # then
    assert vans == [van]
    assert vans[0].package_capacity == 280
    assert vans[0].energy_per_km == Decimal("0.140")
    assert vans[0].energy_kind == "gasoline"


def test_another_dsps_ready_van_is_not_available(dsp, today):
    ready_vehicle(DspFactory(station=dsp.station))
    assert list(vehicles_available(dsp=dsp, on=today)) == []


def test_a_grounded_van_is_not_available(dsp, today):
    ready = ready_vehicle(dsp)
    ready_vehicle(dsp, status=Vehicle.Status.GROUNDED)
    assert list(vehicles_available(dsp=dsp, on=today)) == [ready]
    assert list(vehicles_available(dsp=dsp, on=today + 3 * DAY)) == [ready]


def test_a_returned_van_is_not_available(dsp, today):
    ready = ready_vehicle(dsp)
    ready_vehicle(dsp, status=Vehicle.Status.RETURNED)
    assert list(vehicles_available(dsp=dsp, on=today)) == [ready]


def test_only_days_inside_the_lease_are_available(dsp, today):
    # given: a peak van leased from tomorrow for two weeks
    InsurancePolicyFactory(dsp=dsp)
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=van, is_peak=True, starts_on=today + DAY, ends_on=today + 14 * DAY)
    # then
    assert list(vehicles_available(dsp=dsp, on=today + DAY)) == [van]
    assert list(vehicles_available(dsp=dsp, on=today + 14 * DAY)) == [van]
    assert list(vehicles_available(dsp=dsp, on=today + 15 * DAY)) == []
    assert list(vehicles_available(dsp=dsp, on=today)) == []


def test_an_open_ended_lease_covers_any_later_day(dsp, today):
    InsurancePolicyFactory(dsp=dsp, expires_on=today + 800 * DAY)
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=van, starts_on=today - 10 * DAY, ends_on=None)
    assert list(vehicles_available(dsp=dsp, on=today + 700 * DAY)) == [van]
    assert list(vehicles_available(dsp=dsp, on=today - 11 * DAY)) == []


def test_a_van_without_cover_is_not_available(dsp, today):
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=van)
    assert list(vehicles_available(dsp=dsp, on=today + DAY)) == []


def test_an_expired_policy_makes_the_van_unavailable(dsp, today):
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=van)
    InsurancePolicyFactory(dsp=dsp, starts_on=today - 365 * DAY, expires_on=today - DAY)
    InspectionFactory(vehicle=van)
    assert list(vehicles_available(dsp=dsp, on=today)) == []
    assert list(vehicles_available(dsp=dsp, on=today - DAY)) == [van]


def test_a_policy_for_one_van_covers_that_van_only(dsp, today):
    covered, uncovered = VehicleFactory(dsp=dsp), VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=covered)
    LeaseFactory(vehicle=uncovered)
    InsurancePolicyFactory(dsp=dsp, vehicle=covered)
    assert list(vehicles_available(dsp=dsp, on=today + DAY)) == [covered]


def test_another_dsps_fleet_policy_covers_nothing_here(dsp, today):
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=van)
    InsurancePolicyFactory(dsp=DspFactory(station=dsp.station))
    assert list(vehicles_available(dsp=dsp, on=today + DAY)) == []


def test_today_a_van_needs_a_passing_inspection_of_today(dsp, today):
    # given: leased and insured, inspected yesterday only
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=van)
    InsurancePolicyFactory(dsp=dsp)
    InspectionFactory(vehicle=van, inspected_on=today - DAY)
    # then: not today, but tomorrow's plan does not ask for tomorrow's inspection yet
    assert list(vehicles_available(dsp=dsp, on=today)) == []
    assert list(vehicles_available(dsp=dsp, on=today + DAY)) == [van]
    # when: a pass with minor defects today
    InspectionFactory(vehicle=van, result=Inspection.Result.DEFECTS)
    # then
    assert list(vehicles_available(dsp=dsp, on=today)) == [van]


def test_an_out_of_service_inspection_today_does_not_count_as_a_pass(dsp, today):
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(vehicle=van)
    InsurancePolicyFactory(dsp=dsp)
    InspectionFactory(vehicle=van, result=Inspection.Result.OUT_OF_SERVICE)
    assert list(vehicles_available(dsp=dsp, on=today)) == []


def test_available_vans_come_in_plate_order_in_few_queries(dsp, today, django_assert_num_queries):
    for plate in ("NM-C", "NM-A", "NM-B"):
        ready_vehicle(dsp, plate=plate)
    with django_assert_num_queries(1):  # the vans with their offers, in one query
        plates = [v.plate for v in vehicles_available(dsp=dsp, on=today)]
    assert plates == ["NM-A", "NM-B", "NM-C"]


# --- fleet_costs ----------------------------------------------------------------------------


def test_fleet_costs_prorate_lease_and_insurance_by_day_and_add_work(dsp, today):
    # given: one van at $1,260/month, a fleet policy at $3,000/month, a repair and a service
    van = VehicleFactory(dsp=dsp)
    start, end = today - 20 * DAY, today - 11 * DAY  # ten days
    LeaseFactory(vehicle=van, starts_on=today - 60 * DAY, monthly_rate=Decimal("1260.00"))
    InsurancePolicyFactory(dsp=dsp, monthly_premium=Decimal("3000.00"))
    RepairFactory(vehicle=van, performed_on=start, cost=Decimal("320.00"))
    schedule = MaintenanceScheduleFactory(vehicle=van)
    RepairFactory(
        vehicle=van,
        kind=Repair.Kind.SERVICE,
        schedule=schedule,
        performed_on=end,
        cost=Decimal("150"),
    )
    RepairFactory(vehicle=van, performed_on=end + DAY, cost=Decimal("999"))  # outside
    RepairFactory(cost=Decimal("777"))  # another DSP
    # when
    costs = fleet_costs(dsp=dsp, start=start, end=end)
    # then: 1260 × 12 × 10 / 365 and 3000 × 12 × 10 / 365
    assert costs == {
        "lease": Decimal("414.25"),
        "insurance": Decimal("986.30"),
        "maintenance": Decimal("150.00"),
        "repairs": Decimal("320.00"),
        "total": Decimal("1870.55"),
    }


def test_fleet_costs_count_a_returned_peak_van_only_until_its_return(dsp, today):
    van = VehicleFactory(dsp=dsp)
    LeaseFactory(
        vehicle=van,
        is_peak=True,
        starts_on=today - 9 * DAY,
        ends_on=today - 5 * DAY,
        monthly_rate=Decimal("365.00"),
    )
    costs = fleet_costs(dsp=dsp, start=today - 30 * DAY, end=today)
    assert costs["lease"] == Decimal("60.00")  # five days × 365 × 12 / 365
    assert costs["total"] == Decimal("60.00")


# --- Pages' reads ---------------------------------------------------------------------------


def test_fleet_size_counts_standard_and_peak_leases_per_day(dsp, today):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    LeaseFactory(vehicle=VehicleFactory(dsp=dsp), starts_on=today - 10 * DAY)
    LeaseFactory(
        vehicle=VehicleFactory(dsp=dsp),
        is_peak=True,
        starts_on=today - 3 * DAY,
        ends_on=today + 3 * DAY,
    )
    LeaseFactory()  # another DSP
    series = fleet_size_series(user=owner, start=today - 7 * DAY, end=today + 7 * DAY)
    assert [(p["standard"], p["peak"]) for p in series] == [(1, 0), (1, 1), (1, 0)]


def test_inspections_today_lists_done_and_missing(dsp, today):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    done = ready_vehicle(dsp, plate="NM-1")
    missing = VehicleFactory(dsp=dsp, plate="NM-2")
    LeaseFactory(vehicle=missing)
    returned = VehicleFactory(dsp=dsp, status=Vehicle.Status.RETURNED)
    LeaseFactory(vehicle=returned)
    result = inspections_today(user=owner)
    assert (result["done"], result["missing"]) == (1, 1)
    assert [(r.vehicle, r.inspection is not None) for r in result["rows"]] == [
        (done, True),
        (missing, False),
    ]


def test_maintenance_is_due_by_distance_or_time_whichever_first(dsp, today):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    by_km = MaintenanceScheduleFactory(
        vehicle=VehicleFactory(dsp=dsp, plate="NM-1", odometer_km=8100), last_done_km=0
    )
    by_time = MaintenanceScheduleFactory(
        vehicle=VehicleFactory(dsp=dsp, plate="NM-2", odometer_km=100),
        last_done_on=today - 190 * DAY,
    )
    soon = MaintenanceScheduleFactory(
        vehicle=VehicleFactory(dsp=dsp, plate="NM-3", odometer_km=7600), last_done_km=0
    )
    MaintenanceScheduleFactory(vehicle=VehicleFactory(dsp=dsp, plate="NM-4", odometer_km=10))
    due = maintenance_due_list(user=owner)
    assert [(d.schedule, d.state) for d in due] == [
        (by_km, "overdue"),
        (by_time, "overdue"),
        (soon, "due"),
    ]
    assert due[0].km_left == -100


def test_alerts_name_grounded_vans_expiring_cover_and_lapsed_cover(dsp, today):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    grounded = VehicleFactory(dsp=dsp, status=Vehicle.Status.GROUNDED, plate="NM-G")
    uninsured = VehicleFactory(dsp=dsp, plate="NM-U")
    LeaseFactory(vehicle=uninsured)
    covered = VehicleFactory(dsp=dsp, plate="NM-C")
    LeaseFactory(vehicle=covered)
    expiring = InsurancePolicyFactory(dsp=dsp, vehicle=covered, expires_on=today + 30 * DAY)
    InsurancePolicyFactory(dsp=dsp, vehicle=grounded, expires_on=today + 31 * DAY)
    alerts = fleet_alerts(user=owner)
    assert alerts["grounded"] == [grounded]
    assert alerts["expiring"] == [expiring]
    assert alerts["uninsured"] == [uninsured]
    assert alerts["count"] == 3
