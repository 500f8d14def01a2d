"""The driver's day offline-first on a 390×844 phone: the day opens and reloads with no signal,
23 actions (20 deliveries with camera-sized photos, 3 failures) wait on the phone through a
closed page, survive the server's 503s and land exactly once; a refused action waits for the
driver with the server's message until it is fixed or discarded.
"""

import io
from functools import cache

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from dsps.models import Role
from routes.models import DeliveryEvent, Route, ShiftPunch
from tests.dsps.factories import MembershipFactory
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import driving_route

# alone: its service worker and outbox are timed by the browser; beside a busy neighbour
# process the page's sends and polls interleave differently.
pytestmark = [pytest.mark.e2e, pytest.mark.alone, pytest.mark.django_db(transaction=True)]

EVENTS = "**/api/v1/day/events/"


H, W = 3024, 4032  # a 12-megapixel phone camera


@cache
def _exposure() -> np.ndarray:
    """Light falling across the frame, with sensor noise: shared by every generated photo."""
    rng = np.random.default_rng(0)
    y = np.linspace(60, 170, H, dtype=np.float32)[:, None, None]
    x = np.linspace(0, 40, W, dtype=np.float32)[None, :, None]
    noise = rng.normal(0, 16, (H, W, 3)).astype(np.float32)
    tint = np.array([10, 0, -10], dtype=np.float32)
    return np.clip(y + x + noise + tint, 0, 255).astype(np.int16)


