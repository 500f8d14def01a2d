"""Compliance pages: the owner's home panel, the suspension notice, field errors."""

import datetime
import re

import pytest

from compliance.models import ComplianceAction, Offboarding
from compliance.services import action_create
from dsps.models import Dsp, Role
from fleet.models import Lease
from tests.compliance.factories import OffboardingFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory, TerritoryFactory
from tests.fleet.factories import LeaseFactory

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
    confirm = client.post(f"{exit_url}step/", {"step": "territories"}).content.decode()
    assert 'id="confirm-step">Release 1 territory</button>' in confirm
    assert '<input type="hidden" name="step" value="territories">' in confirm
    assert f'<a class="button secondary" href="{exit_url}">Cancel</a>' in confirm
    step = client.post(f"{exit_url}step/", {"step": "territories", "confirm": _token(confirm)})
    # then
    assert step.status_code == 302
    territory.refresh_from_db()
    assert territory.dsp is None
    client.force_login(owner)
    page = client.get(exit_url).content.decode()
    assert f"Territories released: {territory.code}" in page
    assert "Voluntary exit of Cedar Couriers" in page


def test_staff_choose_per_lease_to_end_or_transfer_on_the_exit_page(client):
    # given: an exit with two leases and an active DSP and a suspended one at the station
    offboarding = OffboardingFactory(dsp__name="Birch Parcels")
    keep = LeaseFactory(vehicle__dsp=offboarding.dsp, vehicle__plate="NM-KEEP")
    move = LeaseFactory(vehicle__dsp=offboarding.dsp, vehicle__plate="NM-MOVE")
    receiver = DspFactory(station=offboarding.dsp.station, name="Aspen Express")
    suspended = DspFactory(station=offboarding.dsp.station, status="suspended", name="Idle Co")
    client.force_login(StaffFactory().user)
    url = f"/compliance/offboarding/{offboarding.pk}/"
    # when: the page offers only the active DSP as a receiver
    page = client.get(url).content.decode()
    assert "Transfer to Aspen Express" in page
    assert "Transfer to Idle Co" not in page
    to_idle = {"step": "leases", f"transfer_{move.pk}": suspended.pk}
    idle_confirm = client.post(f"{url}step/", to_idle).content.decode()
    refused = client.post(f"{url}step/", {**to_idle, "confirm": _token(idle_confirm)})
    chosen = {"step": "leases", f"transfer_{move.pk}": receiver.pk}
    confirm = client.post(f"{url}step/", chosen).content.decode()
    # the confirmation names what will happen, and nothing has happened yet
    day = offboarding.effective_on
    assert f"End 1 and transfer 1 leases on {day:%a} {day.day} {day:%b %Y}" in confirm
    assert "1 van lease ends on" in confirm and "NM-KEEP;" in confirm
    assert "Van NM-MOVE moves to Aspen Express from the next day" in confirm
    assert not Lease.objects.filter(dsp=receiver).exists()
    done = client.post(f"{url}step/", {**chosen, "confirm": _token(confirm)})
    # then
    assert refused.status_code == 400
    assert "Van NM-MOVE: Idle Co is suspended" in refused.content.decode()
    assert done.status_code == 302
    assert Lease.objects.get(dsp=receiver).vehicle_id == move.vehicle_id
    keep.refresh_from_db()
    assert keep.ends_on == offboarding.effective_on
    page = client.get(url).content.decode()
    after = f"Van NM-MOVE goes to Aspen Express from the day after {offboarding.effective_on}."
    assert after in page
    assert Offboarding.objects.get(pk=offboarding.pk).leases_ended_at is not None


def _token(page: str) -> str:
    return re.search(r'name="confirm" value="([0-9a-f]{64})"', page).group(1)


