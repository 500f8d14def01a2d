"""Every write page and endpoint × every role: the declared writers pass, the others change nothing.

Generated from the URL configuration and the API router: a write endpoint without a declared
set of roles (`WRITE_ROLES` in `tests/<app>/roles_cases.py`) fails the suite. A refused role
gets 403 (or 404 where the object is hidden from it) and no table gains or loses a row; an
allowed role is never refused with 403. Objects belong to the user's own DSP, so a refusal is
about the role, not about tenancy (that is the tenancy matrix's job).
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.urls import reverse

from dsps.models import Role
from dsps.services.api_keys import api_key_create
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.roles.cases import collect_write_roles
from tests.roles.endpoints import write_endpoints
from tests.tenancy.urls import PROJECT_APPS

WRITE_ROLES, MAKERS, REDIRECTS = collect_write_roles()
ENDPOINTS = {e.name: e for e in write_endpoints()}
ROLES = [Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER, Role.DRIVER]
CASES = [
    (name, method, str(role))
    for name in sorted(ENDPOINTS)
    for method in ENDPOINTS[name].methods
    for role in ROLES
]


def test_every_write_endpoint_declares_its_roles():
    missing = sorted(set(ENDPOINTS) - WRITE_ROLES.keys())
    stale = sorted(WRITE_ROLES.keys() - set(ENDPOINTS))
    unknown = {n: r for n, r in WRITE_ROLES.items() if not set(r) <= {str(x) for x in ROLES}}
    print(f"roles matrix: {len(ENDPOINTS)} write endpoints, {len(CASES)} endpoint × method × role")
    assert missing == [], f"Write endpoints with no declared WRITE_ROLES: {missing}"
    assert stale == [], f"WRITE_ROLES for endpoints that take no writes: {stale}"
    assert unknown == {}, f"Unknown roles: {unknown}"
    needs_object = sorted(n for n in ENDPOINTS if ENDPOINTS[n].endpoint.params and n not in MAKERS)
    assert needs_object == [], f"Object write endpoints with no maker: {needs_object}"


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


def _driver_user(dsp):
    member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    DriverFactory(dsp=dsp, user=member.user)
    return member.user


def _user(role, dsp, driver_user):
    if role == Role.PROGRAM_STAFF:
        return StaffFactory().user
    if role == Role.DRIVER:
        return driver_user
    return MembershipFactory(dsp=dsp, role=role).user


def _send(client, write: object, method: str, kwargs: dict):
    url = reverse(write.name, kwargs=kwargs)
    if write.is_api:
        return client.generic(method.upper(), url, json.dumps({}), "application/json")
    return client.generic(method.upper(), url, "", "application/x-www-form-urlencoded")


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_only_the_declared_roles_write(client, db, name, method, role):
    if name not in WRITE_ROLES:
        pytest.fail(f"{name} declares no WRITE_ROLES")
    write = ENDPOINTS[name]
    # given: a DSP with a driver, the endpoint's object in that DSP, and a user in `role` there
    dsp = DspFactory()
    driver_user = _driver_user(dsp)
    kwargs = MAKERS[name](dsp, driver_user) if write.endpoint.params else {}
    client.force_login(_user(role, dsp, driver_user))
    before = _row_counts()
    # when: an empty write (an allowed role may then get a 400, never a 403)
    response = _send(client, write, method, kwargs)
    # then
    status = response.status_code
    assert status < 500, (name, method, role, status)
    if role in WRITE_ROLES[name]:
        assert status != 403, (name, method, role, status)
    else:
        refused = (403, 404, 302) if name in REDIRECTS else (403, 404)
        assert status in refused, (name, method, role, status)
        assert _row_counts() == before, (name, method, role)


API_WRITES = [
    (n, m) for n in sorted(ENDPOINTS) if ENDPOINTS[n].is_api for m in ENDPOINTS[n].methods
]


@pytest.mark.parametrize(("name", "method"), API_WRITES)
def test_a_read_only_key_writes_nothing(client, db, name, method):
    # given: an owner's read-only key and an object of the owner's own DSP
    write = ENDPOINTS[name]
    dsp = DspFactory()
    driver_user = _driver_user(dsp)
    kwargs = MAKERS[name](dsp, driver_user) if write.endpoint.params else {}
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    _, raw = api_key_create(by=owner, name="reporting", scope="read_only")
    before = _row_counts()
    # when
    response = client.generic(
        method.upper(),
        reverse(name, kwargs=kwargs),
        json.dumps({}),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # then
    assert response.status_code == 403, (name, method, response.status_code)
    assert response.json()["detail"] == "This API key is read-only."
    assert _row_counts() == before, (name, method)
