"""Fleet API: leases, the catalogue, availability, inspections (multipart), repairs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dsps.models import Role
from fleet.models import CheckItem, Inspection, Lease, Vehicle, VehicleOffer
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.fleet.factories import LeaseFactory, VehicleFactory, VehicleOfferFactory, ready_vehicle
from tests.fleet.photos import png_upload

DAY = datetime.timedelta(days=1)


@pytest.fixture
def owner(db):
    return MembershipFactory(role=Role.OWNER)


def test_an_owner_leases_and_returns_a_peak_van(client, owner):
    offer = VehicleOfferFactory()
    today = owner.dsp.station.today()
    client.force_login(owner.user)
    created = client.post(
        reverse("api:lease-list"),
        {
            "offer": offer.pk,
            "vin": "1FTBW3XM5HKA00077",
            "plate": "PEAK-7",
            "starts_on": today.isoformat(),
            "ends_on": (today + 21 * DAY).isoformat(),
            "is_peak": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    lease_id = created.json()["id"]
    returned = client.post(reverse("api:lease-return", args=[lease_id]), {})
    assert returned.status_code == 200
    assert returned.json()["returned_on"] == today.isoformat()


def test_a_lease_ending_before_it_starts_is_a_400_naming_the_field(client, owner):
    today = owner.dsp.station.today()
    client.force_login(owner.user)
    response = client.post(
        reverse("api:lease-list"),
        {
            "offer": VehicleOfferFactory().pk,
            "vin": "1FTBW3XM5HKA00077",
            "plate": "X-1",
            "starts_on": today.isoformat(),
            "ends_on": (today - DAY).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"ends_on": ["The lease cannot end before it starts."]}
    assert (Lease.objects.count(), Vehicle.objects.count()) == (0, 0)


def test_only_staff_write_the_catalogue(client, owner):
    body = {
        "name": "Step van",
        "kind": "step_van",
        "package_capacity": 350,
        "cargo_volume_m3": "17.50",
        "energy_kind": "diesel",
        "energy_per_km": "0.180",
        "monthly_rate": "1850.00",
        "discount_percent": "5.00",
        "minimum_term_months": 12,
        "branding_included": True,
        "available_from": "2026-01-01",
    }
    client.force_login(owner.user)
    assert client.post(reverse("api:vehicle-offer-list"), body).status_code == 403
    assert VehicleOffer.objects.count() == 0
    client.force_login(StaffFactory().user)
    response = client.post(reverse("api:vehicle-offer-list"), body)
    assert response.status_code == 201
    assert response.json()["rate_after_discount"] == "1757.50"


def test_available_vans_for_the_callers_dsp(client, owner):
    ready = ready_vehicle(owner.dsp)
    LeaseFactory(vehicle=VehicleFactory(dsp=owner.dsp))  # not inspected today
    ready_vehicle(VehicleFactory().dsp)  # another DSP
    client.force_login(owner.user)
    response = client.get(reverse("api:vehicle-available"))
    assert [v["id"] for v in response.json()["results"]] == [ready.pk]


def test_a_driver_submits_an_inspection_with_a_photo(client, owner):
    van = VehicleFactory(dsp=owner.dsp)
    client.force_login(MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user)
    data = {"vehicle": van.pk, "odometer_km": 500} | {item: "ok" for item in CheckItem.values}
    data |= {"tyres": "out_of_service", "tyres_note": "Flat", "tyres_photo": png_upload()}
    response = client.post(reverse("api:inspection-list"), data)
    assert response.status_code == 201, response.content
    assert response.json()["result"] == "out_of_service"
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.GROUNDED


def test_an_inspection_of_another_dsps_van_is_not_found(client, owner):
    van = VehicleFactory()
    client.force_login(MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user)
    data = {"vehicle": van.pk, "odometer_km": 500} | {item: "ok" for item in CheckItem.values}
    response = client.post(reverse("api:inspection-list"), data)
    assert response.status_code == 404
    assert Inspection.objects.count() == 0


def test_a_repair_is_logged_through_the_api(client, owner):
    van = VehicleFactory(dsp=owner.dsp)
    client.force_login(owner.user)
    response = client.post(
        reverse("api:repair-list"),
        {
            "vehicle": van.pk,
            "performed_on": owner.dsp.station.today().isoformat(),
            "vendor": "Oak Lawn Fleet Service",
            "description": "Mirror glass",
            "cost": "85.00",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["cost"]) == Decimal("85.00")


def test_a_driver_cannot_ground_a_van_through_the_api(client, owner):
    van = VehicleFactory(dsp=owner.dsp)
    client.force_login(MembershipFactory(dsp=owner.dsp, role=Role.DRIVER).user)
    response = client.post(reverse("api:vehicle-ground", args=[van.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.ACTIVE
