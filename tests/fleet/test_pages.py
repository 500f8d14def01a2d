"""Fleet pages: what each role sees, and forms that show the service's errors."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dsps.models import Role
from fleet.models import Inspection, Lease, Repair, Vehicle, VehicleOffer
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.fleet.factories import (
    InsuranceOptionFactory,
    InsurancePolicyFactory,
    LeaseFactory,
    MaintenanceScheduleFactory,
    RepairFactory,
    VehicleFactory,
    VehicleOfferFactory,
    ready_vehicle,
)
from tests.fleet.photos import png_upload

DAY = datetime.timedelta(days=1)


@pytest.fixture
def owner(db):
    return MembershipFactory(role=Role.OWNER)


def test_the_fleet_list_filters_by_status_kind_and_plate(client, owner):
    VehicleFactory(dsp=owner.dsp, plate="LSM-001")
    VehicleFactory(dsp=owner.dsp, plate="LSM-002", status=Vehicle.Status.GROUNDED)
    VehicleFactory(dsp=owner.dsp, plate="LSM-003", kind=Vehicle.Kind.STEP_VAN)
    VehicleFactory(plate="OTHER-1")
    client.force_login(owner.user)

    def plates(query):
        response = client.get(reverse("fleet:list") + query)
        assert response.status_code == 200
        return [v.plate for v in response.context["page"].object_list]

    assert plates("") == ["LSM-001", "LSM-002", "LSM-003"]
    assert plates("?status=grounded") == ["LSM-002"]
    assert plates("?kind=step_van") == ["LSM-003"]
    assert plates("?q=lsm-002") == ["LSM-002"]


def test_the_fleet_list_shows_the_fleet_size_chart_data(client, owner):
    LeaseFactory(vehicle=VehicleFactory(dsp=owner.dsp))
    client.force_login(owner.user)
    response = client.get(reverse("fleet:list"))
    assert b'id="fleet-size-chart"' in response.content
    assert b"vendor/chartjs/chart.umd.min.js" in response.content
    assert response.context["series"][-1] == {
        "day": (owner.dsp.station.today() + 56 * DAY).isoformat(),
        "standard": 1,
        "peak": 0,
    }


def test_the_vehicle_page_shows_leases_inspections_maintenance_and_costs(client, owner):
    van = ready_vehicle(owner.dsp)
    MaintenanceScheduleFactory(vehicle=van)
    RepairFactory(vehicle=van, description="New wiper blades", cost=Decimal("45.00"))
    client.force_login(owner.user)
    response = client.get(reverse("fleet:vehicle-detail", args=[van.pk]))
    content = response.content.decode()
    for part in ("vehicle-leases", "vehicle-inspections", "vehicle-maintenance", "New wiper"):
        assert part in content
    assert response.context["costs_month"]["work"] == Decimal("45.00")


def test_an_owner_leases_a_van_from_the_catalogue(client, owner):
    offer = VehicleOfferFactory()
    client.force_login(owner.user)
    today = owner.dsp.station.today()
    response = client.post(
        reverse("fleet:lease-create"),
        {"offer": offer.pk, "vin": "1FTBW3XM5HKA00009", "plate": "LSM-9", "starts_on": today},
    )
    lease = Lease.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fleet:vehicle-detail", args=[lease.vehicle_id])
    assert (lease.dsp, lease.vehicle.plate) == (owner.dsp, "LSM-9")


def test_a_lease_before_the_offer_exists_shows_the_error_on_the_start_date(client, owner):
    today = owner.dsp.station.today()
    offer = VehicleOfferFactory(available_from=today + 10 * DAY)
    client.force_login(owner.user)
    response = client.post(
        reverse("fleet:lease-create"),
        {"offer": offer.pk, "vin": "1FTBW3XM5HKA00009", "plate": "LSM-9", "starts_on": today},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["starts_on"]
    assert Lease.objects.count() == 0


def test_a_driver_records_an_out_of_service_defect_and_the_van_is_grounded(client, owner):
    van = VehicleFactory(dsp=owner.dsp)
    driver = MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user
    client.force_login(driver)
    data = {"kind": "pre_trip", "odometer_km": 1234}
    for item in ("tyres", "lights", "brakes", "mirrors", "fluids", "body_damage", "cargo_area"):
        data[item] = "ok"
    data["safety_equipment"] = "out_of_service"
    data["safety_equipment_note"] = "No fire extinguisher"
    data["safety_equipment_photo"] = png_upload()
    response = client.post(reverse("fleet:inspect", args=[van.pk]), data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fleet:inspection-detail", args=[inspection.pk])
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.GROUNDED
    photo = client.get(
        reverse("fleet:defect-photo", args=[inspection.items.get(item="safety_equipment").pk])
    )
    assert photo.status_code == 200


def test_a_missing_photo_shows_on_the_photo_field(client, owner):
    van = VehicleFactory(dsp=owner.dsp)
    client.force_login(MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user)
    data = {"kind": "pre_trip", "odometer_km": 10}
    for item in ("tyres", "lights", "brakes", "mirrors", "fluids", "body_damage", "cargo_area"):
        data[item] = "ok"
    data |= {"safety_equipment": "defect", "safety_equipment_note": "Vest torn"}
    response = client.post(reverse("fleet:inspect", args=[van.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "safety_equipment_photo": ["Take a photo of the defect."]
    }
    assert Inspection.objects.count() == 0


def test_the_driver_picks_a_van_of_their_dsp_only(client, owner):
    VehicleFactory(dsp=owner.dsp, plate="MINE-1")
    VehicleFactory(plate="THEIRS-1")
    client.force_login(MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user)
    response = client.get(reverse("fleet:inspect-start"))
    assert [v.plate for v in response.context["vans"]] == ["MINE-1"]
    assert b'id="panel-driver-inspection"' in client.get("/").content


def test_drivers_cannot_open_manager_pages(client, owner):
    client.force_login(MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user)
    for name in ("fleet:list", "fleet:lease-create", "fleet:maintenance", "fleet:insurance"):
        assert client.get(reverse(name)).status_code == 403


def test_the_owner_returns_a_peak_van_early(client, owner):
    today = owner.dsp.station.today()
    lease = LeaseFactory(
        vehicle=VehicleFactory(dsp=owner.dsp),
        is_peak=True,
        starts_on=today - 3 * DAY,
        ends_on=today + 25 * DAY,
    )
    client.force_login(owner.user)
    response = client.post(reverse("fleet:lease-return", args=[lease.pk]))
    assert response.status_code == 302
    lease.refresh_from_db()
    assert (lease.ends_on, lease.vehicle.status) == (today, Vehicle.Status.RETURNED)


def test_a_repair_logged_on_the_page_is_a_dsp_expense(client, owner):
    van = VehicleFactory(dsp=owner.dsp, status=Vehicle.Status.GROUNDED)
    client.force_login(owner.user)
    response = client.post(
        reverse("fleet:repair-create", args=[van.pk]),
        {
            "kind": "repair",
            "performed_on": owner.dsp.station.today(),
            "vendor": "Oak Lawn Fleet Service",
            "description": "Brake pads",
            "cost": "320.00",
        },
    )
    assert response.status_code == 302
    assert Repair.objects.get().cost == Decimal("320.00")


def test_staff_edit_the_catalogue_and_owners_only_read_it(client, owner):
    offer = VehicleOfferFactory(name="Cargo van")
    InsuranceOptionFactory(offer=offer, name="Liability", monthly_premium=Decimal("380"))
    client.force_login(owner.user)
    assert b"Liability" in client.get(reverse("fleet:offer-detail", args=[offer.pk])).content
    refused = client.post(
        reverse("fleet:offer-detail", args=[offer.pk]),
        {"option-name": "Gold", "option-monthly_premium": "1"},
    )
    assert refused.status_code == 403
    client.force_login(StaffFactory().user)
    added = client.post(
        reverse("fleet:offer-detail", args=[offer.pk]),
        {"option-name": "Full cover", "option-monthly_premium": "520", "option-deductible": "500"},
    )
    assert added.status_code == 302
    assert [o.name for o in VehicleOffer.objects.get().insurance_options.all()] == [
        "Liability",
        "Full cover",
    ]


def test_home_panel_counts_todays_inspections_and_alerts(client, owner):
    ready_vehicle(owner.dsp)
    missing = VehicleFactory(dsp=owner.dsp)
    LeaseFactory(vehicle=missing)
    VehicleFactory(dsp=owner.dsp, status=Vehicle.Status.GROUNDED)
    InsurancePolicyFactory(
        dsp=owner.dsp, vehicle=missing, expires_on=owner.dsp.station.today() + 5 * DAY
    )
    client.force_login(owner.user)
    panels = {p["name"]: p for p in client.get("/").context["panels"]}
    fleet = panels["fleet"]
    assert (fleet["inspections_done"], fleet["inspections_missing"]) == (1, 1)
    assert (len(fleet["alerts"]["grounded"]), len(fleet["alerts"]["expiring"])) == (1, 1)


def test_todays_inspections_page_lists_missing_vans(client, owner):
    ready_vehicle(owner.dsp, plate="LSM-1")
    LeaseFactory(vehicle=VehicleFactory(dsp=owner.dsp, plate="LSM-2"))
    client.force_login(owner.user)
    response = client.get(reverse("fleet:inspections-today"))
    assert (response.context["done"], response.context["missing"]) == (1, 1)
    assert b"Missing" in response.content


def test_the_maintenance_page_lists_overdue_work(client, owner):
    van = VehicleFactory(dsp=owner.dsp, odometer_km=9000)
    MaintenanceScheduleFactory(vehicle=van, last_done_km=0)
    client.force_login(owner.user)
    response = client.get(reverse("fleet:maintenance"))
    assert [d.state for d in response.context["items"]] == ["overdue"]


def test_the_insurance_page_records_a_fleet_policy(client, owner):
    today = owner.dsp.station.today()
    client.force_login(owner.user)
    response = client.post(
        reverse("fleet:insurance"),
        {
            "insurer": "Lone Star Mutual",
            "policy_number": "LSM-2026",
            "monthly_premium": "3100",
            "starts_on": today,
            "expires_on": today - DAY,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["expires_on"]


@pytest.mark.parametrize("vans", [1, 6])
def test_the_fleet_list_runs_the_same_queries_for_any_fleet_size(
    client, owner, django_assert_num_queries, vans
):
    for _ in range(vans):
        van = ready_vehicle(owner.dsp)
        MaintenanceScheduleFactory(vehicle=van)
    client.force_login(owner.user)
    client.get(reverse("fleet:list"))  # warm the session
    # session, user, membership, vans and their count, status counts, alerts, fleet size
    with django_assert_num_queries(11):
        assert client.get(reverse("fleet:list")).status_code == 200


def test_staff_add_a_catalogue_van_and_a_bad_discount_shows_on_its_field(client, db):
    client.force_login(StaffFactory().user)
    fields = {
        "name": "Electric delivery van",
        "kind": "electric_van",
        "package_capacity": "260",
        "cargo_volume_m3": "11.50",
        "energy_kind": "electric",
        "energy_per_km": "0.240",
        "monthly_rate": "1650.00",
        "discount_percent": "150",
        "minimum_term_months": "24",
        "branding_included": "on",
        "available_from": "2026-01-01",
        "is_active": "on",
    }
    refused = client.post(reverse("fleet:offer-create"), fields)
    assert list(refused.context["form"].errors) == ["discount_percent"]
    assert VehicleOffer.objects.count() == 0
    added = client.post(reverse("fleet:offer-create"), fields | {"discount_percent": "15"})
    offer = VehicleOffer.objects.get()
    assert added["Location"] == reverse("fleet:offer-detail", args=[offer.pk])
    assert offer.rate_after_discount == Decimal("1402.50")


def test_an_owner_adds_a_maintenance_schedule(client, owner):
    van = VehicleFactory(dsp=owner.dsp, odometer_km=4200)
    client.force_login(owner.user)
    response = client.post(
        reverse("fleet:schedule-create", args=[van.pk]),
        {
            "task": "Oil and filter change",
            "every_km": "8000",
            "every_months": "6",
            "last_done_on": owner.dsp.station.today(),
        },
    )
    assert response.status_code == 302
    schedule = van.maintenance_schedules.get()
    assert (schedule.every_km, schedule.every_months, schedule.last_done_km) == (8000, 6, 4200)


def test_an_owner_grounds_a_van_and_a_driver_may_not(client, owner):
    van = VehicleFactory(dsp=owner.dsp)
    client.force_login(MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user)
    assert client.post(reverse("fleet:vehicle-ground", args=[van.pk])).status_code == 403
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.ACTIVE
    client.force_login(owner.user)
    client.post(reverse("fleet:vehicle-ground", args=[van.pk]), {"reason": "Hail damage"})
    van.refresh_from_db()
    assert (van.status, van.grounded_reason) == ("grounded", "Hail damage")