def test_an_offboarding_step_confirmed_before_the_world_changed_is_refused(client):
    offboarding = OffboardingFactory(dsp__name="Birch Parcels")
    TerritoryFactory(dsp=offboarding.dsp, code="DAL-N")
    client.force_login(StaffFactory().user)
    url = f"/compliance/offboarding/{offboarding.pk}/step/"
    confirm = client.post(url, {"step": "territories"}).content.decode()
    assert "Release 1 territory" in confirm and "DAL-N" in confirm
    TerritoryFactory(dsp=offboarding.dsp, code="DAL-S")  # meanwhile, another territory
    stale = client.post(url, {"step": "territories", "confirm": _token(confirm)})
    assert stale.status_code == 400
    assert "The figures changed after the confirmation was shown" in stale.content.decode()
    assert Offboarding.objects.get(pk=offboarding.pk).territories_released_at is None
    again = client.post(url, {"step": "territories"}).content.decode()
    assert "Release 2 territories" in again
    assert client.post(url, {"step": "territories", "confirm": _token(again)}).status_code == 302
    assert Offboarding.objects.get(pk=offboarding.pk).territories_released_at is not None


def test_termination_goes_through_a_confirmation_naming_its_effects(client):
    dsp = DspFactory(name="Prairie Delivery")
    DriverFactory(dsp=dsp)
    DriverFactory(dsp=dsp)
    effective = dsp.station.today() + datetime.timedelta(days=7)
    client.force_login(StaffFactory().user)
    form = {"dsp": dsp.pk, "kind": "termination", "reason": "Fraud", "effective_on": effective}
    page = client.post("/compliance/actions/new/", form).content.decode()
    assert f"Terminate Prairie Delivery on {effective:%-d %b}" in page
    assert "<strong>2</strong> drivers will be terminated" in page
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.ACTIVE  # nothing done before the confirmation
    response = client.post("/compliance/actions/new/", {**form, "confirm": _token(page)})
    assert response.status_code == 302
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.TERMINATED


def test_a_termination_confirmed_on_figures_that_changed_is_refused(client):
    dsp = DspFactory(name="Prairie Delivery")
    effective = dsp.station.today() + datetime.timedelta(days=7)
    client.force_login(StaffFactory().user)
    form = {"dsp": dsp.pk, "kind": "termination", "reason": "Fraud", "effective_on": effective}
    token = _token(client.post("/compliance/actions/new/", form).content.decode())
    DriverFactory(dsp=dsp)  # hired while the confirmation was open
    page = client.post("/compliance/actions/new/", {**form, "confirm": token}).content.decode()
    assert "Prairie Delivery changed after the confirmation was shown" in page
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.ACTIVE
    assert not ComplianceAction.objects.filter(dsp=dsp).exists()


def test_a_termination_in_the_past_is_refused_before_the_confirmation(client):
    dsp = DspFactory()
    client.force_login(StaffFactory().user)
    form = {
        "dsp": dsp.pk,
        "kind": "termination",
        "reason": "Fraud",
        "effective_on": dsp.station.today() - datetime.timedelta(days=1),
    }
    page = client.post("/compliance/actions/new/", form).content.decode()
    assert "A termination cannot take effect in the past." in page
    assert 'id="confirm-terminate"' not in page


def test_a_terminated_dsps_owner_is_told_terminated_not_suspended(client):
    dsp = DspFactory(name="Prairie Delivery")
    staff = StaffFactory().user
    today = dsp.station.today()
    action_create(dsp=dsp, kind="suspension", reason="Safety", by=staff, starts_on=today)
    action_create(
        dsp=dsp,
        kind="termination",
        reason="Fraud",
        by=staff,
        effective_on=today + datetime.timedelta(days=3),
    )
    client.force_login(MembershipFactory(dsp=dsp, role=Role.OWNER).user)
    page = client.get("/").content.decode()
    notice = re.search(r'id="suspension-notice"[^>]*>([^<]*)<', page).group(1)
    assert "Prairie Delivery has been terminated from the delivery program" in notice
    assert "suspended" not in notice and "Ask your DSP owner" not in notice
