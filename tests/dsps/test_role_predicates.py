"""Templates ask named role predicates from the context processor, never compare role strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from dsps.models import Role
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
ROLE_COMPARISON = re.compile(r"role\s*(==|!=|\bin\b)")


def test_no_template_compares_roles_as_strings():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE_COMPARISON.search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("role", "sees_owner_links"),
    [(Role.OWNER, True), (Role.DISPATCHER, False), (Role.DRIVER, False), (None, False)],
)
def test_only_the_owner_sees_the_owners_navigation(client, db, role, sees_owner_links):
    # given: a member of an active DSP in `role`, or program staff (None)
    user = (
        StaffFactory().user if role is None else MembershipFactory(dsp=DspFactory(), role=role).user
    )
    client.force_login(user)
    # when
    page = client.get(reverse("home")).content.decode()
    # then: the owner-only links follow the `is_owner` predicate
    for url in (reverse("billing:finances"), reverse("billing:pay-drivers")):
        assert (f'href="{url}"' in page) is sees_owner_links, (role, url)
