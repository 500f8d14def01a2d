"""The demo's analytics read like a real DSP's: route efficiency has its kilometres."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dsps.models import Dsp, Membership, Role

pytestmark = pytest.mark.django_db


def test_the_demos_route_efficiency_shows_odometer_and_planned_km(client):
    # given: the demo world, as `make run` loads it, and its owner
    call_command("seed_demo", verbosity=0)
    dsp = Dsp.objects.get(memberships__user__email="owner@lone-star.example")
    client.force_login(Membership.objects.get(dsp=dsp, role=Role.OWNER).user)
    # when: the owner opens analytics over the demo's history
    response = client.get(reverse("analytics:dashboard"))
    # then: every past day has actual km read off the odometer and the planned km beside it,
    # the odometer a few per cent over the plan, as detours make it
    days = [r for r in response.context["efficiency"] if r["day"] < dsp.station.today()]
    assert len(days) >= 20
    for row in days:
        assert row["km_source"] == "odometer", row
        assert row["actual_km"] > row["planned_km"] > 0, row
        assert 101 <= row["actual_vs_planned"] <= 110, row
    page = response.content.decode()
    table = page[page.index('id="efficiency-table"') :]
    assert "<td>odometer</td>" in table
