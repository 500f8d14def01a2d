"""Driver pay on a 390×844 phone: the driver reads last week's hours and pay, flags a
route; the owner answers from the driver's week; the driver sees the answer."""

import pytest
from playwright.sync_api import expect

from billing.models import PayDiscrepancy
from dsps.calendar import last_closed_week
from dsps.models import Role
from tests.billing.pay_world import driver_week
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.e2e.nav import follow_menu
from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_driver_reads_their_week_and_flags_a_route_the_owner_answers(live_server, phone, page):
    # given: last week, 43.75 h at $22.00 and 10 packages at $0.075 (see pay_world)
    dsp = DspFactory(status="active")
    week = last_closed_week(dsp.station)
    driver, routes = driver_week(dsp=dsp, week=week)
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user

    # when: the driver opens My pay and steps back a week
    sign_in(phone, live_server.url, driver.user.email)
    phone.click(".nav-toggle-label")
    follow_menu(phone, "My pay")
    phone.click("#prev-week")

    # then: hours, overtime, wages, incentive and total to the cent, at phone width
    expect(phone.locator("#pay-hours")).to_have_text("43.75")
    expect(phone.locator("#pay-overtime")).to_have_text("3.75 h × 1.5")
    expect(phone.locator("#pay-wages")).to_have_text("$1,003.75")
    expect(phone.locator("#pay-incentive")).to_contain_text("$0.75")
    expect(phone.locator("#pay-total")).to_have_text("$1,004.50")
    expect(phone.locator(".pay-day")).to_have_count(5)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # when: the driver flags Tuesday's route
    phone.select_option("#flag-form [name=route]", str(routes[1].pk))
    phone.fill("#flag-form [name=message]", "I clocked out at 17:00, not 16:15.")
    phone.click("#flag-form button")
    expect(phone.locator("#pay-questions .pay-question")).to_contain_text("Open")
    question = PayDiscrepancy.objects.get()
    assert (question.route, question.week_start) == (routes[1], week)

    # and the owner answers from the driver's week
    sign_in(page, live_server.url, owner.email)
    expect(page.locator("#panel-pay")).to_contain_text("1 pay question from your drivers")
    follow_menu(page, "Driver pay")
    page.click("#prev-week")
    expect(page.locator("#pay-drivers .badge.open")).to_have_text("1")
    page.click(f"#pay-drivers a:has-text('{driver.full_name}')")
    expect(page.locator("#pay-total")).to_have_text("$1,004.50")
    page.click("#pay-questions .answer-link")
    page.fill("#answer-form [name=answer]", "Checked the van log: 0.75 h added next week.")
    page.click("#answer-form button")
    expect(page.locator("#pay-questions .question-answer")).to_contain_text("0.75 h added")

    # then: the driver sees the answer
    phone.reload()
    expect(phone.locator("#pay-questions .question-answer")).to_have_text(
        "Answer: Checked the van log: 0.75 h added next week."
    )
