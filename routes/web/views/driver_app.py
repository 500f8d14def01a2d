"""The driver's installable app: the service worker that keeps the day's shell offline."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse

from dsps.models import Role
from dsps.tenancy import role_required

# What the driver's day needs to open with no connection (the page itself is cached on visit).
SHELL_FILES = (
    "css/app.css",
    "js/outbox-rules.js",
    "js/routes-driver.js",
    "js/routes-map.js",
    "js/nav.js",
    "vendor/htmx/htmx.min.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "driver/manifest.webmanifest",
    "driver/icon-192.png",
    "driver/icon-512.png",
)
WORKER = "js/driver-sw.js"


@cache
def _worker_source() -> str:
    """The worker with its shell list and a version that changes whenever any of them does."""
    digest = hashlib.sha256()
    for name in (WORKER, *SHELL_FILES):
        with open(finders.find(name), "rb") as f:
            digest.update(f.read())
    shell = [static(name) for name in SHELL_FILES]
    with open(finders.find(WORKER), encoding="utf-8") as f:
        body = f.read()
    return f'var SHELL = {json.dumps(shell)};\nvar VERSION = "{digest.hexdigest()[:12]}";\n' + body


@role_required(Role.DRIVER)
def driver_service_worker(request):
    """The service worker script, served under /routes/my-day/ so its scope is the driver's day."""
    response = HttpResponse(_worker_source(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new version on each visit
    response["Service-Worker-Allowed"] = reverse("routes:driver-day")
    return response
