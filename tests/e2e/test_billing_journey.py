"""Billing, end to end: staff approve a statement; the owner reads it, downloads the PDF and
CSV, disputes a line, and sees the cash-flow chart drawn with its tier-drop series."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from billing.models import Dispute, Scorecard, Statement
from billing.services import statement_generate
from dsps.calendar import last_closed_week
from dsps.models import Role
from routes.models import Route
from tests.billing.factories import RateCardFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.e2e.nav import follow_menu
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import DeliveryEventFactory, PackageFactory, RouteFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_approve_and_the_owner_downloads_disputes_and_plans(live_server, page, browser):
    # given: a DSP's last closed week with one route and four deliveries, as a draft statement
    dsp = DspFactory(status="active", name="Lone Star Last Mile")
    week = last_closed_week(dsp.station)
    RateCardFactory(station=dsp.station, effective_from=week - datetime.timedelta(days=28))
    route = RouteFactory(
        dsp=dsp, service_date=week + datetime.timedelta(days=1), status=Route.Status.COMPLETED
    )
    for _ in range(4):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    statement = statement_generate(dsp=dsp, week_start=week)
    # the week's scorecard stands at Fantastic, so a drop to Great costs 0.03 a package
    Scorecard.objects.filter(dsp=dsp).update(tier="fantastic")
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user

    # when: program staff approve it
    sign_in(page, live_server.url, StaffFactory().user.email)
    page.goto(f"{live_server.url}/billing/statements/")
    page.click(f"#statement-table a[href='/billing/statements/{statement.pk}/']")
    expect(page.locator("#net")).to_have_text("$232.40")
    page.click("#approve-form button")
    expect(page.locator("#confirm-approve")).to_have_text(f"Approve $232.40 for {dsp.name}")
    page.click("#confirm-approve")
    expect(page.locator("#statement-status")).to_have_text("Approved")
    expect(page.locator("#approve-form")).to_have_count(0)

    # then: the owner sees it approved with a dispute countdown
    context = browser.new_context()
    owner_page = context.new_page()
    sign_in(owner_page, live_server.url, owner.email)
    follow_menu(owner_page, "Statements")
    owner_page.click(f"#statement-table a[href='/billing/statements/{statement.pk}/']")
    expect(owner_page.locator("#statement-status")).to_have_text("Approved")
    expect(owner_page.locator("#dispute-countdown")).to_contain_text("13 more days")

    # and downloads the PDF and the CSV
    with owner_page.expect_download() as pdf:
        owner_page.click("#download-pdf")
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    with owner_page.expect_download() as csv_file:
        owner_page.click("#download-csv")
    rows = Path(csv_file.value.path()).read_text().splitlines()
    assert rows[0] == "section,kind,description,quantity,rate,amount"
    assert rows[-1] == "total,,net,,,232.40"

    # and disputes the route line
    owner_page.click("#earnings-table tr:has-text('Routes run') a.dispute-link")
    owner_page.fill("textarea[name=message]", "Route R2 was run too.")
    owner_page.fill("input[name=amount]", "230.00")
    owner_page.click("#dispute-form button")
    expect(owner_page.locator("#earnings-table")).to_contain_text("dispute open")
    dispute = Dispute.objects.get()
    assert (dispute.line.kind, dispute.amount, dispute.status) == (
        "routes",
        Decimal("230.00"),
        "open",
    )

    # and the cash-flow chart is drawn
    follow_menu(owner_page, "Finances")
    expect(owner_page.locator("#cashflow-chart")).to_have_attribute("data-ready", "1")
    drawn = owner_page.evaluate(
        "() => { const c = Chart.getChart(document.getElementById('cashflow-chart'));"
        " return c ? c.data.datasets.map(d => [d.label, d.data.length]) : []; }"
    )
    assert drawn == [["Projected cash", 12], ["If the tier drops to Great", 12], ["Reserve", 12]]
    # one Monday with 4 packages in the last four weeks: 1 package a usual Monday × 0.03
    expect(owner_page.locator("#tier-drop")).to_contain_text("you lose $0.03 a week")
    context.close()
    assert Statement.objects.get().status == Statement.Status.APPROVED
