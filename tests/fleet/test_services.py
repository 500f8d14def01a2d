"""Writes of the fleet: leasing, returning, insuring, inspecting, grounding, servicing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dsps.models import AuditEvent, Role
from dsps.onboarding import checklist_for
from fleet.dates import add_months
from fleet.models import (
    CheckItem,
    Inspection,
    InspectionItem,
    InsurancePolicy,
    Lease,
    OdometerReading,
    Repair,
    Vehicle,
    VehicleOffer,
)
from fleet.services import (
    ItemInput,
    inspection_submit,
    insurance_policy_create,
    lease_create,
    lease_return,
    lease_transfer,
    maintenance_schedule_create,
    repair_log,
    vehicle_ground,
    vehicle_offer_create,
)
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.dsps.factories import DspFactory as _Dsp
from tests.fleet.factories import (
    InsuranceOptionFactory,
    InsurancePolicyFactory,
    LeaseFactory,
    MaintenanceScheduleFactory,
    VehicleFactory,
    VehicleOfferFactory,
)
from tests.fleet.factories import LeaseFactory as _Lease
from tests.fleet.photos import png_upload
from tests.routes.factories import RouteFactory

DAY = datetime.timedelta(days=1)
VIN = "1FTBW3XM5HKA00001"


@pytest.fixture
def dsp(db):
    return DspFactory()


@pytest.fixture
def today(dsp):
    return dsp.station.today()


@pytest.fixture
def driver(dsp):
    return MembershipFactory(dsp=dsp, role=Role.DRIVER).user


def all_ok(**overrides) -> dict[str, ItemInput]:
    items = {value: ItemInput() for value in CheckItem.values}
    items.update(overrides)
    return items


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 6) == datetime.date(2027, 5, 15)


# --- Catalogue ------------------------------------------------------------------------------


def test_only_program_staff_add_to_the_catalogue(db):
    fields = {
        "name": "Electric van",
        "kind": "electric_van",
        "package_capacity": 260,
        "cargo_volume_m3": Decimal("11.5"),
        "energy_kind": "electric",
        "energy_per_km": Decimal("0.240"),
        "monthly_rate": Decimal("1650"),
        "discount_percent": Decimal("15"),
        "minimum_term_months": 24,
        "branding_included": True,
        "available_from": datetime.date(2026, 1, 1),
    }
    with pytest.raises(PermissionDenied):
        vehicle_offer_create(by=MembershipFactory(role=Role.OWNER).user, **fields)
    assert VehicleOffer.objects.count() == 0
    offer = vehicle_offer_create(by=StaffFactory().user, **fields)
    assert offer.rate_after_discount == Decimal("1402.50")


def test_a_discount_above_a_hundred_percent_is_refused(db):
    with pytest.raises(ValidationError) as error:
        vehicle_offer_create(
            by=StaffFactory().user,
            name="Too cheap",
            kind="cargo_van",
            package_capacity=280,
            cargo_volume_m3=Decimal("13"),
            energy_kind="diesel",
            energy_per_km=Decimal("0.12"),
            monthly_rate=Decimal("1400"),
            discount_percent=Decimal("120"),
            available_from=datetime.date(2026, 1, 1),
        )
    assert "discount_percent" in error.value.message_dict
    assert VehicleOffer.objects.count() == 0


# --- Leases ---------------------------------------------------------------------------------


def test_leasing_a_catalogue_van_adds_it_to_the_fleet_at_the_discounted_rate(dsp, today):
    # given
    offer = VehicleOfferFactory(monthly_rate=Decimal("1400"), discount_percent=Decimal("10"))
    option = InsuranceOptionFactory(offer=offer, monthly_premium=Decimal("450"))
    # when
    lease = lease_create(
        dsp=dsp,
        offer=offer,
        vin=VIN.lower(),
        plate=" lsm-101 ",
        starts_on=today,
        insurance_option=option,
    )
    # then
    van = lease.vehicle
    assert (van.dsp, van.vin, van.plate, van.status) == (dsp, VIN, "LSM-101", "active")
    assert (van.package_capacity, van.offer) == (offer.package_capacity, offer)
    assert (lease.monthly_rate, lease.ends_on, lease.is_peak) == (Decimal("1260.00"), None, False)
    policy = InsurancePolicy.objects.get(vehicle=van)
    assert (policy.starts_on, policy.expires_on) == (today, add_months(today, 12))
    assert policy.monthly_premium == Decimal("450.00")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"starts_on_offset": -400}, "starts_on"),  # before the offer exists
        ({"ends_on_offset": -1}, "ends_on"),  # ends before it starts
        ({"is_peak": True}, "ends_on"),  # a peak lease needs an end
        ({"ends_on_offset": 60}, "ends_on"),  # shorter than the minimum term
        ({"is_peak": True, "ends_on_offset": 200}, "ends_on"),  # too long for peak
        ({"vin": "TOO-SHORT"}, "vin"),
    ],
)
def test_bad_lease_input_is_refused_and_nothing_is_saved(dsp, today, change, field):
    offer = VehicleOfferFactory(available_from=today - 30 * DAY, minimum_term_months=12)
    starts_on = today + change.get("starts_on_offset", 0) * DAY
    ends_on = starts_on + change["ends_on_offset"] * DAY if "ends_on_offset" in change else None
    with pytest.raises(ValidationError) as error:
        lease_create(
            dsp=dsp,
            offer=offer,
            vin=change.get("vin", VIN),
            plate="LSM-1",
            starts_on=starts_on,
            ends_on=ends_on,
            is_peak=change.get("is_peak", False),
        )
    assert list(error.value.message_dict) == [field]
    assert (Vehicle.objects.count(), Lease.objects.count()) == (0, 0)


def test_a_vin_already_in_a_fleet_is_refused(dsp, today):
    VehicleFactory(vin=VIN)  # another DSP's van
    with pytest.raises(ValidationError) as error:
        lease_create(dsp=dsp, offer=VehicleOfferFactory(), vin=VIN, plate="X-1", starts_on=today)
    assert error.value.message_dict == {"vin": [f"A van with VIN {VIN} is already in a fleet."]}
    assert Lease.objects.count() == 0


def test_a_plate_already_in_the_fleet_is_refused(dsp, today):
    VehicleFactory(dsp=dsp, plate="LSM-7")
    with pytest.raises(ValidationError) as error:
        lease_create(dsp=dsp, offer=VehicleOfferFactory(), vin=VIN, plate="lsm-7", starts_on=today)
    assert list(error.value.message_dict) == ["plate"]
    assert (Vehicle.objects.count(), Lease.objects.count()) == (1, 0)


def test_a_peak_van_goes_back_early_and_keeps_its_history(dsp, today):
    lease = lease_create(
        dsp=dsp,
        offer=VehicleOfferFactory(),
        vin=VIN,
        plate="PEAK-1",
        starts_on=today - 7 * DAY,
        ends_on=today + 21 * DAY,
        is_peak=True,
    )
    returned = lease_return(lease=lease)
    assert (returned.ends_on, returned.returned_on) == (today, today)
    assert Vehicle.objects.get(pk=lease.vehicle_id).status == Vehicle.Status.RETURNED
    assert Lease.objects.filter(vehicle=lease.vehicle).count() == 1
    # the same hand-over reported twice changes nothing
    assert lease_return(lease=lease).ends_on == today


def test_a_standard_lease_cannot_go_back_before_its_minimum_term(dsp, today):
    lease = LeaseFactory(vehicle=VehicleFactory(dsp=dsp), starts_on=today - 30 * DAY)
    with pytest.raises(ValidationError) as error:
        lease_return(lease=lease)
    assert list(error.value.message_dict) == ["ends_on"]
    lease.refresh_from_db()
    assert (lease.ends_on, lease.vehicle.status) == (None, Vehicle.Status.ACTIVE)


def test_a_returned_van_can_be_leased_again_by_its_dsp(dsp, today):
    van = VehicleFactory(dsp=dsp, vin=VIN, status=Vehicle.Status.RETURNED)
    LeaseFactory(vehicle=van, starts_on=today - 60 * DAY, ends_on=today - 10 * DAY, is_peak=True)
    lease = lease_create(
        dsp=dsp, offer=VehicleOfferFactory(), vin=VIN, plate=van.plate, starts_on=today
    )
    assert lease.vehicle == van
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.ACTIVE


# --- Insurance ------------------------------------------------------------------------------


def test_a_policy_for_another_dsps_van_is_refused(dsp, today):
    with pytest.raises(ValidationError) as error:
        insurance_policy_create(
            dsp=dsp,
            vehicle=VehicleFactory(),
            insurer="Acme",
            policy_number="P-1",
            monthly_premium=Decimal("400"),
            starts_on=today,
            expires_on=today + 365 * DAY,
        )
    assert list(error.value.message_dict) == ["vehicle"]
    assert InsurancePolicy.objects.count() == 0


# --- Inspections and grounding --------------------------------------------------------------


def test_a_clean_inspection_passes_and_records_the_odometer(dsp, today, driver):
    van = VehicleFactory(dsp=dsp, odometer_km=1000)
    inspection = inspection_submit(vehicle=van, by=driver, odometer_km=1042, items=all_ok())
    assert (inspection.result, inspection.inspected_on) == (Inspection.Result.PASS, today)
    assert inspection.items.count() == 8
    van.refresh_from_db()
    assert (van.odometer_km, van.status) == (1042, Vehicle.Status.ACTIVE)
    assert OdometerReading.objects.get(vehicle=van).km == 1042


def test_an_out_of_service_defect_grounds_the_van_at_once(dsp, driver):
    van = VehicleFactory(dsp=dsp)
    inspection = inspection_submit(
        vehicle=van,
        by=driver,
        odometer_km=10,
        items=all_ok(
            brakes=ItemInput(state="out_of_service", note="Pedal sinks", photo=png_upload())
        ),
    )
    assert inspection.result == Inspection.Result.OUT_OF_SERVICE
    van.refresh_from_db()
    assert van.status == Vehicle.Status.GROUNDED
    assert van.grounded_reason == "Out-of-service defect at inspection: brakes."
    item = inspection.items.get(item="brakes")
    assert item.photo.name.endswith(".png")


def test_a_minor_defect_passes_but_is_recorded(dsp, driver):
    van = VehicleFactory(dsp=dsp)
    inspection = inspection_submit(
        vehicle=van,
        by=driver,
        odometer_km=10,
        items=all_ok(mirrors=ItemInput(state="defect", note="Scratched", photo=png_upload())),
    )
    assert inspection.result == Inspection.Result.DEFECTS
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.ACTIVE


def test_a_defect_without_a_photo_is_refused_and_nothing_is_saved(dsp, driver):
    van = VehicleFactory(dsp=dsp)
    with pytest.raises(ValidationError) as error:
        inspection_submit(
            vehicle=van,
            by=driver,
            odometer_km=10,
            items=all_ok(tyres=ItemInput(state="out_of_service", note="Flat")),
        )
    assert error.value.message_dict == {"tyres_photo": ["Take a photo of the defect."]}
    assert Inspection.objects.count() == 0
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.ACTIVE


def test_an_oversize_photo_is_refused_and_nothing_is_saved(dsp, driver):
    van = VehicleFactory(dsp=dsp)
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 6_000_000, content_type="image/png"
    )
    with pytest.raises(ValidationError) as error:
        inspection_submit(
            vehicle=van,
            by=driver,
            odometer_km=10,
            items=all_ok(lights=ItemInput(state="out_of_service", note="Broken", photo=big)),
        )
    assert error.value.message_dict == {
        "lights_photo": ["The file is 6.0 MB; the limit is 5.0 MB."]
    }
    assert (Inspection.objects.count(), InspectionItem.objects.count()) == (0, 0)
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.ACTIVE


def test_a_photo_that_is_not_an_image_is_refused(dsp, driver):
    fake = SimpleUploadedFile("defect.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        inspection_submit(
            vehicle=VehicleFactory(dsp=dsp),
            by=driver,
            odometer_km=10,
            items=all_ok(fluids=ItemInput(state="defect", note="Leak", photo=fake)),
        )
    assert list(error.value.message_dict) == ["fluids_photo"]
    assert Inspection.objects.count() == 0


def test_a_driver_cannot_inspect_another_dsps_van(dsp, driver):
    van = VehicleFactory()
    with pytest.raises(ValidationError) as error:
        inspection_submit(vehicle=van, by=driver, odometer_km=10, items=all_ok())
    assert list(error.value.message_dict) == ["vehicle"]
    assert Inspection.objects.count() == 0


def test_the_odometer_cannot_go_back(dsp, driver):
    van = VehicleFactory(dsp=dsp, odometer_km=5000)
    with pytest.raises(ValidationError) as error:
        inspection_submit(vehicle=van, by=driver, odometer_km=4999, items=all_ok())
    assert list(error.value.message_dict) == ["odometer_km"]
    assert Inspection.objects.count() == 0


def test_an_incomplete_checklist_is_refused(dsp, driver):
    items = all_ok()
    del items["brakes"]
    with pytest.raises(ValidationError) as error:
        inspection_submit(vehicle=VehicleFactory(dsp=dsp), by=driver, odometer_km=1, items=items)
    assert error.value.message_dict == {"items": ["Check every item: Brakes."]}


def test_a_grounded_van_returns_only_after_a_repair_and_a_passing_follow_up(dsp, today, driver):
    # given: grounded at inspection
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    van = VehicleFactory(dsp=dsp)
    inspection_submit(
        vehicle=van,
        by=driver,
        odometer_km=10,
        items=all_ok(brakes=ItemInput(state="out_of_service", note="Worn", photo=png_upload())),
    )
    # when: a pass without a repair
    inspection_submit(vehicle=van, by=driver, odometer_km=11, items=all_ok())
    # then: still grounded
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.GROUNDED
    # when: a repair, but no follow-up yet
    repair_log(
        vehicle=van,
        by=owner,
        performed_on=today,
        vendor="Oak Lawn Fleet Service",
        description="Brake pads",
        cost=Decimal("320"),
    )
    assert Vehicle.objects.get(pk=van.pk).status == Vehicle.Status.GROUNDED
    # when: the follow-up passes
    inspection_submit(vehicle=van, by=driver, odometer_km=12, items=all_ok())
    # then
    van.refresh_from_db()
    assert (van.status, van.grounded_at, van.grounded_reason) == ("active", None, "")


def test_an_owner_grounds_a_van_by_hand(dsp):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    van = vehicle_ground(vehicle=VehicleFactory(dsp=dsp), by=owner, reason="Crash on I-35")
    assert (van.status, van.grounded_reason) == ("grounded", "Crash on I-35")


def test_a_returned_van_cannot_be_inspected(dsp, driver):
    van = VehicleFactory(dsp=dsp, status=Vehicle.Status.RETURNED)
    with pytest.raises(ValidationError):
        inspection_submit(vehicle=van, by=driver, odometer_km=10, items=all_ok())
    assert Inspection.objects.count() == 0


# --- Maintenance ----------------------------------------------------------------------------


def test_a_schedule_needs_a_distance_or_a_time(dsp, today):
    with pytest.raises(ValidationError) as error:
        maintenance_schedule_create(vehicle=VehicleFactory(dsp=dsp), task="Oil", last_done_on=today)
    assert list(error.value.message_dict) == ["every_km"]


def test_a_logged_service_resets_its_schedule(dsp, today):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    van = VehicleFactory(dsp=dsp, odometer_km=8200)
    schedule = MaintenanceScheduleFactory(vehicle=van, last_done_km=0)
    repair_log(
        vehicle=van,
        by=owner,
        performed_on=today,
        vendor="Jiffy Fleet",
        description="Oil and filter",
        cost=Decimal("89.90"),
        kind=Repair.Kind.SERVICE,
        schedule=schedule,
        odometer_km=8250,
    )
    schedule.refresh_from_db()
    assert (schedule.last_done_on, schedule.last_done_km) == (today, 8250)
    assert Vehicle.objects.get(pk=van.pk).odometer_km == 8250


def test_work_cannot_be_logged_ahead(dsp, today):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    with pytest.raises(ValidationError) as error:
        repair_log(
            vehicle=VehicleFactory(dsp=dsp),
            by=owner,
            performed_on=today + DAY,
            vendor="X",
            description="Y",
            cost=Decimal("1"),
        )
    assert list(error.value.message_dict) == ["performed_on"]
    assert Repair.objects.count() == 0


# --- Onboarding checklist -------------------------------------------------------------------


def test_onboarding_items_follow_insurance_and_leases(dsp, today):
    def done():
        return {i["key"]: i["done"] for i in checklist_for(dsp) if i["key"].startswith("fleet_")}

    assert done() == {"fleet_vehicle_leased": False, "fleet_insurance": False}
    LeaseFactory(vehicle=VehicleFactory(dsp=dsp))
    InsurancePolicyFactory(dsp=dsp, starts_on=today - 400 * DAY, expires_on=today - DAY)
    assert done() == {"fleet_vehicle_leased": True, "fleet_insurance": False}
    InsurancePolicyFactory(dsp=dsp)
    assert done() == {"fleet_vehicle_leased": True, "fleet_insurance": True}


def _transfer_world():
    leaving = _Dsp()
    receiver = _Dsp(station=leaving.station)
    lease = _Lease(vehicle__dsp=leaving, ends_on=None)
    return leaving, receiver, lease


def test_a_transfer_ends_the_lease_and_starts_one_for_the_receiver_the_next_day(db):
    # given
    leaving, receiver, lease = _transfer_world()
    staff = StaffFactory().user
    on = leaving.station.today() + datetime.timedelta(days=3)
    # when
    new = lease_transfer(lease=lease, to_dsp=receiver, on=on, by=staff, reason="Exit")
    # then
    lease.refresh_from_db()
    assert (lease.ends_on, lease.returned_on) == (on, None)
    assert (new.dsp, new.vehicle_id, new.starts_on, new.ends_on) == (
        receiver,
        lease.vehicle_id,
        on + datetime.timedelta(days=1),
        None,
    )
    assert (new.offer_id, new.monthly_rate, new.is_peak) == (
        lease.offer_id,
        lease.monthly_rate,
        lease.is_peak,
    )
    assert new.transferred_from == lease
    verbs = set(AuditEvent.objects.values_list("verb", "dsp_id"))
    assert verbs == {("lease.transferred", leaving.pk), ("lease.taken_over", receiver.pk)}
    # the van stays in the leaving fleet until the date
    lease.vehicle.refresh_from_db()
    assert lease.vehicle.dsp == leaving


def test_a_transfer_dated_today_moves_the_van_at_once(db):
    leaving, receiver, lease = _transfer_world()
    lease_transfer(lease=lease, to_dsp=receiver, on=leaving.station.today(), by=StaffFactory().user)
    lease.vehicle.refresh_from_db()
    assert lease.vehicle.dsp == receiver


@pytest.mark.parametrize("problem", ["inactive", "same", "planned"])
def test_a_transfer_is_refused_with_a_clear_message_and_nothing_changes(db, problem):
    # given
    leaving, receiver, lease = _transfer_world()
    on = leaving.station.today() + datetime.timedelta(days=2)
    if problem == "inactive":
        receiver.status = "suspended"
        receiver.save()
        expected = ("to_dsp", "only an active DSP can take a van over")
    elif problem == "same":
        receiver = leaving
        expected = ("to_dsp", "already belongs to")
    else:
        RouteFactory(
            dsp=leaving, vehicle=lease.vehicle, service_date=on + datetime.timedelta(days=1)
        )
        expected = ("lease", "has a route planned on")
    # when
    with pytest.raises(ValidationError) as refused:
        lease_transfer(lease=lease, to_dsp=receiver, on=on, by=StaffFactory().user)
    # then
    field, words = expected
    assert list(refused.value.message_dict) == [field]
    assert words in refused.value.message_dict[field][0]
    lease.refresh_from_db()
    assert (lease.ends_on, Lease.objects.count()) == (None, 1)
