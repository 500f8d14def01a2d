"""DSP status as a dimension of the roles matrix: gated writes need an active DSP.

Leasing, supply orders, hiring, webhooks, manifest imports and planning (pages and API) are
declared in `STATUS_GATED` of `tests/<app>/roles_cases.py`. For each, every owner/dispatcher
role allowed to write is tried from an applying, suspended, rejected and terminated DSP: the
answer is 403 naming the rule and no table gains or loses a row; from an active DSP the same
write is not refused. A view that declares a DSP power without being listed here (or the other
way round) fails the suite, as does a power no endpoint gates.
"""

from __future__ import annotations

import pytest

from dsps.models import Dsp, Role
from dsps.tenancy import POWERS_BY_STATUS
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.roles.cases import collect_status_gated
from tests.roles.test_matrix import ENDPOINTS, MAKERS, WRITE_ROLES, _driver_user, _row_counts, _send

GATED = collect_status_gated()
NOT_ACTIVE = [
    Dsp.Status.APPLYING,
    Dsp.Status.SUSPENDED,
    Dsp.Status.REJECTED,
    Dsp.Status.TERMINATED,
]
MEMBER_ROLES = {str(Role.OWNER), str(Role.DISPATCHER)}


def _declared_powers(write) -> set[str]:
    """The DSP powers the endpoint's view itself demands for its write methods."""
    callback = write.endpoint.callback
    if not write.is_api:
        power = getattr(callback, "dsp_power", None)
        return {power} if power else set()
    powers = getattr(callback.cls, "dsp_powers", {})
    actions = getattr(callback, "actions", None) or {m: m for m in write.methods}
    return {powers[key] for m in write.methods for key in (actions.get(m), m) if key in powers}


DECLARED = {name: _declared_powers(write) for name, write in ENDPOINTS.items()}
CASES = [
    (name, method, role, str(status))
    for name in sorted(GATED & ENDPOINTS.keys())
    for method in ENDPOINTS[name].methods
    for role in sorted(set(WRITE_ROLES[name]) & MEMBER_ROLES)
    for status in NOT_ACTIVE
]
ACTIVE_CASES = sorted({(name, method, role) for name, method, role, _ in CASES})


def test_every_gated_write_is_declared_and_covered():
    declared = {name for name, powers in DECLARED.items() if powers}
    print(f"status matrix: {len(GATED)} gated writes, {len(CASES)} write × role × status")
    assert sorted(GATED - ENDPOINTS.keys()) == [], "STATUS_GATED names no write endpoint"
    assert sorted(declared - GATED) == [], "views demand a DSP power the matrix does not test"
    assert sorted(GATED - declared) == [], "STATUS_GATED writes whose view demands no power"
    no_member = sorted(n for n in GATED if not set(WRITE_ROLES[n]) & MEMBER_ROLES)
    assert no_member == [], f"gated writes no DSP member may make: {no_member}"
    gated_powers = set().union(*DECLARED.values())
    assert gated_powers == set(POWERS_BY_STATUS[Dsp.Status.ACTIVE]), gated_powers


@pytest.mark.parametrize(("name", "method", "role", "status"), CASES)
def test_a_dsp_that_is_not_active_writes_nothing(client, db, name, method, role, status):
    # given: a DSP in `status`, the endpoint's object in it, and its owner or dispatcher
    write = ENDPOINTS[name]
    dsp = DspFactory(status=status)
    driver_user = _driver_user(dsp)
    kwargs = MAKERS[name](dsp, driver_user) if write.endpoint.params else {}
    client.force_login(MembershipFactory(dsp=dsp, role=role).user)
    before = _row_counts()
    # when: the write, empty (the refusal comes before the body is read)
    response = _send(client, write, method, kwargs)
    # then
    assert response.status_code == 403, (name, method, role, status, response.status_code)
    refusal = response.json()["detail"] if write.is_api else response.content.decode()
    assert "Only an active DSP can" in refusal, (name, method, role, status)
    assert _row_counts() == before, (name, method, role, status)


@pytest.mark.parametrize(("name", "method", "role"), ACTIVE_CASES)
def test_an_active_dsps_member_is_allowed(client, db, name, method, role):
    # given: the same write from an active DSP's owner or dispatcher
    write = ENDPOINTS[name]
    dsp = DspFactory(status=Dsp.Status.ACTIVE)
    driver_user = _driver_user(dsp)
    kwargs = MAKERS[name](dsp, driver_user) if write.endpoint.params else {}
    client.force_login(MembershipFactory(dsp=dsp, role=role).user)
    # when
    response = _send(client, write, method, kwargs)
    # then: not refused (an empty body may still be a 400 or the form again)
    assert response.status_code not in (403, 404), (name, method, role, response.status_code)
    assert response.status_code < 500, (name, method, role, response.status_code)
