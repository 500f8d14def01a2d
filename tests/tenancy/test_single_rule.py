"""Tenancy is enforced in one place: every view goes through dsps/tenancy.py, none repeats it."""

import re
from pathlib import Path

from django.conf import settings

from dsps.tenancy import RoleRequiredMixin, TenantScopedAPIMixin
from tests.tenancy.urls import project_endpoints

ROOT = Path(__file__).resolve().parent.parent.parent
# Pages anyone may open: the role-aware home page, health, and (later) tracking links.
PUBLIC = {"home", "healthz"}


def _view_class(callback):
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def test_every_api_view_uses_the_tenant_base_class():
    api_views = [e for e in project_endpoints() if e.name.startswith("api:")]
    offenders = [
        e.name
        for e in api_views
        if _view_class(e.callback) is not None
        and not issubclass(_view_class(e.callback), TenantScopedAPIMixin)
        and e.name != "api:api-root"
    ]
    assert len(api_views) >= 5
    assert offenders == []


def test_every_page_checks_roles_through_the_tenancy_helpers():
    pages = [e for e in project_endpoints() if not e.name.startswith("api:")]
    offenders = []
    for e in pages:
        cls = _view_class(e.callback)
        guarded = hasattr(e.callback, "allowed_roles") or (
            cls and issubclass(cls, RoleRequiredMixin)
        )
        if (
            not guarded
            and e.name not in PUBLIC
            and not getattr(e.callback, "tenancy_public", False)
        ):
            offenders.append(e.name)
    assert offenders == []


def test_no_view_filters_by_dsp_on_its_own():
    pattern = re.compile(r"\.filter\([^)]*\bdsp\w*\s*=|membership\.dsp|request\.user\.membership")
    offenders = []
    for app in settings.PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name.startswith(("views", "api")) or path.parent.name in ("views", "api"):
                for number, line in enumerate(path.read_text().splitlines(), start=1):
                    if pattern.search(line):
                        offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