def _camera_photo(seed: int) -> dict:
    """A 4032×3024 JPEG of about 4.6 MB: a scene of shapes (edges the photo check sees after
    downscaling, as a real doorstep has) under a gradient with sensor noise."""
    rng = np.random.default_rng(seed)
    tiles = rng.integers(-40, 40, (H // 96 + 1, W // 96 + 1, 1), dtype=np.int16)
    scene = np.repeat(np.repeat(tiles, 96, axis=0), 96, axis=1)[:H, :W]
    out = io.BytesIO()
    Image.fromarray(np.clip(_exposure() + scene, 0, 255).astype(np.uint8)).save(
        out, "JPEG", quality=88
    )
    return {"name": f"IMG_{seed:04d}.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _open_day(page, url: str):
    page.goto(f"{url}/routes/my-day/")
    expect(page.locator("h1")).to_contain_text("My day")


def _wait_for_app_shell(page):
    # Polled with evaluate: wait_for_function evaluates a string, which the page's CSP forbids.
    ready = """async () => navigator.serviceWorker.controller !== null
        && !!(await caches.match('/routes/my-day/', {ignoreSearch: true}))"""
    for _ in range(80):
        if page.evaluate(ready):
            return
        page.wait_for_timeout(250)
    assert page.evaluate(ready), "the app shell was not cached"


def test_the_day_opens_offline_and_23_actions_land_exactly_once_with_every_photo(
    live_server, phone
):
    # given: a driver with 23 stops, on the day page online, day started
    route = driving_route(stops=23)
    packages = [rs.stop.packages.get() for rs in route.route_stops.order_by("sequence")]
    sign_in(phone, live_server.url, route.driver.user.email)
    _open_day(phone, live_server.url)
    phone.locator("#start-form [name=odometer_km]").fill(str(route.vehicle.odometer_km + 3))
    phone.locator("#start-form button").click()
    expect(phone.locator("#shift-state")).to_have_text("On route.")
    _wait_for_app_shell(phone)

    # when: the signal goes and the driver reloads
    phone.context.set_offline(True)
    phone.reload()

    # then: the day is still there: route, stops with their windows, packages and the map
    expect(phone.locator("h1")).to_contain_text("My day")
    expect(phone.locator("#stops .stop")).to_have_count(23)
    expect(phone.locator(f'.pkg[data-package="{packages[22].tracking_id}"]')).to_be_visible()
    expect(phone.locator("#stops .eta").first).not_to_be_empty()
    expect(phone.locator("path.route-stop")).to_have_count(23)
    expect(phone.locator("path.route-line")).to_have_count(1)

    # when: 20 deliveries with camera photos and 3 failures are recorded offline
    for i, package in enumerate(packages):
        row = phone.locator(f'.pkg[data-package="{package.tracking_id}"]')
        if i < 20:
            row.get_by_role("button", name="Delivered", exact=True).click()
            row.locator(".deliver-form [name=delivered_to]").select_option("recipient")
            row.locator(".deliver-form [name=photo]").set_input_files(_camera_photo(i))
            row.locator(".deliver-form button[type=submit]").click()
            expect(row.locator(".state")).to_have_text("Delivered (waiting to send)")
        else:
            row.get_by_role("button", name="Failed", exact=True).click()
            row.locator(".fail-form [name=reason]").select_option("recipient_unavailable")
            row.locator(".fail-form button[type=submit]").click()
            expect(row.locator(".state")).to_have_text("Attempt failed (waiting to send)")
    expect(phone.locator("#outbox-waiting")).to_have_text("23 actions waiting to send")
    # photos were downscaled on the phone: longest side 1,600 px, JPEG, well under 500 KB each
    photos = phone.evaluate(
        """() => new Promise(resolve => {
            const open = indexedDB.open("nextmile-driver");
            open.onsuccess = () => {
                const get = open.result.transaction("outbox").objectStore("outbox").getAll();
                get.onsuccess = () => resolve(get.result.filter(a => a.photo)
                    .map(a => [a.photo.type, a.photo.size]));
            };
        })"""
    )
    assert len(photos) == 20
    assert {kind for kind, _ in photos} == {"image/jpeg"}
    assert max(size for _, size in photos) < 500_000

    # and: the page is closed and opened again, still offline
    context = phone.context
    phone.close()
    page = context.new_page()
    _open_day(page, live_server.url)
    expect(page.locator("#outbox-waiting")).to_have_text("23 actions waiting to send")
    assert DeliveryEvent.objects.count() == 0
    assert len(_camera_photo(0)["buffer"]) > 4_000_000  # camera-sized, as the driver shot them

    # when: the signal returns and the server answers 503 to the first attempts
    refused = []

    def unavailable_at_first(request_route):
        if len(refused) < 3:
            refused.append(request_route.request.url)
            request_route.fulfill(status=503, body="Service Unavailable")
        else:
            request_route.continue_()

    page.route(EVENTS, unavailable_at_first)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    # then: every action lands exactly once, every delivery with its photo
    expect(page.locator("#outbox-waiting")).to_have_text("Nothing waiting to send", timeout=60000)
    assert len(refused) == 3
    assert DeliveryEvent.objects.filter(route=route, kind="delivered").count() == 20
    assert DeliveryEvent.objects.filter(route=route, kind="failed").count() == 3
    assert sorted(DeliveryEvent.objects.values_list("package__tracking_id", flat=True)) == sorted(
        p.tracking_id for p in packages
    )
    for event in DeliveryEvent.objects.filter(kind="delivered"):
        with Image.open(event.photo.open("rb")) as image:
            assert max(image.size) == 1600
    assert ShiftPunch.objects.filter(route=route).count() == 1
    expect(page.locator("#outbox-last-sync")).to_contain_text("Last sync ")


def test_a_refused_action_waits_with_its_message_until_fixed_or_discarded(live_server, phone):
    # given: a driver on their day, signed in
    route = driving_route(stops=2)
    first, second = (rs.stop.packages.get() for rs in route.route_stops.order_by("sequence"))
    sign_in(phone, live_server.url, route.driver.user.email)
    _open_day(phone, live_server.url)

    # when: the server refuses a failure with a 400 (answered by the test for the first try)
    answers = []

    def refuse_once(request_route):
        if not answers:
            answers.append(400)
            request_route.fulfill(
                status=400,
                content_type="application/json",
                body='{"reason": ["Choose why the package could not be delivered."]}',
            )
        else:
            request_route.continue_()

    phone.route(EVENTS, refuse_once)
    row = phone.locator(f'.pkg[data-package="{first.tracking_id}"]')
    row.get_by_role("button", name="Failed", exact=True).click()
    row.locator(".fail-form [name=reason]").select_option("recipient_unavailable")
    row.locator(".fail-form button[type=submit]").click()

    # then: it stays on the phone, with the message, across a reload
    held = phone.locator("#outbox-attention li")
    expect(held).to_have_text(
        f"{first.tracking_id} · Attempt failed: Choose why the package could not be delivered."
        "Send againFixDiscard"
    )
    expect(phone.locator("#outbox-attention-count")).to_have_text("1 needs your attention")
    phone.reload()
    expect(phone.locator("#outbox-attention li")).to_have_count(1)
    assert DeliveryEvent.objects.count() == 0

    # when: the driver fixes it (the sheet opens again) and sends it as delivered
    phone.locator("#outbox-attention").get_by_role("button", name="Fix").click()
    row.get_by_role("button", name="Delivered", exact=True).click()
    row.locator(".deliver-form [name=delivered_to]").select_option("household")
    row.locator(".deliver-form button[type=submit]").click()

    # then: the refused one is gone and the fixed one landed once
    expect(row.locator(".state")).to_have_text("Delivered")
    expect(phone.locator("#outbox-attention li")).to_have_count(0)
    assert list(DeliveryEvent.objects.values_list("package", "kind")) == [(first.pk, "delivered")]

    # when: another refused action is discarded
    answers.clear()
    row = phone.locator(f'.pkg[data-package="{second.tracking_id}"]')
    row.get_by_role("button", name="Failed", exact=True).click()
    row.locator(".fail-form [name=reason]").select_option("recipient_unavailable")
    row.locator(".fail-form button[type=submit]").click()
    expect(phone.locator("#outbox-attention li")).to_have_count(1)
    phone.locator("#outbox-attention").get_by_role("button", name="Discard").click()

    # then: nothing waits and nothing was recorded for it
    expect(phone.locator("#outbox-attention li")).to_have_count(0)
    expect(phone.locator("#outbox-waiting")).to_have_text("Nothing waiting to send")
    assert DeliveryEvent.objects.filter(package=second).count() == 0


def _wait_until(page, check, timeout_s: float = 20):
    """Poll the database from the test while the browser works."""
    for _ in range(int(timeout_s * 4)):
        if check():
            return
        page.wait_for_timeout(250)
    assert check()


def test_dispatch_cannot_close_the_route_while_the_drivers_phone_holds_actions(
    live_server, phone, browser
):
    # given: a driver sharing their position, whose failure the server cannot take yet (503)
    route = driving_route(stops=1)
    package = route.route_stops.get().stop.packages.get()
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({"latitude": 32.78, "longitude": -96.8})
    sign_in(phone, live_server.url, route.driver.user.email)
    phone.route(EVENTS, lambda r: r.fulfill(status=503, body="Service Unavailable"))
    _open_day(phone, live_server.url)
    row = phone.locator(f'.pkg[data-package="{package.tracking_id}"]')
    row.get_by_role("button", name="Failed", exact=True).click()
    row.locator(".fail-form [name=reason]").select_option("recipient_unavailable")
    row.locator(".fail-form button[type=submit]").click()
    expect(phone.locator("#outbox-waiting")).to_have_text("1 action waiting to send")

    # when: the phone pings (on opening the day) with its outbox
    phone.reload()

    def reported(n):
        route.refresh_from_db()
        return route.phone_outbox == n

    _wait_until(phone, lambda: reported(1))

    # then: the dispatcher sees it on the route and cannot close the route
    desk = browser.new_context().new_page()
    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    sign_in(desk, live_server.url, dispatcher.email)
    desk.goto(f"{live_server.url}/routes/board/")
    board_row = desk.locator(f'tr[data-route="{route.code}"]')
    expect(board_row.locator(".phone-outbox")).to_contain_text("1 waiting")
    board_row.get_by_role("button", name=f"Close route {route.code}").click()
    expect(desk.locator(".msg.error")).to_contain_text(
        f"Route {route.code} cannot be closed: the driver's phone reported 1 action not sent yet"
    )
    route.refresh_from_db()
    assert route.status == Route.Status.ASSIGNED

    # when: the server takes the action and the phone reports its outbox empty
    phone.unroute(EVENTS)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#outbox-waiting")).to_have_text("Nothing waiting to send")
    _wait_until(phone, lambda: reported(0))

    # then: the dispatcher closes the route
    desk.reload()
    expect(board_row.locator(".phone-outbox")).to_contain_text("none")
    board_row.get_by_role("button", name=f"Close route {route.code}").click()
    expect(desk.locator(".msg.success")).to_have_text(f"Route {route.code} is closed.")
    route.refresh_from_db()
    assert route.status == Route.Status.COMPLETED
    assert DeliveryEvent.objects.filter(route=route, kind="failed").count() == 1
    desk.context.close()


def test_the_service_worker_sends_the_outbox_with_the_page_closed(live_server, phone):
    # given: two failures queued offline, and the day page closed
    route = driving_route(stops=2)
    packages = [rs.stop.packages.get() for rs in route.route_stops.order_by("sequence")]
    sign_in(phone, live_server.url, route.driver.user.email)
    _open_day(phone, live_server.url)
    _wait_for_app_shell(phone)
    context = phone.context
    context.set_offline(True)
    for package in packages:
        row = phone.locator(f'.pkg[data-package="{package.tracking_id}"]')
        row.get_by_role("button", name="Failed", exact=True).click()
        row.locator(".fail-form [name=reason]").select_option("recipient_unavailable")
        row.locator(".fail-form button[type=submit]").click()
    expect(phone.locator("#outbox-waiting")).to_have_text("2 actions waiting to send")
    assert phone.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())") == ["outbox"]
    phone.close()

    # when: the signal returns and the browser fires the Background Sync (as Chromium does on
    # reconnecting; here through DevTools), with no page of the driver's day open
    blank = context.new_page()
    context.set_offline(False)
    cdp = context.new_cdp_session(blank)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    _wait_until(blank, lambda: bool(registrations), timeout_s=5)
    [registration] = [r for r in registrations if r["scopeURL"].endswith("/routes/my-day/")]
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "tag": "outbox",
            "lastChance": False,
        },
    )

    # then: the worker sends both, in order, and empties the outbox
    _wait_until(blank, lambda: DeliveryEvent.objects.count() == 2)
    assert list(
        DeliveryEvent.objects.order_by("occurred_at").values_list("package", flat=True)
    ) == [p.pk for p in packages]
    page = context.new_page()
    _open_day(page, live_server.url)
    expect(page.locator("#outbox-waiting")).to_have_text("Nothing waiting to send")


