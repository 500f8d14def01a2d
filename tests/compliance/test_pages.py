"""Compliance pages: the owner's home panel, the suspension notice, field errors."""

import datetime

import pytest

from compliance.services import action_create
from dsps.models import Role
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


def test_the_owner_sees_the_action_on_home_and_drivers_see_the_suspension(client):
    # given
    dsp = DspFactory(name="Prairie Parcels")
    staff = StaffFactory().user
    action_create(
        dsp=dsp,
        kind="suspension",
        reason="Seatbelt events",
        by=staff,
        starts_on=dsp.station.today(),
    )
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    driver = MembershipFactory(dsp=dsp, role=Role.DRIVER).user
    # when / then
    client.force_login(owner)
    home = client.get("/").content.decode()
    assert 'id="panel-compliance"' in home and "Suspension of new routes" in home
    listing = client.get("/compliance/").content.decode()
    assert "Seatbelt events" in listing and "Leave the program" in listing
    client.force_login(driver)
    page = client.get("/").content.decode()
    assert "Prairie Parcels is suspended from new routes until further notice" in page
    client.force_login(MembershipFactory(role=Role.DRIVER).user)  # another DSP's driver
    assert "suspended" not in client.get("/").content.decode()


def test_the_form_names_the_field_of_a_suspension_ending_before_it_starts(client):
    dsp = DspFactory()
    today = dsp.station.today()
    client.force_login(StaffFactory().user)
    response = client.post(
        "/compliance/actions/new/",
        {
            "dsp": dsp.pk,
            "kind": "suspension",
            "reason": "Safety",
            "starts_on": str(today + datetime.timedelta(days=3)),
            "ends_on": str(today),
        },
    )
    assert response.status_code == 200
    assert "before it starts" in response.content.decode()


def test_staff_run_an_exit_step_on_the_page_and_the_owner_reads_the_exit(client):
    # given: an owner who starts a voluntary exit of a DSP holding one territory
    dsp = DspFactory(name="Cedar Couriers")
    territory = TerritoryFactory(station=dsp.station, dsp=dsp)
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    client.force_login(owner)
    day = dsp.station.today() + datetime.timedelta(days=5)
    response = client.post("/compliance/exit/", {"effective_on": str(day), "reason": "Retiring"})
    exit_url = response.headers["Location"]
    # when: staff release the territories from the guided flow
    client.force_login(StaffFactory().user)
    step = client.post(f"{exit_url}step/", {"step": "territories"})
    # then
    assert step.status_code == 302
    territory.refresh_from_db()
    assert territory.dsp is None
    client.force_login(owner)
    page = client.get(exit_url).content.decode()
    assert f"Territories released: {territory.code}" in page
    assert "Voluntary exit of Cedar Couriers" in page
