"""The demo's finances read like a real DSP's: thin positive margins in the weekly P&L, and a
projection that continues them, because both price the same staffed weeks by the same rules."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.selectors import finances
from dsps.models import Dsp, Membership, Role

pytestmark = pytest.mark.django_db


def test_the_demos_pnl_and_projection_agree_in_sign_and_size(client):
    # given: the demo world, as `make run` loads it
    call_command("seed_demo", verbosity=0)
    dsp = Dsp.objects.get(memberships__user__email="owner@lone-star.example")
    # when
    data = finances(dsp=dsp)
    # then: every week of the P&L has its deliveries, and a margin within 10 % of revenue
    history = data["history"]
    assert len(history) == 6
    for week in history:
        assert week["revenue"] > Decimal("30000"), week["week_start"]
        assert abs(week["profit"]) < week["revenue"] / 10, week["week_start"]
    # and: the usual four weeks make money, as the projection's off-peak weeks do, within
    # 5 % of a week's revenue of each other
    usual = sum((w["profit"] for w in history[-4:]), Decimal(0)) / 4
    off_peak = [w for w in data["projection"] if w["days"] == 7 and not w["revenue"]["peak"]]
    assert off_peak
    for week in off_peak:
        assert usual > 0 and week["net"] > 0, week["week_start"]
        assert abs(week["net"] - usual) < week["income"] / 20, week["week_start"]
    # and: the owner's page shows whole routes and money with separators and a real minus
    owner = Membership.objects.get(dsp=dsp, role=Role.OWNER).user
    client.force_login(owner)
    page = client.get(reverse("billing:finances")).content.decode()
    table = page[page.index('id="projection-table"') : page.index('id="pnl-table"')]
    assert re.search(r"<td>\$\d{2},\d{3}\.\d{2}</td>", table)
    assert not re.search(r"<td>\d+\.\d+</td>", table)  # no fractional route counts
    assert "$-" not in page
