"""Program compliance, end to end: staff warn a DSP, then suspend it; the next plan of the
station skips it and its driver's phone says so; staff lift the suspension."""

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from tests.drivers.factories import DriverFactory, IncidentFactory
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import onboarded_dsp, planning_day

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_warn_suspend_plan_without_the_dsp_and_lift(
    live_server, page, phone, celery_worker_process
):
    # given: an onboarded DSP with stops to plan today, a driver with a sign-in, an incident
    dsp = onboarded_dsp(name="Trinity Route Co")
    planning_day(dsp=dsp, stops=3)
    driver_member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    driver = DriverFactory(dsp=dsp, user=driver_member.user)
    incident = IncidentFactory(driver=driver)
    today = dsp.station.today().isoformat()
    sign_in(page, live_server.url, StaffFactory().user.email)

    # when: staff warn the DSP, citing the incident
    page.goto(f"{live_server.url}/compliance/actions/new/?dsp={dsp.pk}")
    page.select_option("#id_kind", "warning")
    page.fill("#action-form textarea[name=reason]", "Speeding near schools.")
    expect(page.locator("#action-form input[name=starts_on]")).to_be_hidden()
    page.click("#action-form details.evidence summary")
    page.check(f"#action-form input[name=incidents][value='{incident.pk}']")
    page.click("#action-form button[type=submit]")
    # then
    expect(page.locator("h1")).to_have_text("Warning · Trinity Route Co")
    expect(page.locator("#action-evidence")).to_contain_text("Speeding")

    # when: they suspend it from today, with no end
    page.goto(f"{live_server.url}/compliance/actions/new/?dsp={dsp.pk}")
    page.select_option("#id_kind", "suspension")
    page.fill("#action-form textarea[name=reason]", "Speeding again after the warning.")
    page.fill("#action-form input[name=starts_on]", today)
    page.click("#action-form button[type=submit]")
    expect(page.locator("#action-facts")).to_contain_text("until lifted")
    suspension_url = page.url

    # then: the station's plan of the day skips the DSP
    page.goto(f"{live_server.url}/routes/plan/")
    page.select_option("select[name=station]", str(dsp.station_id))
    page.fill("input[name=service_date]", today)
    page.fill("input[name=time_limit_s]", "2")
    page.click("#plan-form button[type=submit]")
    expect(page.locator("#job-skipped")).to_contain_text(
        "Trinity Route Co was skipped: suspended from new routes", timeout=30_000
    )

    # and its driver sees why on the phone
    sign_in(phone, live_server.url, driver_member.user.email)
    expect(phone.locator("#suspension-notice")).to_contain_text(
        "Trinity Route Co is suspended from new routes until further notice"
    )

    # when: staff lift the suspension
    page.goto(suspension_url)
    page.fill("#lift-form input[name=reason]", "Retraining done.")
    page.click("#lift-form button[type=submit]")
    # then
    expect(page.locator(".messages")).to_contain_text("Suspension lifted")
    expect(page.locator("#action-facts")).to_contain_text("Lifted")
    phone.reload()
    expect(phone.locator("#suspension-notice")).to_have_count(0)
