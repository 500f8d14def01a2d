"""The driver's installable app: manifest, service worker, and a page with no inline script."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.routes.factories import driving_route

pytestmark = pytest.mark.django_db


def test_the_manifest_installs_the_drivers_day_standalone():
    with open(finders.find("driver/manifest.webmanifest")) as f:
        manifest = json.load(f)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/routes/my-day/",
        "/routes/my-day/",
        "standalone",
    )
    assert [(i["src"], i["sizes"]) for i in manifest["icons"]] == [
        ("icon-192.png", "192x192"),
        ("icon-512.png", "512x512"),
    ]
    assert all(finders.find(f"driver/{i['src']}") for i in manifest["icons"])


def test_the_service_worker_is_served_under_the_days_scope_with_its_shell(client):
    route = driving_route(stops=1)
    client.force_login(route.driver.user)
    response = client.get(reverse("routes:driver-sw"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/routes/my-day/"
    body = response.content.decode()
    shell = json.loads(re.match(r"var SHELL = (\[.*\]);", body).group(1))
    assert "/static/js/routes-driver.js" in shell
    assert "/static/vendor/leaflet/leaflet.js" in shell
    assert re.search(r'var VERSION = "[0-9a-f]{12}";', body)


def test_the_service_worker_is_not_served_to_someone_signed_out(client):
    response = client.get(reverse("routes:driver-sw"))
    assert response.status_code == 302


def test_the_day_page_has_no_inline_script_or_handler(client):
    route = driving_route(stops=2)
    client.force_login(route.driver.user)
    page = client.get(reverse("routes:driver-day")).content.decode()
    day = page[page.index('<div id="driver-day">') :]
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", day) == []
    assert re.findall(r"\son[a-z]+=", day) == []
    assert 'rel="manifest"' in page


def test_signing_out_clears_the_browsers_cache_but_not_the_phones_outbox(client):
    # given: a driver signed in
    route = driving_route()
    client.force_login(route.driver.user)

    # when: they sign out
    response = client.post(reverse("account_logout"))

    # then: signed out, and the browser is told to drop its cache only: "storage" would delete
    # the IndexedDB outbox and the deliveries still waiting in it
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert client.get(reverse("routes:driver-day")).status_code == 302
