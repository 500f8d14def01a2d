import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing.models import IncentiveRate, PayDiscrepancy
from billing.pay.week import (
    PayWeek,
    discrepancy_answer,
    discrepancy_open,
    incentive_table,
    incentive_table_set,
    pay_week,
)
from dsps.models import Role
from tests.billing.factories import WEEK
from tests.billing.pay_world import driver_week
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import RouteFactory, ShiftPunchFactory

pytestmark = pytest.mark.django_db


def test_a_fixed_week_pays_hours_overtime_and_incentive_to_the_cent():
    # given: 5 × 8.75 h at $22.00, 10 packages delivered at Fantastic Plus ($0.075 each)
    driver, routes = driver_week()
    # when
    week = pay_week(driver=driver, week_start=WEEK)
    # then: 40 h × 22 + 3.75 h × 33 = 880.00 + 123.75; incentive 10 × 0.075 = 0.75
    assert (week.hours, week.regular_hours, week.overtime_hours) == (
        Decimal("43.75"),
        Decimal("40"),
        Decimal("3.75"),
    )
    assert week.wages == Decimal("1003.75")
    assert (week.tier, week.delivered) == ("fantastic_plus", 10)
    assert week.incentive == Decimal("0.75")
    assert week.total == Decimal("1004.50")
    assert (week.routes, week.stops) == (5, 10)
    worked = [(d.date, d.hours) for d in week.days if d.routes]
    assert worked == [(r.service_date, Decimal("8.75")) for r in routes]
    assert [d.routes[0].stops for d in week.days if d.routes] == [2] * 5


def test_a_week_without_routes_pays_nothing_and_earns_no_tier():
    driver, _ = driver_week()
    week = pay_week(driver=driver, week_start=WEEK + datetime.timedelta(days=7))
    assert (week.hours, week.wages, week.tier, week.total) == (
        Decimal("0.00"),
        Decimal("0.00"),
        "",
        Decimal("0.00"),
    )


def test_the_owner_sets_the_incentive_table_and_bad_amounts_change_nothing():
    driver, _ = driver_week()
    dsp = driver.dsp
    incentive_table_set(dsp=dsp, rates={"fantastic": Decimal("0.04")})
    rates = {r["tier"]: r["per_package"] for r in incentive_table(dsp=dsp)}
    assert rates == {
        "fantastic_plus": Decimal("0.0750"),
        "fantastic": Decimal("0.0400"),
        "great": Decimal("0.0100"),
        "fair": Decimal("0.0000"),
        "poor": Decimal("0.0000"),
    }
    with pytest.raises(ValidationError) as refused:
        incentive_table_set(dsp=dsp, rates={"great": Decimal("0.50"), "fair": Decimal("-1")})
    assert refused.value.message_dict == {"fair": ["Give an amount of 0 or more per package."]}
    assert IncentiveRate.objects.get(dsp=dsp, tier="great").per_package == Decimal("0.0100")


def test_a_driver_flags_a_route_and_the_owner_answers():
    driver, routes = driver_week()
    owner = MembershipFactory(dsp=driver.dsp, role=Role.OWNER).user
    question = discrepancy_open(
        driver=driver, week_start=WEEK, message="Tuesday I stayed till 17:00.", route=routes[1]
    )
    assert (question.day, question.status) == (routes[1].service_date, "open")
    answered = discrepancy_answer(discrepancy=question, answer="Fixed: +0.75 h.", by=owner)
    assert (answered.status, answered.answer, answered.answered_by) == (
        "answered",
        "Fixed: +0.75 h.",
        owner,
    )
    assert pay_week(driver=driver, week_start=WEEK).discrepancies == [answered]


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({"message": "  "}, {"message": ["Say what looks wrong."]}),
        (
            {"message": "x", "week_start": WEEK + datetime.timedelta(days=1)},
            {"week_start": ["Give the first day of a program week."]},
        ),
        (
            {"message": "x", "day": WEEK + datetime.timedelta(days=9)},
            {"day": ["Pick a day between 2026-11-01 and 2026-11-07."]},
        ),
        (
            {"message": "x", "route": "foreign"},
            {"route": ["Pick one of your routes of that week."]},
        ),
    ],
)
def test_a_bad_question_names_the_field_and_saves_nothing(kwargs, errors):
    driver, _ = driver_week()
    kwargs = {"week_start": WEEK, **kwargs}
    if kwargs.get("route") == "foreign":
        other = DriverFactory(dsp=driver.dsp)
        kwargs["route"] = RouteFactory(
            dsp=driver.dsp, driver=other, service_date=WEEK + datetime.timedelta(days=2)
        )
    with pytest.raises(ValidationError) as refused:
        discrepancy_open(driver=driver, **kwargs)
    assert refused.value.message_dict == errors
    assert PayDiscrepancy.objects.count() == 0


def test_a_driver_sees_only_their_own_pay_and_questions(client):
    # given: two drivers of one DSP, each with a question
    driver, _ = driver_week()
    colleague = DriverFactory(
        dsp=driver.dsp, user=MembershipFactory(dsp=driver.dsp, role="driver").user
    )
    mine = discrepancy_open(driver=driver, week_start=WEEK, message="Mine")
    theirs = discrepancy_open(driver=colleague, week_start=WEEK, message="Theirs")
    client.force_login(driver.user)
    # when / then: the API lists only the driver's own question, and the colleague's is a 404
    listed = client.get("/api/v1/pay-discrepancies/").json()["results"]
    assert [q["id"] for q in listed] == [mine.pk]
    assert client.get(f"/api/v1/pay-discrepancies/{theirs.pk}/").status_code == 404
    assert client.get(reverse("billing:pay-question", args=[theirs.pk])).status_code == 404
    # and the week endpoint ignores another driver named in the query
    week = client.get(f"/api/v1/pay/week/?week=2026-11-03&driver={colleague.pk}").json()
    assert (week["driver"], week["total"], week["week_start"]) == (
        driver.pk,
        "1004.50",
        "2026-11-01",
    )
    # and the owner's pages are closed to the driver
    assert client.get(reverse("billing:pay-driver", args=[colleague.pk])).status_code == 403


