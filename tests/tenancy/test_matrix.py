"""Every page and endpoint that names an object × every DSP role × another DSP's object → 404.

Generated from the URL configuration: a new object endpoint without a case fails the suite.
The owner of the object's own DSP must reach it (200), so a case cannot pass by being broken.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dsps.models import Role
from dsps.services.api_keys import api_key_create
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.tenancy.cases import collect, collect_staff_only
from tests.tenancy.urls import object_endpoints, project_endpoints

CASES, POST_ONLY, SHARED = collect()
STAFF_ONLY = collect_staff_only()
ENDPOINTS = object_endpoints()
ROLES = [Role.OWNER, Role.DISPATCHER, Role.DRIVER]


def test_every_object_endpoint_has_a_tenancy_case():
    covered = CASES.keys() | SHARED.keys() | STAFF_ONLY.keys()
    missing = sorted(e.name for e in ENDPOINTS if e.name not in covered)
    # A program decision may name its DSP in the body instead of the URL.
    stale = sorted((CASES.keys() | SHARED.keys()) - {e.name for e in ENDPOINTS}) + sorted(
        STAFF_ONLY.keys() - {e.name for e in project_endpoints()}
    )
    print(f"tenancy matrix: {len(ENDPOINTS)} object endpoints × {len(ROLES)} roles")
    assert missing == [], f"Object endpoints with no cross-DSP tenancy case: {missing}"
    assert stale == [], f"Tenancy cases for endpoints that no longer exist: {stale}"


def _driver_user(dsp):
    member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    DriverFactory(dsp=dsp, user=member.user)
    return member.user


def _request(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    return client.post(url, {}) if name in POST_ONLY else client.get(url)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_another_dsps_object_is_not_found(client, db, name, role):
    # given: an object of DSP B, and a user of DSP A in `role`
    other = DspFactory()
    kwargs = CASES[name](other, _driver_user(other))
    mine = DspFactory(station=other.station)
    if role == Role.DRIVER:
        user = _driver_user(mine)
    else:
        user = MembershipFactory(dsp=mine, role=role).user
    client.force_login(user)
    # when
    response = _request(client, name, kwargs)
    # then: the row does not exist for them (403 where the role may not use the page at all)
    assert response.status_code in (403, 404), (name, role, response.status_code)
    assert other.name.encode() not in response.content


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_owning_dsp_and_staff_reach_the_object(client, db, name):
    dsp = DspFactory()
    driver_user = _driver_user(dsp)
    kwargs = CASES[name](dsp, driver_user)
    allowed = [MembershipFactory(dsp=dsp, role=Role.OWNER).user, StaffFactory().user]
    for user in allowed:
        client.force_login(user)
        response = _request(client, name, kwargs)
        assert response.status_code in (200, 201, 204, 302), (name, user, response.status_code)


@pytest.mark.parametrize("name", sorted(SHARED))
@pytest.mark.parametrize("role", ROLES)
def test_shared_reference_data_is_readable_by_every_role(client, db, name, role):
    dsp = DspFactory()
    kwargs = SHARED[name](dsp, _driver_user(dsp))
    client.force_login(
        _driver_user(dsp) if role == Role.DRIVER else MembershipFactory(role=role).user
    )
    assert _request(client, name, kwargs).status_code == 200


@pytest.mark.parametrize("name", sorted(STAFF_ONLY))
@pytest.mark.parametrize("role", ROLES)
def test_program_decisions_refuse_every_dsp_role(client, db, name, role):
    # given: an object of a DSP and a member of that very DSP
    dsp = DspFactory()
    driver_user = _driver_user(dsp)
    kwargs = STAFF_ONLY[name](dsp, driver_user)
    user = driver_user if role == Role.DRIVER else MembershipFactory(dsp=dsp, role=role).user
    client.force_login(user)
    # when / then
    assert _request(client, name, kwargs).status_code in (403, 404), (name, role)


@pytest.mark.parametrize("name", sorted(STAFF_ONLY))
def test_program_staff_reach_their_decisions(client, db, name):
    dsp = DspFactory()
    kwargs = STAFF_ONLY[name](dsp, _driver_user(dsp))
    client.force_login(StaffFactory().user)
    # An empty decision is refused as invalid input (400), which means the object was found.
    assert _request(client, name, kwargs).status_code in (200, 302, 400), name


API_CASES = sorted(n for n in CASES if n.startswith("api:"))


@pytest.mark.parametrize("name", API_CASES)
@pytest.mark.parametrize("scope", ["owner", "dispatcher", "read_only"])
def test_an_api_key_never_reaches_another_dsps_object(client, db, name, scope):
    # given: an object of DSP B, and a key of DSP A's owner
    other = DspFactory()
    kwargs = CASES[name](other, _driver_user(other))
    owner = MembershipFactory(dsp=DspFactory(station=other.station), role=Role.OWNER).user
    _, raw = api_key_create(by=owner, name="integration", scope=scope)
    # when
    url = reverse(name, kwargs=kwargs)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.post(url, {}, **auth) if name in POST_ONLY else client.get(url, **auth)
    # then
    assert response.status_code in (403, 404), (name, scope, response.status_code)
    assert other.name.encode() not in response.content


@pytest.mark.parametrize("name", API_CASES)
def test_an_api_key_of_the_owning_dsp_reaches_the_object(client, db, name):
    dsp = DspFactory()
    kwargs = CASES[name](dsp, _driver_user(dsp))
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    _, raw = api_key_create(by=owner, name="integration", scope="owner")
    url = reverse(name, kwargs=kwargs)
    auth = {"HTTP_AUTHORIZATION": f"Token {raw}"}
    response = client.post(url, {}, **auth) if name in POST_ONLY else client.get(url, **auth)
    assert response.status_code in (200, 201, 204, 400), (name, response.status_code)
