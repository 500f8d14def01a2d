"""DSP analytics, end to end: the owner opens the page from the menu, sees the daily rates
drawn, a recurring problem listed and mapped, the driver leaderboard, and exports a CSV."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from tests.analytics.test_pages import _history
from tests.dsps.factories import MembershipFactory
from tests.e2e.nav import follow_menu
from tests.e2e.test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_owner_reads_analytics_and_exports_the_problem_list(live_server, page):
    # given: six days of two routes, one address failing every other day
    member = MembershipFactory(role=Role.OWNER)
    _history(member.dsp, days=6, routes=2, stops=2)

    # when: the owner opens Analytics from the menu
    sign_in(page, live_server.url, member.user.email)
    follow_menu(page, "Analytics")

    # then: the rates chart is drawn, the problem address is listed and on the map
    expect(page.locator("h1")).to_have_text(f"Analytics · {member.dsp.name}")
    expect(page.locator("#rates-chart")).to_have_attribute("data-ready", "1")
    expect(page.locator("#rates-summary")).to_contain_text("18 of 24 packages delivered")
    expect(page.locator("#recurring-addresses tbody tr")).to_have_count(1)
    expect(page.locator("#recurring-addresses tbody tr")).to_contain_text("9 PROBLEM RD")
    expect(page.locator("#recurring-addresses tbody tr")).to_contain_text("3 of 6")
    expect(page.locator("#recurring-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#recurring-map path.leaflet-interactive")).to_have_count(1)
    expect(page.locator("#leaderboard-table tbody tr")).to_have_count(2)

    # and exports the recurring problems as CSV
    with page.expect_download() as download:
        page.click("a[data-csv=recurring-addresses]")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0][:3] == ["address", "failed or late visits", "failed visits"]
    assert rows[1][:5] == ["9 PROBLEM RD", "3", "3", "0", "6"]
