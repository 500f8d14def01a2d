"""Allowed writer roles, collected from every `tests/<app>/roles_cases.py`.

Each module defines `WRITE_ROLES = {url_name: {role, ...}}`: the roles that may use the write
methods of that page or endpoint (an empty set means nobody, e.g. a page only program staff
reach through another route). Object URLs get their object from the tenancy cases' makers
(`tests/<app>/tenancy_cases.py`), built in the user's own DSP; `MAKE = {url_name: make}` in a
roles module overrides or adds one. `REFUSED_BY_REDIRECT = {url_name}` names pages that
send a refused role elsewhere (302) instead of answering 403. `STATUS_GATED = {url_name}`
names the writes only a member of an active DSP may make (leasing, orders, hiring, webhooks,
imports, planning); the view declares the same power (`dsp_powers`, `role_required(power=)`).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from tests.tenancy.cases import collect, collect_staff_only

TESTS = Path(__file__).resolve().parent.parent


def collect_status_gated() -> set[str]:
    gated: set[str] = set()
    for path in sorted(TESTS.glob("*/roles_cases.py")):
        module = import_module(f"tests.{path.parent.name}.roles_cases")
        gated |= set(getattr(module, "STATUS_GATED", ()))
    return gated


def collect_write_roles() -> tuple[dict, dict, set]:
    write_roles: dict = {}
    redirects: set = set()
    makers: dict = {}
    cases, _, shared = collect()
    makers.update(cases)
    makers.update(shared)
    makers.update(collect_staff_only())
    for path in sorted(TESTS.glob("*/roles_cases.py")):
        module = import_module(f"tests.{path.parent.name}.roles_cases")
        overlap = write_roles.keys() & module.WRITE_ROLES.keys()
        assert not overlap, f"{path}: roles declared twice: {sorted(overlap)}"
        write_roles.update(module.WRITE_ROLES)
        makers.update(getattr(module, "MAKE", {}))
        redirects |= set(getattr(module, "REFUSED_BY_REDIRECT", ()))
    return write_roles, makers, redirects
