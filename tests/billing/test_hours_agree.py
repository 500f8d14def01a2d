"""One worked week, read on every page that shows it: the driver's pay page, the owner's pay
page, the P&L's wages, analytics and the scorecards agree to the minute because they share one
hours rule."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.selectors import period_parse, route_efficiency
from billing.selectors import week_pnl
from billing.services import scorecard_generate
from dsps.models import Role
from tests.billing.factories import WEEK
from tests.billing.pay_world import driver_week
from tests.dsps.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_worked_week_reads_the_same_hours_on_pay_pnl_analytics_and_scorecards(client):
    # given: Monday to Friday 07:00–16:15 with a 30-minute break: 8 h 45 min a day, 43 h 45 min
    driver, _ = driver_week()
    dsp = driver.dsp
    week = WEEK.isoformat()
    # the driver's own pay page
    client.force_login(driver.user)
    mine = client.get(reverse("billing:pay-mine") + f"?week={week}")
    assert mine.context["week"].hours == Decimal("43.75")
    assert 'id="pay-hours">43.75</span>' in mine.content.decode()
    assert [d.hours for d in mine.context["week"].days if d.routes] == [Decimal("8.75")] * 5
    # the owner's pay page
    client.force_login(MembershipFactory(dsp=dsp, role=Role.OWNER).user)
    owners = client.get(reverse("billing:pay-drivers") + f"?week={week}")
    [row] = [r for r in owners.context["rows"] if r["driver"] == driver]
    assert row["hours"] == Decimal("43.75")
    # the P&L pays those hours: 40 × 22.00 + 3.75 × 33.00
    assert week_pnl(dsp=dsp, week_start=WEEK)["expenses"]["wages"] == Decimal("1003.75")
    # analytics counts the same hours per day
    period = period_parse(
        start=WEEK, end=WEEK + datetime.timedelta(days=6), today=WEEK + datetime.timedelta(days=7)
    )
    days = [r for r in route_efficiency(dsp=dsp, period=period) if r["routes"]]
    assert [r["hours"] for r in days] == [8.75] * 5
    assert sum(r["hours"] for r in days) == 43.75
    # the DSP's scorecard and the driver's scorecard show the same week's hours
    card = scorecard_generate(dsp=dsp, week_start=WEEK)
    page = client.get(reverse("billing:scorecard-detail", args=[card.pk]))
    assert '<span id="scorecard-hours">43.75</span> h worked' in page.content.decode()
    page = client.get(reverse("billing:driver-scorecard", args=[card.pk, driver.pk]))
    assert page.context["live"]["hours"] == Decimal("43.75")
    assert '<span id="scorecard-hours">43.75</span> h worked' in page.content.decode()