def _outbox_keys(page) -> list[str]:
    return page.evaluate(
        """() => new Promise(resolve => {
            const open = indexedDB.open("nextmile-driver");
            open.onsuccess = () => {
                const get = open.result.transaction("outbox").objectStore("outbox").getAllKeys();
                get.onsuccess = () => resolve(get.result);
            };
        })"""
    )


def test_signing_out_warns_while_actions_wait_and_keeps_only_them_on_the_phone(live_server, phone):
    # given: a driver with one failure the server cannot take yet (503), the app shell cached
    route = driving_route(stops=1)
    package = route.route_stops.get().stop.packages.get()
    sign_in(phone, live_server.url, route.driver.user.email)
    _open_day(phone, live_server.url)
    _wait_for_app_shell(phone)
    phone.route(EVENTS, lambda r: r.fulfill(status=503, body="Service Unavailable"))
    row = phone.locator(f'.pkg[data-package="{package.tracking_id}"]')
    row.get_by_role("button", name="Failed", exact=True).click()
    row.locator(".fail-form [name=reason]").select_option("recipient_unavailable")
    row.locator(".fail-form button[type=submit]").click()
    expect(phone.locator("#outbox-waiting")).to_have_text("1 action waiting to send")
    sign_out = "document.querySelector('form[action$=\"/accounts/logout/\"]').requestSubmit()"

    # when: they sign out, and say no to the warning
    warnings = []

    def answer(dialog, accept):
        warnings.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    phone.once("dialog", lambda d: answer(d, False))
    phone.evaluate(sign_out)

    # then: still on the day, warned with the count
    assert warnings == [
        "1 action is not sent yet. They stay on this phone and are sent when you sign in again. "
        "Sign out?"
    ]
    expect(phone.locator("h1")).to_contain_text("My day")

    # when: they sign out anyway
    phone.once("dialog", lambda d: answer(d, True))
    with phone.expect_navigation():
        phone.evaluate(sign_out)

    # then: the day's copies are gone from the phone, the unsent action is not
    expect(phone.locator("input[name=login]")).to_be_visible()
    phone.wait_for_timeout(500)
    assert phone.evaluate("caches.keys()") == []
    assert len(_outbox_keys(phone)) == 1

    # and: once they sign in again, it is sent
    phone.unroute(EVENTS)
    sign_in(phone, live_server.url, route.driver.user.email)
    _open_day(phone, live_server.url)
    expect(phone.locator("#outbox-waiting")).to_have_text("Nothing waiting to send")
    assert list(DeliveryEvent.objects.values_list("package", "kind")) == [(package.pk, "failed")]
