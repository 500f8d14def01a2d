"""Every kind of API refusal carries the documented body: `Error` ({detail, code}) or, for
invalid input, `ValidationError` (messages keyed by field)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from dsps.models import Role
from dsps.services.api_keys import api_key_create
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.routes.factories import PlanJobFactory, RouteFactory, onboarded_dsp

# The stable codes docs/api.md lists; a refusal with any other code fails here first.
DOCUMENTED_CODES = {
    "not_authenticated",
    "authentication_failed",
    "permission_denied",
    "not_found",
    "method_not_allowed",
    "unsupported_media_type",
    "parse_error",
    "conflict",
    "request_in_progress",
    "request_too_large",
    "throttled",
}


@pytest.fixture
def world(db):
    cache.clear()  # the throttle counts in the cache
    dsp = onboarded_dsp()
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    driver = MembershipFactory(dsp=dsp, role=Role.DRIVER).user
    return {
        "dsp": dsp,
        "owner": owner,
        "driver": driver,
        "key": api_key_create(by=owner, name="app", scope="dispatcher")[1],
        "read_only": api_key_create(by=owner, name="bi", scope="read_only")[1],
        "foreign_route": RouteFactory(dsp=DspFactory(station=dsp.station)),
        "running": PlanJobFactory(dsp=dsp, service_date=dsp.station.today()),
    }


def _as(world, who) -> APIClient:
    api = APIClient()
    if who in ("key", "read_only"):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {world[who]}")
    elif who == "bad_key":
        api.credentials(HTTP_AUTHORIZATION="Bearer nm_not-a-key")
    elif who is not None:
        api.force_authenticate(world[who])
    return api


def _refusals(world):
    """(who, method, path, request kwargs, expected status, expected code or None for 400s)."""
    today = world["dsp"].station.today().isoformat()
    plan = {"service_date": today, "time_limit_s": 5}
    return [
        (None, "get", "/api/v1/routes/", {}, 401, "not_authenticated"),
        ("bad_key", "get", "/api/v1/routes/", {}, 401, "authentication_failed"),
        ("read_only", "post", "/api/v1/plan-jobs/", {"data": plan}, 403, "permission_denied"),
        ("driver", "get", "/api/v1/statements/", {}, 403, "permission_denied"),
        ("owner", "post", "/api/v1/compliance/actions/", {"data": {}}, 403, "permission_denied"),
        ("key", "get", f"/api/v1/routes/{world['foreign_route'].pk}/", {}, 404, "not_found"),
        ("key", "get", "/api/v1/no-such-thing/", {}, 404, "not_found"),
        ("driver", "get", "/api/v1/my-route/live/", {}, 404, "not_found"),
        ("key", "delete", "/api/v1/routes/", {}, 405, "method_not_allowed"),
        ("key", "post", "/api/v1/plan-jobs/", {"data": plan, "format": "json"}, 409, "conflict"),
        ("key", "post", "/api/v1/plan-jobs/", _body("{", "application/json"), 400, "parse_error"),
        ("key", "post", "/api/v1/plan-jobs/", _body("x", "text/plain"), 415, None),
        ("key", "get", "/api/v1/routes/", {"data": {"page": 99}}, 400, None),
        ("key", "get", "/api/v1/routes/", {"data": {"ordering": "secret"}}, 400, None),
        ("key", "post", "/api/v1/plan-jobs/", {"data": {}, "format": "json"}, 400, None),
        ("key", "post", "/api/v1/day/scans/", {"data": {"route": "x"}}, 400, None),
        ("key", "post", "/api/v1/plan-jobs/", _oversized(), 413, "request_too_large"),
    ]


def _body(text: str, content_type: str) -> dict:
    return {"data": text, "content_type": content_type}


def _oversized() -> dict:
    return {"data": "{}", "content_type": "application/json", "CONTENT_LENGTH": str(1024**3)}


def _assert_documented_shape(status: int, code, body):
    if code is None and status == 400:  # ValidationError: field → list of messages
        assert body and all(isinstance(v, list) and v for v in body.values()), body
        assert all(isinstance(m, str) for v in body.values() for m in v), body
        return
    assert isinstance(body["detail"], str) and body["detail"], body
    assert body["code"] in DOCUMENTED_CODES, body
    if code is not None:
        assert body["code"] == code, body


def test_every_refusal_has_the_documented_body_and_its_stable_code(world):
    for who, method, path, kwargs, status, code in _refusals(world):
        # when
        response = getattr(_as(world, who), method)(path, **kwargs)
        # then
        assert (method, path, who, response.status_code) == (method, path, who, status)
        assert response["Content-Type"].startswith("application/json"), (path, who)
        _assert_documented_shape(status, code, response.json())


def test_a_key_over_its_budget_gets_the_throttled_code(world, settings):
    # given: a budget of one call a minute, spent
    settings.API_KEY_RATE = "1/min"
    api = _as(world, "key")
    assert api.get("/api/v1/me/").status_code == 200
    # when
    refused = api.get("/api/v1/me/")
    # then
    assert refused.status_code == 429
    _assert_documented_shape(429, "throttled", refused.json())
    assert int(refused["Retry-After"]) >= 1
