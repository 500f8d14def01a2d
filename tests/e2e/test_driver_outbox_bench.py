"""Benchmark (not part of the suite; `python bench/outbox_bench.py` runs it): 50 photo
deliveries recorded offline on a 390×844 phone, the storage they take on the phone, and the time
to drain the outbox against the local test server once the signal returns."""

import json
import os
import time

import pytest
from playwright.sync_api import expect

from routes.models import DeliveryEvent
from tests.e2e.test_driver_offline import _camera_photo, _open_day
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import driving_route

pytestmark = [pytest.mark.benchmark, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# bench/outbox_bench.py --deliveries N sets it; the suite smoke-runs it with two.
DELIVERIES = int(os.environ.get("OUTBOX_BENCH_DELIVERIES", "50"))
OUTBOX_BYTES = """() => new Promise(resolve => {
    const open = indexedDB.open("nextmile-driver");
    open.onsuccess = () => {
        const get = open.result.transaction("outbox").objectStore("outbox").getAll();
        get.onsuccess = () => resolve(
            get.result.reduce((n, a) => n + (a.photo ? a.photo.size : 0), 0));
    };
})"""


def test_outbox_with_50_photo_deliveries(live_server, phone):
    route = driving_route(stops=DELIVERIES)
    packages = [rs.stop.packages.get() for rs in route.route_stops.order_by("sequence")]
    sign_in(phone, live_server.url, route.driver.user.email)
    _open_day(phone, live_server.url)
    before = phone.evaluate("navigator.storage.estimate().then(e => e.usage)")
    phone.context.set_offline(True)
    camera_bytes = 0
    record_start = time.perf_counter()
    for i, package in enumerate(packages):
        photo = _camera_photo(i)
        camera_bytes += len(photo["buffer"])
        row = phone.locator(f'.pkg[data-package="{package.tracking_id}"]')
        row.get_by_role("button", name="Delivered", exact=True).click()
        row.locator(".deliver-form [name=delivered_to]").select_option("recipient")
        row.locator(".deliver-form [name=photo]").set_input_files(photo)
        row.locator(".deliver-form button[type=submit]").click()
        expect(row.locator(".state")).to_have_text("Delivered (waiting to send)")
    record_s = time.perf_counter() - record_start
    expect(phone.locator("#outbox-waiting")).to_have_text(f"{DELIVERIES} actions waiting to send")
    queued_bytes = phone.evaluate(OUTBOX_BYTES)
    after = phone.evaluate("navigator.storage.estimate().then(e => e.usage)")

    drain_start = time.perf_counter()
    phone.context.set_offline(False)
    expect(phone.locator("#outbox-waiting")).to_have_text(
        "Nothing waiting to send", timeout=300_000
    )
    drain_s = time.perf_counter() - drain_start
    assert DeliveryEvent.objects.filter(route=route, kind="delivered").count() == DELIVERIES
    print(
        "OUTBOX-BENCH "
        + json.dumps(
            {
                "deliveries": DELIVERIES,
                "camera_photos_mb": round(camera_bytes / 1e6, 1),
                "queued_photos_mb": round(queued_bytes / 1e6, 2),
                "mean_queued_photo_kb": round(queued_bytes / DELIVERIES / 1e3),
                "storage_estimate_growth_mb": round((after - before) / 1e6, 2),
                "record_s_incl_photo_generation": round(record_s, 1),
                "drain_s": round(drain_s, 1),
                "drain_per_action_ms": round(drain_s * 1000 / DELIVERIES),
            }
        )
    )