def test_the_owner_reads_a_drivers_week_and_answers_over_the_api(client):
    driver, _ = driver_week()
    owner = MembershipFactory(dsp=driver.dsp, role=Role.OWNER).user
    question = discrepancy_open(driver=driver, week_start=WEEK, message="Missing hours")
    client.force_login(owner)
    week = client.get(f"/api/v1/pay/week/?week=2026-11-01&driver={driver.pk}").json()
    assert (week["wages"], week["incentive"], week["overtime_hours"]) == (
        "1003.75",
        "0.75",
        "3.75",
    )
    empty = client.patch(
        f"/api/v1/pay-discrepancies/{question.pk}/", {"answer": ""}, content_type="application/json"
    )
    assert empty.status_code == 400
    assert PayDiscrepancy.objects.get().status == "open"
    done = client.patch(
        f"/api/v1/pay-discrepancies/{question.pk}/",
        {"answer": "Added."},
        content_type="application/json",
    )
    assert (done.status_code, done.json()["status"], done.json()["answer"]) == (
        200,
        "answered",
        "Added.",
    )


def test_the_owner_page_lists_drivers_with_their_week(client):
    driver, _ = driver_week()
    client.force_login(MembershipFactory(dsp=driver.dsp, role=Role.OWNER).user)
    page = client.get(reverse("billing:pay-drivers") + "?week=2026-11-04")
    assert page.status_code == 200
    [row] = [r for r in page.context["rows"] if r["driver"] == driver]
    assert (row["hours"], row["overtime_hours"], row["wages"]) == (
        Decimal("43.75"),
        Decimal("3.75"),
        Decimal("1003.75"),
    )


def test_the_incentive_page_names_the_tier_of_a_bad_amount(client):
    driver, _ = driver_week()
    client.force_login(MembershipFactory(dsp=driver.dsp, role=Role.OWNER).user)
    response = client.post(
        reverse("billing:pay-incentives"),
        {"fantastic_plus": "0.10", "fantastic": "lots", "great": "0.01"},
    )
    assert response.context["errors"] == {"fantastic": ["Give an amount such as 0.05."]}
    rate = IncentiveRate.objects.get(dsp=driver.dsp, tier="fantastic_plus")
    assert rate.per_package == Decimal("0.0750")


def test_a_driver_flagging_without_a_message_is_told_and_nothing_is_sent(client):
    driver, _ = driver_week()
    client.force_login(driver.user)
    response = client.post(reverse("billing:pay-mine"), {"week_start": "2026-11-01", "message": ""})
    assert response.context["errors"] == {"message": ["Say what looks wrong."]}
    assert PayDiscrepancy.objects.count() == 0


def test_a_driver_clocked_in_sees_this_weeks_hours_so_far_on_the_route_and_the_week(client):
    # given: a driver on today's route, clocked in three hours ago, a break of 30 minutes
    driver, _ = driver_week()
    today = driver.dsp.station.today()
    route = RouteFactory(
        dsp=driver.dsp, driver=driver, service_date=today, status="in_progress", code="NOW1"
    )
    now = timezone.now()
    for kind, ago in (("clock_in", 180), ("break_start", 60), ("break_end", 30)):
        ShiftPunchFactory(
            driver=driver, route=route, kind=kind, at=now - datetime.timedelta(minutes=ago)
        )
    client.force_login(driver.user)
    # when
    page = client.get(reverse("billing:pay-mine"))
    # then: 2.5 h so far, on the route line and in the week's total
    week = page.context["week"]
    assert week.hours == Decimal("2.50")
    [line] = [r for d in week.days for r in d.routes if r.code == "NOW1"]
    assert line.hours == Decimal("2.50")
    assert 'id="pay-hours">2.50</span>' in page.content.decode()
    assert "Route NOW1: 0 stops, 0 delivered, 2.50 h" in page.content.decode()


def test_a_route_kept_without_its_stop_rows_still_shows_how_many_stops_it_had(client):
    # given: a past route of 30 planned stops whose stop rows were not kept (history)
    driver, _ = driver_week()
    RouteFactory(
        dsp=driver.dsp,
        driver=driver,
        service_date=WEEK,
        status="completed",
        code="OLD1",
        planned_stops=30,
    )
    client.force_login(driver.user)
    # when
    page = client.get(reverse("billing:pay-mine") + "?week=2026-11-01")
    # then: the line counts its 30 stops, not 0
    assert "Route OLD1: 30 stops, 0 delivered, 0.00 h" in page.content.decode()
    assert page.context["week"].stops == 10 + 30


def test_a_pay_week_round_trips_through_json():
    driver, _ = driver_week()
    discrepancy_open(driver=driver, week_start=WEEK, message="Missing hours")
    week = pay_week(driver=driver, week_start=WEEK)
    data = week.to_json()
    assert (data["driver"], data["hours"], data["wages"], data["week_start"]) == (
        driver.pk,
        "43.75",
        "1003.75",
        "2026-11-01",
    )
    assert data["days"][1]["routes"][0]["hours"] == "8.75"
    assert PayWeek.from_json(data) == week
