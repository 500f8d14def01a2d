"""The analytics page, its CSV exports and its API: who sees which DSP, and a query count that
does not grow with the data."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from dsps.models import Role
from tests.analytics.factories import day_route, station_yesterday, visit
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory

D = datetime.timedelta
PAGE = reverse("analytics:dashboard")
EXPORT = reverse("analytics:export")


def _history(dsp, *, days: int, routes: int, stops: int) -> None:
    """`routes` routes a day with `stops` attempts each, one address failing every other day."""
    end = station_yesterday(dsp)
    drivers = [DriverFactory(dsp=dsp) for _ in range(routes)]
    for d in range(days):
        day = end - D(days=d)
        for r, driver in enumerate(drivers):
            route = day_route(dsp, day, code=f"Q{r}", driver=driver)
            for s in range(stops):
                visit(
                    dsp,
                    day,
                    address=f"{r}-{s} Oak St" if s else "9 Problem Rd",
                    failed=not s and d % 2 == 0,
                    route=route,
                    minutes_after_eta=5 if s % 2 else None,
                )


@pytest.fixture
def owner_dsp(db):
    member = MembershipFactory(role=Role.OWNER)
    return member.user, member.dsp


def test_the_owner_sees_their_own_dsp_and_its_recurring_problem(client, owner_dsp):
    user, dsp = owner_dsp
    _history(dsp, days=6, routes=1, stops=2)
    client.force_login(user)

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Analytics · {dsp.name}" in html
    assert "9 PROBLEM RD" in html
    assert 'id="rates-chart"' in html


@pytest.mark.parametrize("role", [Role.OWNER, Role.DISPATCHER])
def test_a_member_naming_another_dsp_gets_404_everywhere(client, db, role):
    member = MembershipFactory(role=role)
    other = DspFactory(station=member.dsp.station)
    client.force_login(member.user)

    assert client.get(PAGE, {"dsp": other.pk}).status_code == 404
    assert client.get(EXPORT, {"table": "daily", "dsp": other.pk}).status_code == 404
    api = reverse("api:analytics-leaderboard")
    assert client.get(api, {"dsp": other.pk}).status_code == 404
    assert client.get(api).json()["dsp"] == member.dsp.pk


def test_drivers_and_strangers_are_refused(client, db):
    driver = MembershipFactory(role=Role.DRIVER).user
    client.force_login(driver)
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("api:analytics-daily")).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_staff_pick_any_dsp(client, db):
    staff = StaffFactory().user
    dsp = DspFactory(name="Picked DSP")
    _history(dsp, days=2, routes=1, stops=1)
    client.force_login(staff)

    prompt = client.get(PAGE).content.decode()
    assert "Pick a DSP to see its analytics." in prompt
    assert client.get(reverse("api:analytics-daily")).status_code == 400

    picked = client.get(PAGE, {"dsp": dsp.pk}).content.decode()
    assert "Analytics · Picked DSP" in picked
    api = client.get(reverse("api:analytics-daily"), {"dsp": dsp.pk}).json()
    assert [r["packages"] for r in api["results"]] == [1, 1]


def test_a_bad_range_shows_a_message_on_the_field(client, owner_dsp):
    user, _ = owner_dsp
    client.force_login(user)

    html = client.get(PAGE, {"start": "2026-11-20", "end": "2026-11-01"}).content.decode()
    api = client.get(reverse("api:analytics-daily"), {"start": "2026-11-20", "end": "2026-11-01"})

    assert "The end date is before the start date." in html
    assert api.status_code == 400
    assert api.json() == {"end": ["The end date is before the start date."]}


def test_every_table_exports_as_csv_with_formula_cells_neutralised(client, owner_dsp):
    user, dsp = owner_dsp
    day = station_yesterday(dsp)
    for _ in range(3):
        visit(dsp, day, address="=HYPERLINK(1)", failed=True)
        day -= D(days=1)
    client.force_login(user)

    for table in (
        "daily",
        "recurring-addresses",
        "recurring-areas",
        "efficiency",
        "leaderboard",
        "cost-per-package",
    ):
        response = client.get(EXPORT, {"table": table})
        assert response.status_code == 200, table
        assert response["Content-Type"] == "text/csv"
    rows = list(
        csv.reader(
            io.StringIO(client.get(EXPORT, {"table": "recurring-addresses"}).content.decode())
        )
    )
    assert rows[0][:2] == ["address", "failed or late visits"]
    assert rows[1][:2] == ["'=HYPERLINK(1)", "3"]
    assert client.get(EXPORT, {"table": "secrets"}).status_code == 404


@pytest.mark.parametrize("days,routes,stops", [(3, 1, 2), (12, 4, 6)])
def test_the_page_and_the_api_use_a_fixed_number_of_queries(
    client, owner_dsp, django_assert_max_num_queries, days, routes, stops
):
    user, dsp = owner_dsp
    _history(dsp, days=days, routes=routes, stops=stops)
    client.force_login(user)

    with django_assert_max_num_queries(50):
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:analytics-efficiency")).status_code == 200


@pytest.mark.parametrize("days", [15, 90])
def test_a_quarter_costs_the_same_queries_however_long_the_history(
    client, owner_dsp, django_assert_max_num_queries, days
):
    # the P&L of the 13 weeks is built in one pass, whatever the deliveries, routes and punches
    user, dsp = owner_dsp
    _history(dsp, days=days, routes=1, stops=1)
    client.force_login(user)
    end = station_yesterday(dsp)
    query = {"start": (end - D(days=90)).isoformat(), "end": end.isoformat()}

    with django_assert_max_num_queries(36):  # 23, + 13 weeks × one registered cost source
        response = client.get(PAGE, query)

    assert response.status_code == 200
    assert response.context["costs"][-1]["delivered"] > 0


def test_a_dsp_without_history_sees_empty_states(client, owner_dsp):
    user, _ = owner_dsp
    client.force_login(user)

    html = client.get(PAGE).content.decode()

    assert "No delivery attempts in this period." in html
    assert "No address failed or was late on 3 of its last 10 visits." in html
    assert "No routes in this period." in html
    assert "No driver made a delivery attempt in this period." in html
    assert 'id="rates-chart"' not in html
