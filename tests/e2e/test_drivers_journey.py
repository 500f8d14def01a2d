"""Hire a driver, let them set a password and pass their training on a phone, then assign."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from dsps.models import Role
from tests.drivers.factories import ApplicantFactory, TrainingModuleFactory
from tests.dsps.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-van-full-of-parcels-42"


def sign_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def answer(page, choices: list[str]) -> None:
    for n, choice in enumerate(choices):
        page.locator("#quiz fieldset").nth(n).get_by_label(choice, exact=True).check()
    page.click("#quiz button[type=submit]")


def test_an_owner_hires_a_driver_who_trains_on_a_phone_and_becomes_assignable(
    live_server, page, phone
):
    # given: a DSP owner, two required driver modules and an applicant
    owner = MembershipFactory(role=Role.OWNER)
    safe = TrainingModuleFactory(title="Safe driving", questions=2)
    TrainingModuleFactory(title="Package handling", questions=1)
    applicant = ApplicantFactory(
        dsp=owner.dsp, first_name="Rosa", last_name="Delgado", email="rosa@mail.test"
    )
    base = live_server.url

    # when: the owner moves the applicant across the board to hired
    sign_in(page, base, owner.user.email)
    page.goto(f"{base}/drivers/hiring/")
    card = f"#applicant-{applicant.pk}"
    page.click(f"{card} button:has-text('Interviewed')")
    expect(page.locator(f"#stage-interviewed {card}")).to_be_visible()
    page.click(f"{card} button:has-text('Offered')")
    expect(page.locator(f"#stage-offered {card}")).to_be_visible()
    page.click(f"{card} button:has-text('Hire')")
    expect(page.locator(".messages")).to_contain_text("Rosa Delgado is hired")
    expect(page.locator(f"#stage-hired {card}")).to_be_visible()

    # then: the invitation carries a one-time link where the driver sets a password
    [invitation] = [m for m in mail.outbox if m.to == ["rosa@mail.test"]]
    link = re.search(r"https?://\S+", invitation.body).group(0)
    phone.goto(link)
    phone.fill("input[name=password1]", NEW_PASSWORD)
    phone.fill("input[name=password2]", NEW_PASSWORD)
    phone.click("button[type=submit]")

    # and lands on sign-in; signing in on the phone shows the training to do
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    phone.fill("input[name=login]", "rosa@mail.test")
    phone.fill("input[name=password]", NEW_PASSWORD)
    phone.click("button[type=submit]")
    expect(phone).to_have_url(f"{base}/")
    panel = phone.locator("#panel-driver-training")
    expect(panel).to_contain_text("Safe driving")
    expect(panel).to_contain_text("Package handling")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # when: they fail the first quiz, then pass it, then pass the other module
    panel.get_by_role("link", name="Safe driving").click()
    answer(phone, ["wrong", "right"])
    expect(phone.locator("#quiz-result")).to_contain_text("you scored 50%")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    answer(phone, ["right", "right"])
    expect(phone.locator("#quiz-result")).to_contain_text("Passed with 100%")
    phone.goto(f"{base}/")
    phone.locator("#panel-driver-training").get_by_role("link", name="Package handling").click()
    answer(phone, ["right"])
    expect(phone.locator("#quiz-result")).to_contain_text("Passed")
    phone.goto(f"{base}/")
    expect(phone.locator("#panel-driver-training")).to_contain_text("All your training is done")

    # and the owner sets the weekly availability; the driver is now assignable
    page.goto(f"{base}/drivers/hiring/")
    page.click(f"{card} a:has-text('Driver record')")
    expect(page.locator("#assignability")).to_have_text("Not assignable")
    expect(page.locator("#reasons")).to_contain_text("Not available on")
    page.click("text=Set weekly availability")
    for day in range(7):
        page.check(f"input[name=available_{day}]")
        page.fill(f"input[name=starts_at_{day}]", "08:00")
        page.fill(f"input[name=ends_at_{day}]", "18:00")
    page.click("button:has-text('Save availability')")
    expect(page.locator("#assignability")).to_have_text("Assignable")
    page.goto(f"{base}/")
    expect(page.locator("#assignable-today")).to_contain_text("1 assignable today")
    page.goto(f"{base}/drivers/compliance/")
    expect(page.locator("#compliance-table")).to_contain_text("Assignable")

    # when: the licence turns out to have expired yesterday
    page.goto(f"{base}/drivers/hiring/")
    page.click(f"{card} a:has-text('Driver record')")
    page.click("text=Edit record")
    yesterday = owner.dsp.station.today() - timedelta(days=1)
    page.fill("input[name=licence_expires_on]", yesterday.isoformat())
    page.click("button:has-text('Save')")

    # then: they are unassignable again, and the page says why
    expect(page.locator("#assignability")).to_have_text("Not assignable")
    expect(page.locator("#reasons")).to_contain_text(f"Licence expired on {yesterday:%Y-%m-%d}.")
    page.goto(f"{base}/")
    expect(page.locator("#assignable-today")).to_contain_text("0 assignable today")
    assert safe.completions.filter(passed=False).count() == 1
