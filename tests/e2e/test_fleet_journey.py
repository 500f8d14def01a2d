"""The fleet, end to end: lease, return a peak van, inspect on a phone, ground, repair, release."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from fleet.models import Vehicle
from fleet.selectors import vehicles_available
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.fleet.factories import (
    InsuranceOptionFactory,
    InsurancePolicyFactory,
    VehicleOfferFactory,
)
from tests.fleet.photos import png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHECKLIST = (
    "tyres",
    "lights",
    "brakes",
    "mirrors",
    "fluids",
    "body_damage",
    "cargo_area",
    "safety_equipment",
)


def lease(page, base_url, *, offer, vin, plate, starts_on, ends_on=None, peak=False):
    page.goto(f"{base_url}/fleet/leases/new/")
    page.select_option("select[name=offer]", str(offer.pk))
    page.fill("input[name=vin]", vin)
    page.fill("input[name=plate]", plate)
    page.fill("input[name=starts_on]", starts_on.isoformat())
    if ends_on:
        page.fill("input[name=ends_on]", ends_on.isoformat())
    if peak:
        page.check("input[name=is_peak]")
    page.click("#lease-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(plate)


def inspect(phone, base_url, *, plate, odometer, out_of_service=None):
    phone.goto(f"{base_url}/")
    phone.click("#panel-driver-inspection a.button")
    phone.click(f"#van-picker a[data-plate='{plate}']")
    expect(phone.locator("h1")).to_contain_text(f"Inspect {plate}")
    phone.fill("input[name=odometer_km]", str(odometer))
    for item in CHECKLIST:  # every item is a big touch target; tap OK explicitly
        phone.click(f"label:has(#id_{item}_0)")
    if out_of_service:
        item, note = out_of_service
        phone.click(f"label:has(#id_{item}_2)")
        expect(phone.locator(f"#id_{item}_note")).to_be_visible()
        phone.fill(f"#id_{item}_note", note)
        phone.set_input_files(
            f"#id_{item}_photo",
            files=[{"name": f"{item}.png", "mimeType": "image/png", "buffer": png_bytes()}],
        )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("#inspection-form button[type=submit]")


def test_lease_return_inspect_ground_repair_and_release(live_server, page, phone):
    # given: a DSP with a fleet policy, a catalogue, an owner and a driver with a sign-in
    owner = MembershipFactory(role=Role.OWNER)
    dsp = owner.dsp
    today = dsp.station.today()
    InsurancePolicyFactory(dsp=dsp)
    cargo = VehicleOfferFactory(name="Cargo van", monthly_rate=Decimal("1400"))
    step = VehicleOfferFactory(name="Step van", kind="step_van", package_capacity=350)
    driver = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    DriverFactory(dsp=dsp, user=driver.user)
    base = live_server.url

    # The owner leases two vans and a peak van, then returns the peak van early.
    sign_in(page, base, owner.user.email)
    # The covers offered follow the van chosen on the lease form.
    InsuranceOptionFactory(offer=cargo, name="Cargo liability")
    InsuranceOptionFactory(offer=step, name="Step full cover")
    page.goto(f"{base}/fleet/leases/new/")
    covers = page.locator("#id_insurance_option option:not([hidden])")
    page.select_option("select[name=offer]", str(step.pk))
    expect(covers).to_have_text(["None: my fleet policy covers it", re.compile("Step full cover")])
    page.select_option("select[name=offer]", str(cargo.pk))
    expect(covers).to_have_text(["None: my fleet policy covers it", re.compile("Cargo liability")])
    lease(page, base, offer=cargo, vin="1FTBW3XM5HKA00101", plate="LSM-101", starts_on=today)
    lease(page, base, offer=cargo, vin="1FTBW3XM5HKA00102", plate="LSM-102", starts_on=today)
    lease(
        page,
        base,
        offer=step,
        vin="1FTBW3XM5HKA00900",
        plate="PEAK-900",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=21),
        peak=True,
    )
    expect(page.locator("#vehicle-leases")).to_contain_text("Peak")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#vehicle-leases button:has-text('Return early')")
    expect(page.locator("#vehicle-status")).to_have_text("Returned")
    page.goto(f"{base}/fleet/")
    expect(page.locator("#fleet-table")).to_contain_text("LSM-101")
    expect(page.locator("#fleet-table tbody tr")).to_have_count(3)

    # A driver on a phone inspects one van clean, and finds the other's brakes out of service.
    sign_in(phone, base, driver.user.email)
    inspect(phone, base, plate="LSM-102", odometer=1200)
    expect(phone.locator("#inspection-result")).to_have_text("Pass")
    inspect(phone, base, plate="LSM-101", odometer=1500, out_of_service=("brakes", "Pedal sinks"))
    expect(phone.locator("#inspection-result")).to_have_text("Out of service")
    expect(phone.locator("#inspection-outcome")).to_contain_text("grounded")
    expect(phone.locator("#inspection-items img")).to_have_count(1)

    # The owner sees it grounded; planning leaves it out.
    van = Vehicle.objects.get(plate="LSM-101")
    page.goto(f"{base}/fleet/vehicles/{van.pk}/")
    expect(page.locator("#vehicle-status")).to_have_text("Grounded")
    expect(page.locator("#grounded-note")).to_contain_text("brakes")
    assert [v.plate for v in vehicles_available(dsp=dsp, on=today)] == ["LSM-102"]
    page.goto(f"{base}/")
    expect(page.locator("#fleet-inspections-today")).to_contain_text("2 done, 0 missing")

    # A repair is logged; the van stays grounded until a follow-up inspection passes.
    page.goto(f"{base}/fleet/vehicles/{van.pk}/repairs/new/")
    page.fill("input[name=vendor]", "Oak Lawn Fleet Service")
    page.fill("input[name=description]", "Replaced brake pads and rotors")
    page.fill("input[name=cost]", "640.00")
    page.click("#repair-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("follow-up inspection")
    expect(page.locator("#vehicle-status")).to_have_text("Grounded")
    assert [v.plate for v in vehicles_available(dsp=dsp, on=today)] == ["LSM-102"]

    inspect(phone, base, plate="LSM-101", odometer=1510)
    expect(phone.locator("#inspection-result")).to_have_text("Pass")
    expect(phone.locator("#inspection-outcome")).to_contain_text("good to go")

    page.goto(f"{base}/fleet/vehicles/{van.pk}/")
    expect(page.locator("#vehicle-status")).to_have_text("Active")
    expect(page.locator("#vehicle-repairs")).to_contain_text("$640.00")
    assert [v.plate for v in vehicles_available(dsp=dsp, on=today)] == ["LSM-101", "LSM-102"]
