import datetime
from decimal import Decimal

import pytest

from billing.models import PeakPeriod, RateCard, Statement
from tests.billing.factories import WEEK, StatementFactory, StatementLineFactory, approved_statement
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_dsp_lists_only_its_own_statements(client):
    # given
    mine = StatementLineFactory().statement
    StatementLineFactory()  # another DSP's
    client.force_login(MembershipFactory(dsp=mine.dsp, role="owner").user)
    # when
    response = client.get("/api/v1/statements/")
    # then
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_rates_are_read_only_to_a_dsp(client):
    # given
    owner = MembershipFactory(role="owner")
    client.force_login(owner.user)
    # when
    response = client.post(
        "/api/v1/rate-cards/",
        {
            "station": owner.dsp.station_id,
            "effective_from": "2026-12-06",
            "route_fee": "999",
            "package_rate": "1",
            "van_weekly_fee": "1",
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 403
    assert RateCard.objects.count() == 0


def test_staff_cannot_add_a_rate_inside_an_approved_week(client):
    # given
    statement = approved_statement()
    client.force_login(StaffFactory().user)
    # when
    response = client.post(
        "/api/v1/rate-cards/",
        {
            "station": statement.dsp.station_id,
            "effective_from": (WEEK + datetime.timedelta(days=2)).isoformat(),
            "route_fee": "250.00",
            "package_rate": "0.6",
            "van_weekly_fee": "150",
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["effective_from"]
    assert RateCard.objects.count() == 0


def test_staff_approve_a_statement_through_the_api(client):
    # given
    statement = StatementFactory(dsp=DspFactory())
    client.force_login(StaffFactory().user)
    # when
    response = client.post(f"/api/v1/statements/{statement.pk}/approve/")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert Statement.objects.get().status == "approved"


def test_an_owner_cannot_approve_their_own_statement(client):
    statement = StatementFactory()
    client.force_login(MembershipFactory(dsp=statement.dsp, role="owner").user)
    response = client.post(f"/api/v1/statements/{statement.pk}/approve/")
    assert response.status_code == 403
    assert Statement.objects.get().status == "draft"


def test_thresholds_out_of_order_are_a_400(client):
    station = DspFactory().station
    client.force_login(StaffFactory().user)
    response = client.post(
        "/api/v1/thresholds/",
        {
            "station": station.pk,
            "week_start": WEEK.isoformat(),
            "thresholds": {"safety": [4, 2, 6, 8]},
            "weights": {"safety": 1},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["thresholds"]


def test_csv_cells_that_look_like_formulas_are_quoted(client):
    # given: a staff-entered line whose description a spreadsheet would run
    statement = StatementLineFactory(
        description='=HYPERLINK("http://x")', amount=Decimal("460.00")
    ).statement
    client.force_login(MembershipFactory(dsp=statement.dsp, role="owner").user)
    # when
    body = client.get(f"/billing/statements/{statement.pk}/csv/").content.decode()
    # then
    assert (
        body.splitlines()[1] == 'earning,routes,"\'=HYPERLINK(""http://x"")",2.00,230.0000,460.00'
    )


def test_the_owner_reads_finances_and_a_dispatcher_may_not(client):
    owner = MembershipFactory(role="owner")
    client.force_login(owner.user)
    response = client.get("/api/v1/finances/")
    assert response.status_code == 200
    assert len(response.json()["projection"]) == 12
    client.force_login(MembershipFactory(dsp=owner.dsp, role="dispatcher").user)
    assert client.get("/api/v1/finances/").status_code == 403


def test_the_driver_pay_export_lists_hours(client):
    owner = MembershipFactory(role="owner")
    client.force_login(owner.user)
    response = client.get("/billing/driver-pay.csv?week=2026-11-01")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "driver,week,planned hours,actual hours,regular hours,overtime hours,hourly rate,"
        "gross wages"
    ]


def test_staff_add_a_peak_period_through_the_api_and_an_owner_only_reads(client, staff):
    station = DspFactory().station
    client.force_login(staff)
    body = {"station": station.pk, "starts_on": "2027-11-28", "ends_on": "2027-12-24"}
    created = client.post("/api/v1/peak-periods/", body | {"per_package": "0.05"})
    assert created.status_code == 201
    assert created.json()["name"] == "Peak season"
    overlap = client.post("/api/v1/peak-periods/", body | {"per_route": "10"})
    assert overlap.status_code == 400 and "starts_on" in overlap.json()
    owner = MembershipFactory(role="owner", dsp__station=station).user
    client.force_login(owner)
    assert len(client.get("/api/v1/peak-periods/").json()["results"]) == 1
    assert client.post("/api/v1/peak-periods/", body).status_code == 403
    assert PeakPeriod.objects.count() == 1
