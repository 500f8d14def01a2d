"""API keys: shown once, stored hashed, revocable, expiring, and 401 without one."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dsps.models import ApiKey, Role
from dsps.services.api_keys import api_key_create, api_key_revoke
from tests.dsps.factories import MembershipFactory, StaffFactory

ME = "/api/v1/me/"


def _owner_key(scope="owner", **extra):
    owner = MembershipFactory(role=Role.OWNER).user
    return (owner, *api_key_create(by=owner, name="TMS sync", scope=scope, **extra))


def test_a_key_is_stored_only_as_a_hash(db):
    # when
    owner, _key, raw = _owner_key()
    # then
    stored = ApiKey.objects.get()
    assert raw.startswith("nm_") and len(raw) > 40
    assert raw not in (stored.key_hash, stored.key_prefix)
    assert stored.key_hash == ApiKey.hash_of(raw)
    assert stored.dsp == owner.membership.dsp


@pytest.mark.parametrize("keyword", ["Bearer", "Token"])
def test_both_keywords_authenticate_and_record_last_use(client, db, keyword):
    _owner, key, raw = _owner_key()
    response = client.get(ME, HTTP_AUTHORIZATION=f"{keyword} {raw}")
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_no_key_is_a_401_with_a_challenge(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired"])
def test_an_unusable_key_is_a_401(client, db, state):
    owner, key, raw = _owner_key(expires_at=timezone.now() + timedelta(hours=1))
    if state == "unknown":
        raw = raw + "x"
    elif state == "revoked":
        api_key_revoke(key=key, by=owner)
    else:
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_key_stops_working_when_its_creator_leaves_the_dsp(client, db):
    owner, _key, raw = _owner_key()
    owner.membership.is_active = False
    owner.membership.save()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.DRIVER])
def test_only_owners_and_staff_create_keys(db, role):
    member = MembershipFactory(role=role).user
    with pytest.raises(PermissionDenied):
        api_key_create(by=member, name="mine", scope="read_only")
    assert ApiKey.objects.count() == 0


def test_staff_keys_belong_to_no_dsp(db):
    staff = StaffFactory().user
    key, _ = api_key_create(by=staff, name="network BI", scope="read_only")
    assert key.dsp is None


def test_bad_input_is_refused_by_field(db):
    owner = MembershipFactory(role=Role.OWNER).user
    with pytest.raises(ValidationError) as caught:
        api_key_create(
            by=owner, name=" ", scope="admin", expires_at=timezone.now() - timedelta(days=1)
        )
    assert set(caught.value.message_dict) == {"name", "scope", "expires_at"}
    assert ApiKey.objects.count() == 0


def test_an_owner_creates_a_key_on_the_page_and_sees_it_once(client, db):
    # given
    owner = MembershipFactory(role=Role.OWNER).user
    client.force_login(owner)
    # when
    response = client.post(
        "/dsps/api-keys/", {"name": "Payroll export", "scope": "read_only", "expires_at": ""}
    )
    # then: the secret is on this page and nowhere afterwards
    key = ApiKey.objects.get()
    raw = response.context["raw_key"]
    assert ApiKey.hash_of(raw) == key.key_hash
    assert raw.encode() in response.content
    assert (key.name, key.scope, key.dsp) == ("Payroll export", "read_only", owner.membership.dsp)
    assert raw.encode() not in client.get("/dsps/api-keys/").content


def test_an_owner_revokes_a_key_and_it_stops_working(client, db):
    owner, key, raw = _owner_key()
    client.force_login(owner)
    response = client.post(f"/dsps/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    client.logout()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_page_lists_only_the_owners_dsps_keys(client, db):
    owner, mine, _ = _owner_key()
    _other_owner, _theirs, _ = _owner_key()
    client.force_login(owner)
    assert list(client.get("/dsps/api-keys/").context["keys"]) == [mine]


def test_a_key_over_its_rate_gets_429_with_retry_after(client, db, settings):
    # given: a budget of two calls a minute
    from django.core.cache import cache

    cache.clear()
    settings.API_KEY_RATE = "2/min"
    _, _, raw = _owner_key()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    # when
    statuses = [client.get(ME, **auth).status_code for _ in range(3)]
    # then
    assert statuses == [200, 200, 429]
    refused = client.get(ME, **auth)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
