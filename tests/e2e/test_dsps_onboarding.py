"""A prospective owner applies, staff ask for a change, approve with a territory, and the new
owner sees an active DSP, its territory on the map and its onboarding checklist."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from dsps.models import DspApplication
from tests.dsps.factories import StaffFactory, StationFactory, TerritoryFactory
from tests.e2e.nav import follow_menu
from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_prospective_owner_applies_and_becomes_an_active_dsp_with_a_territory(live_server, browser):
    # given: a station with an open territory, and a program staff member
    station = StationFactory(code="DDA1", name="Dallas Central")
    territory = TerritoryFactory(station=station, dsp=None, code="DDA1-07", name="Deep Ellum")
    staff = StaffFactory().user
    owner_page = browser.new_context().new_page()
    staff_page = browser.new_context().new_page()
    base = live_server.url

    # the prospective owner signs up and starts an application
    owner_page.goto(f"{base}/accounts/signup/")
    owner_page.fill("input[name=email]", "robin@prairie.example")
    owner_page.fill("input[name=password1]", "a-long-enough-passphrase-42")
    owner_page.fill("input[name=password2]", "a-long-enough-passphrase-42")
    owner_page.click("main form button[type=submit]")
    owner_page.click("text=Start your DSP application")
    owner_page.fill("input[name=business_name]", "Prairie Parcels")
    owner_page.select_option("select[name=station]", label=str(station))
    owner_page.click("main form button[type=submit]")
    expect(owner_page.locator("h1")).to_have_text("Your DSP application")

    # fills every section, uploads both documents and submits
    owner_page.fill("input[name=legal_name]", "Prairie Parcels LLC")
    owner_page.select_option("select[name=entity_type]", "llc")
    owner_page.fill("input[name=contact_name]", "Robin Prairie")
    owner_page.fill("input[name=contact_phone]", "+1 214 555 0199")
    owner_page.fill("input[name=business_address]", "12 Elm St, Dallas, TX 75201")
    owner_page.fill("input[name=experience_years]", "3")
    owner_page.fill("textarea[name=experience]", "Three years of courier work in Dallas.")
    owner_page.select_option("select[name=requested_territory]", label=str(territory))
    owner_page.fill("input[name=planned_vans]", "12")
    owner_page.fill("input[name=planned_headcount]", "30")
    owner_page.set_input_files(
        "input[name=insurance_certificate]",
        {"name": "insurance.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    owner_page.set_input_files(
        "input[name=business_registration]",
        {"name": "registration.png", "mimeType": "image/png", "buffer": _png()},
    )
    owner_page.click("button[name=submit]")
    expect(owner_page.locator("#application-status")).to_have_text("Submitted")

    # staff open the queue and request a change
    sign_in(staff_page, base, staff.email)
    follow_menu(staff_page, "Applications")
    staff_page.click("text=Prairie Parcels LLC")
    expect(staff_page.locator("#application")).to_contain_text("Insurance certificate")
    staff_page.check("input[name=decision][value=request_changes]")
    staff_page.fill("textarea[name=reason]", "Please add your fleet insurance policy number.")
    staff_page.click("#decision button[type=submit]")
    expect(staff_page.locator("#application-status")).to_have_text("Changes requested")

    # the owner sees the message, amends and resubmits
    owner_page.goto(f"{base}/dsps/application/")
    expect(owner_page.locator("#reviewer-message")).to_contain_text("policy number")
    owner_page.fill(
        "textarea[name=experience]", "Three years of courier work. Fleet policy FP-2231."
    )
    owner_page.click("button[name=submit]")
    expect(owner_page.locator("#application-status")).to_have_text("Submitted")

    # staff approve, verifying the documents and assigning the territory
    staff_page.reload()
    staff_page.check("input[name=decision][value=approve]")
    staff_page.select_option("select[name=territory]", label=str(territory))
    staff_page.check("input[name=documents_verified]")
    staff_page.click("#decision button[type=submit]")
    expect(staff_page.locator("#application-status")).to_have_text("Approved")

    # the owner now runs an active DSP with its territory and checklist
    owner_page.goto(f"{base}/")
    expect(owner_page.locator("h1")).to_contain_text("Prairie Parcels")
    expect(owner_page.locator("#panel-dsp")).to_contain_text("Active")
    checklist = owner_page.locator("#panel-onboarding")
    expect(checklist.locator("#onboarding-progress")).to_be_visible()
    expect(checklist.locator("li[data-key=documents_verified]")).to_have_class("done")
    follow_menu(owner_page, "Territories")
    expect(owner_page.locator("table")).to_contain_text("DDA1-07")
    polygons = owner_page.locator("#territory-map .leaflet-overlay-pane svg path")
    expect(polygons).to_have_count(1)
    assert DspApplication.objects.get().status == DspApplication.Status.APPROVED


def test_staff_draw_a_territory_on_the_map_without_tiles(live_server, page):
    station = StationFactory(code="DDA1", name="Dallas Central")
    sign_in(page, live_server.url, StaffFactory().user.email)
    page.goto(f"{live_server.url}/dsps/territories/new/")
    box = page.locator("#territory-map").bounding_box()
    for dx, dy in [(0.3, 0.3), (0.6, 0.3), (0.6, 0.6), (0.3, 0.6)]:
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    expect(page.locator("#territory-map-corners")).to_have_text("4")
    page.select_option("select[name=station]", label=str(station))
    page.fill("input[name=code]", "DDA1-09")
    page.fill("input[name=name]", "Bishop Arts")
    page.click("main button:has-text('Save territory')")
    expect(page.locator("h1")).to_have_text("DDA1-09 · Bishop Arts")
    expect(page.locator("#territory-holder")).to_contain_text("Unassigned")
    expect(page.locator("#territory-map .leaflet-overlay-pane svg path")).to_have_count(1)
