"""A dispatcher's planning morning: import, fix a bad row, plan, watch, map, move a stop."""

import pytest
from playwright.sync_api import expect

from dsps.models import Role
from routes.models import RouteStop
from tests.dsps.factories import MembershipFactory, TerritoryFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import onboarded_dsp, plannable_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "tracking_id,recipient_name,address,latitude,longitude,window_start,window_end,size"


def manifest_csv(bad_row: bool) -> bytes:
    rows = [HEADER]
    for n in range(16):
        lat = 32.800 + (n % 4) * 0.004
        lon = -96.830 + (n // 4) * 0.006
        rows.append(f"E2E{n:04d},R {n},{100 + n} Cedar Springs Rd,{lat:.6f},{lon:.6f},,,1")
    if bad_row:
        rows[3] = "E2E0002,R 2,102 Cedar Springs Rd,32.808000,-96.830000,05:00,06:00,1"
    return ("\n".join(rows) + "\n").encode()


def planning_dispatcher():
    """An onboarded DSP with a territory, two vans of eight and two drivers, and its
    dispatcher: a day of `manifest_csv` plans into two routes."""
    dsp = onboarded_dsp()
    TerritoryFactory(station=dsp.station, dsp=dsp)
    plannable_fleet(dsp, vans=2, drivers=2, capacity=8)
    return dsp, MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user


def test_a_dispatcher_imports_plans_watches_and_moves_a_stop(
    live_server, page, celery_worker_process
):
    # given: an onboarded DSP with a territory, two vans of eight and two drivers
    _, dispatcher = planning_dispatcher()
    sign_in(page, live_server.url, dispatcher.email)

    # when: a manifest with a window before the station opens is uploaded
    page.goto(f"{live_server.url}/routes/manifests/import/")
    page.set_input_files(
        "input[name=file]",
        {"name": "day.csv", "mimeType": "text/csv", "buffer": manifest_csv(bad_row=True)},
    )
    page.click("#manifest-form button[type=submit]")
    # then: the row is named and nothing is imported
    errors = page.locator("#row-errors")
    expect(errors).to_contain_text("window_start")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("4")

    # when: the fixed file is uploaded
    page.set_input_files(
        "input[name=file]",
        {"name": "day.csv", "mimeType": "text/csv", "buffer": manifest_csv(bad_row=False)},
    )
    page.click("#manifest-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Imported 16 packages")
    expect(page.locator("#stop-count")).to_contain_text("16 stops to plan")

    # when: the day is planned with a short time limit
    page.fill("input[name=time_limit_s]", "3")
    page.click("#plan-form button[type=submit]")
    # then: the progress bar moves and the job succeeds
    expect(page.locator("#job-bar")).to_be_visible(timeout=15_000)
    expect(page.locator("#job-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator("#job-summary")).to_contain_text("16")

    # and: the routes are on the map, one line per route, drawn without tiles
    page.click("#view-routes")
    expect(page.locator("#routes-map[data-ready='1']")).to_be_attached()
    expect(page.locator("#routes-map path.route-line")).to_have_count(2)
    expect(page.locator("#route-table tbody tr")).to_have_count(2)

    # when: the first stop of the first route is moved to the end of the second route
    page.locator("#route-table tbody tr").first.locator("a").first.click()
    first_row = page.locator("#route-stops tbody tr").first
    address = first_row.get_attribute("data-stop")
    target = page.locator("#move-to-route option").nth(1)
    target_code = target.text_content()
    page.locator("#move-stop").select_option(first_row.get_attribute("data-rs"))
    page.locator("#move-to-route").select_option(label=target_code)
    page.locator("#move-position").fill("1")
    page.click("#move-preview")
    # then: the consequence is shown first, and the move is saved when kept
    expect(page.locator("#move-consequence")).to_contain_text(f"{target_code}: ")
    page.click("#move-keep")
    expect(page.locator("#kept-moves")).to_contain_text(f"{address} → {target_code} stop 1")
    moved = RouteStop.objects.select_related("route").get(stop__address=address)
    assert (moved.route.code, moved.sequence) == (target_code, 1)
