"""axe-core over the key pages of owners, dispatchers and program staff at desktop width: no
serious or critical WCAG 2 A/AA violations (the driver's pages: test_driver_a11y.py)."""

import pytest

from dsps.models import Role
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.e2e.axe import serious_violations
from tests.e2e.test_sign_in import sign_in
from tests.routes.factories import driving_route

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _scan(page, base: str, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    return found


def test_sign_in_passes_axe(live_server, page):
    assert _scan(page, live_server.url, ["/accounts/login/", "/accounts/signup/"]) == {}


def test_the_owners_and_dispatchers_pages_pass_axe(live_server, page):
    route = driving_route(stops=2)
    owner = MembershipFactory(dsp=route.dsp, role=Role.OWNER).user
    sign_in(page, live_server.url, owner.email)
    owner_pages = [
        "/",
        "/routes/plan/",
        f"/routes/{route.pk}/",
        "/routes/board/",
        "/routes/live/",
        "/billing/scorecards/",
        "/billing/statements/",
        "/billing/finances/",
        "/compliance/",
    ]
    assert _scan(page, live_server.url, owner_pages) == {}
    page.context.clear_cookies()
    sign_in(
        page, live_server.url, MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user.email
    )
    dispatch_pages = ["/", "/routes/board/", f"/routes/board/{route.pk}/links/"]
    assert _scan(page, live_server.url, dispatch_pages) == {}


def test_the_staff_pages_pass_axe(live_server, page):
    route = driving_route(stops=2)
    sign_in(page, live_server.url, StaffFactory().user.email)
    staff_pages = [
        "/",
        "/network/",
        "/dsps/applications/",
        f"/dsps/{route.dsp.pk}/",
        "/compliance/",
        f"/compliance/actions/new/?dsp={route.dsp.pk}",
        "/billing/statements/",
    ]
    assert _scan(page, live_server.url, staff_pages) == {}
