"""Each role signs in through the real sign-in page and lands on its home page."""

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import PASSWORD, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_program_staff_sees_the_network_overview(live_server, page):
    user = StaffFactory().user
    sign_in(page, live_server.url, user.email)
    expect(page.locator("h1")).to_have_text("Network overview")
    expect(page.locator("#panel-network")).to_be_visible()


@pytest.mark.parametrize("role", [Role.OWNER, Role.DISPATCHER])
def test_dsp_managers_see_todays_operations(live_server, page, role):
    member = MembershipFactory(role=role)
    sign_in(page, live_server.url, member.user.email)
    expect(page.locator("h1")).to_contain_text("today's operations")
    expect(page.locator("#panel-fleet")).to_be_visible()
    expect(page.locator("nav.mainnav")).to_contain_text("Fleet")


def test_driver_home_fits_a_phone(live_server, phone):
    member = MembershipFactory(role=Role.DRIVER)
    DriverFactory(dsp=member.dsp, user=member.user)
    sign_in(phone, live_server.url, member.user.email)
    expect(phone.locator("#panel-driver-route")).to_contain_text("No route for you today")
    # Nothing wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    expect(phone.locator("nav.mainnav")).to_be_hidden()
    phone.click("label.nav-toggle-label")
    expect(phone.locator("nav.mainnav")).to_be_visible()


def test_a_wrong_password_is_refused_with_a_message(live_server, page):
    user = StaffFactory().user
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator("body")).to_contain_text("not correct")
