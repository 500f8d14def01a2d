"""Cross-DSP cases, collected from every `tests/<app>/tenancy_cases.py`.

Each module defines `CASES = {url_name: make}` where `make(dsp, driver_user)` creates an object
of `dsp` (owned by `driver_user` where the object is a driver's) and returns the URL kwargs.
Optionally `POST_ONLY = {url_name, ...}` for action endpoints that answer only POST, and
`SHARED = {url_name: make}` for reference data every signed-in user may read (stations), and
`STAFF_ONLY = {url_name: make}` for program decisions that no DSP role may use, not even on its
own DSP's objects (approving an application, assigning a territory); such a decision may name
its DSP in the body rather than the URL (its `make` then returns no URL kwargs).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def collect() -> tuple[dict, set, dict]:
    cases: dict = {}
    post_only: set = set()
    shared: dict = {}
    for path in sorted(TESTS.glob("*/tenancy_cases.py")):
        module = import_module(f"tests.{path.parent.name}.tenancy_cases")
        overlap = cases.keys() & module.CASES.keys()
        assert not overlap, f"{path}: cases defined twice: {sorted(overlap)}"
        cases.update(module.CASES)
        post_only |= set(getattr(module, "POST_ONLY", ()))
        shared.update(getattr(module, "SHARED", {}))
    return cases, post_only, shared


def collect_staff_only() -> dict:
    staff_only: dict = {}
    for path in sorted(TESTS.glob("*/tenancy_cases.py")):
        module = import_module(f"tests.{path.parent.name}.tenancy_cases")
        staff_only.update(getattr(module, "STAFF_ONLY", {}))
    return staff_only
