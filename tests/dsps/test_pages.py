"""Home page per role, navigation, health and the API's front door."""

import pytest
from django.urls import reverse

from dsps.models import Role
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory, UserFactory
from tests.fleet.factories import VehicleFactory
from tests.routes.factories import RouteFactory


def test_strangers_see_the_welcome_page_with_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Apply to become a DSP" in response.content


def test_staff_home_is_the_network_overview(client, db):
    DspFactory(name="Alpha Deliveries")
    client.force_login(StaffFactory().user)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Network overview" in response.content
    assert b'id="panel-manifests"' in response.content


def test_dsp_home_counts_only_its_own_vans(client, db):
    member = MembershipFactory(role=Role.DISPATCHER)
    VehicleFactory(dsp=member.dsp)
    VehicleFactory(dsp=member.dsp, status="grounded")
    VehicleFactory()  # another DSP's van
    client.force_login(member.user)
    response = client.get("/")
    fleet = response.context["panels"][
        [p["name"] for p in response.context["panels"]].index("fleet")
    ]
    assert fleet["vehicle_counts"] == {"Active": 1, "Grounded": 1, "Returned": 0}
    assert b"No routes planned for today yet." in response.content


def test_driver_home_shows_todays_route_or_an_empty_state(client, db):
    member = MembershipFactory(role=Role.DRIVER)
    driver = DriverFactory(dsp=member.dsp, user=member.user)
    client.force_login(member.user)
    assert b"No route for you today" in client.get("/").content
    RouteFactory(dsp=member.dsp, driver=driver, code="CX12", planned_stops=183)
    content = client.get("/").content
    assert b"Route CX12" in content and b"183 stops" in content


def test_a_signed_in_user_without_a_role_is_told_so(client, db):
    client.force_login(UserFactory())
    assert b"has no role yet" in client.get("/").content


@pytest.mark.parametrize("role", [Role.DRIVER, Role.OWNER])
def test_staff_pages_refuse_dsp_roles(client, db, role):
    member = MembershipFactory(role=role)
    client.force_login(member.user)
    assert client.get(reverse("dsps:list")).status_code == 403


def test_long_lists_are_paginated(client, db):
    member = MembershipFactory()
    for _ in range(30):
        VehicleFactory(dsp=member.dsp)
    client.force_login(member.user)
    page1 = client.get(reverse("fleet:list"))
    assert len(page1.context["page"].object_list) == 25
    assert b"Page 1 of 2 (30 in all)" in page1.content
    assert len(client.get(reverse("fleet:list") + "?page=2").context["page"].object_list) == 5


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert body["database"]["ok"] is True
    assert response.status_code == (200 if body["broker"]["ok"] else 503)


def test_healthz_names_the_broker_when_it_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
