"""Irreversible actions ask once, naming what will happen, and refuse a confirmation of a world
that changed since it was shown."""

import datetime

import pytest
from playwright.sync_api import expect

from dsps.models import Dsp
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, StaffFactory
from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _ask_to_terminate(page, url: str, dsp: Dsp, effective: datetime.date) -> None:
    page.goto(f"{url}/compliance/actions/new/?dsp={dsp.pk}")
    page.select_option("#id_kind", "penalty")  # the form shows the chosen kind's fields only
    expect(page.locator("#action-form input[name=amount]")).to_be_visible()
    expect(page.locator("#action-form input[name=effective_on]")).to_be_hidden()
    page.select_option("#id_kind", "termination")
    expect(page.locator("#action-form input[name=amount]")).to_be_hidden()
    page.fill("#action-form textarea[name=reason]", "Falsified delivery scans.")
    page.fill("#action-form input[name=effective_on]", effective.isoformat())
    page.click("#action-form button[type=submit]")


def test_termination_needs_the_confirmation_step(live_server, page):
    dsp = DspFactory(name="Prairie Delivery")
    DriverFactory(dsp=dsp)
    effective = dsp.station.today() + datetime.timedelta(days=8)
    sign_in(page, live_server.url, StaffFactory().user.email)

    _ask_to_terminate(page, live_server.url, dsp, effective)
    button = page.locator("#confirm-terminate")
    expect(button).to_have_text(f"Terminate Prairie Delivery on {effective:%-d %b}")
    expect(page.locator("#confirm-effects")).to_contain_text("1 driver will be terminated")
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.ACTIVE

    button.click()
    expect(page.locator("h1")).to_have_text("Termination · Prairie Delivery")
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.TERMINATED


def test_a_stale_termination_confirmation_is_refused(live_server, page):
    dsp = DspFactory(name="Prairie Delivery")
    effective = dsp.station.today() + datetime.timedelta(days=8)
    sign_in(page, live_server.url, StaffFactory().user.email)

    _ask_to_terminate(page, live_server.url, dsp, effective)
    expect(page.locator("#confirm-effects")).to_contain_text("0 drivers will be terminated")
    DriverFactory(dsp=dsp)  # hired while the confirmation page was open
    page.click("#confirm-terminate")

    expect(page.locator("#confirm-error")).to_contain_text(
        "Prairie Delivery changed after the confirmation was shown"
    )
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.ACTIVE
