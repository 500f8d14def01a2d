"""Compliance API: tenancy (a DSP sees only its own actions), staff-only actions, answers."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import ActionResponse, ComplianceAction, Offboarding
from dsps.models import Dsp, Territory
from fleet.models import Lease
from tests.compliance.factories import ComplianceActionFactory, OffboardingFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory, TerritoryFactory
from tests.fleet.factories import LeaseFactory

pytestmark = pytest.mark.django_db


def test_a_dsp_lists_only_its_own_actions_and_exits(client):
    # given
    mine = ComplianceActionFactory()
    ComplianceActionFactory()  # another DSP's
    OffboardingFactory()  # another DSP's exit
    client.force_login(MembershipFactory(dsp=mine.dsp, role="owner").user)
    # when
    actions = client.get("/api/v1/compliance/actions/")
    exits = client.get("/api/v1/compliance/offboardings/")
    # then
    assert [row["id"] for row in actions.json()["results"]] == [mine.pk]
    assert exits.json()["results"] == []


def test_only_staff_create_actions(client):
    dsp = DspFactory()
    body = {"dsp": dsp.pk, "kind": "warning", "reason": "Late starts."}
    client.force_login(MembershipFactory(dsp=dsp, role="owner").user)
    assert client.post("/api/v1/compliance/actions/", body, "application/json").status_code == 403
    assert ComplianceAction.objects.count() == 0
    client.force_login(StaffFactory().user)
    response = client.post("/api/v1/compliance/actions/", body, "application/json")
    assert response.status_code == 201
    assert response.json()["kind"] == "warning"


def test_a_suspension_ending_before_it_starts_names_the_field(client):
    dsp = DspFactory()
    today = dsp.station.today()
    client.force_login(StaffFactory().user)
    response = client.post(
        "/api/v1/compliance/actions/",
        {
            "dsp": dsp.pk,
            "kind": "suspension",
            "reason": "Safety",
            "starts_on": str(today + datetime.timedelta(days=2)),
            "ends_on": str(today),
        },
        "application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["ends_on"]
    assert ComplianceAction.objects.count() == 0


def test_an_owner_answers_only_its_own_actions_with_a_document(client):
    mine = ComplianceActionFactory()
    theirs = ComplianceActionFactory()
    client.force_login(MembershipFactory(dsp=mine.dsp, role="owner").user)
    pdf = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 fixed", content_type="application/pdf")
    response = client.post(
        "/api/v1/compliance/responses/",
        {"action": mine.pk, "message": "Fixed it.", "document": pdf},
    )
    assert response.status_code == 201
    assert response.json()["has_document"] is True
    other = client.post(
        "/api/v1/compliance/responses/",
        {"action": theirs.pk, "message": "Not mine."},
        content_type="application/json",
    )
    assert other.status_code == 404
    assert ActionResponse.objects.filter(action=theirs).count() == 0


def test_a_dispatcher_cannot_read_actions(client):
    action = ComplianceActionFactory()
    client.force_login(MembershipFactory(dsp=action.dsp, role="dispatcher").user)
    assert client.get("/api/v1/compliance/actions/").status_code == 403


def _confirmed(client, url: str, body: dict) -> dict:
    """The step's body with the token of its preview."""
    preview = client.post(url + "step-preview/", body, "application/json")
    return {**body, "confirm": preview.json()["token"]}


def test_staff_transfer_a_lease_in_the_leases_step(client):
    # given
    offboarding = OffboardingFactory()
    lease = LeaseFactory(vehicle__dsp=offboarding.dsp)
    receiver = DspFactory(station=offboarding.dsp.station)
    client.force_login(StaffFactory().user)
    url = f"/api/v1/compliance/offboardings/{offboarding.pk}/"
    same = {"step": "leases", "transfers": [{"lease": lease.pk, "to_dsp": offboarding.dsp.pk}]}
    moved = {"step": "leases", "transfers": [{"lease": lease.pk, "to_dsp": receiver.pk}]}
    # when: the same DSP as receiver is refused
    refused = client.post(url + "step/", _confirmed(client, url, same), "application/json")
    done = client.post(url + "step/", _confirmed(client, url, moved), "application/json")
    # then
    assert refused.status_code == 400
    assert list(refused.json()) == ["transfers"]
    assert done.status_code == 200
    new = Lease.objects.get(dsp=receiver)
    assert (new.vehicle_id, new.starts_on) == (
        lease.vehicle_id,
        offboarding.effective_on + datetime.timedelta(days=1),
    )


@pytest.fixture
def exit_with_a_territory(client):
    """An exit whose DSP holds territory DAL-N, and program staff signed in."""
    offboarding = OffboardingFactory(dsp__name="Birch Parcels")
    TerritoryFactory(dsp=offboarding.dsp, station=offboarding.dsp.station, code="DAL-N")
    client.force_login(StaffFactory().user)
    return offboarding, f"/api/v1/compliance/offboardings/{offboarding.pk}/"


def _released(offboarding) -> list[str]:
    """The exit's territories no DSP holds any more."""
    return sorted(
        Territory.objects.filter(holdings__dsp=offboarding.dsp, holdings__ends_at__isnull=False)
        .values_list("code", flat=True)
        .distinct()
    )


def test_the_step_preview_says_what_will_happen_and_writes_nothing(client, exit_with_a_territory):
    offboarding, url = exit_with_a_territory
    # when
    response = client.post(url + "step-preview/", {"step": "territories"}, "application/json")
    # then
    assert response.status_code == 200
    preview = response.json()
    assert preview["title"] == "Release Birch Parcels's territories?"
    assert preview["effects"] == [
        "1 territory of Birch Parcels become coverage gaps other DSPs may request: DAL-N."
    ]
    assert preview["button"] == "Release 1 territory"
    assert re.fullmatch(r"[0-9a-f]{64}", preview["token"])
    assert Offboarding.objects.get(pk=offboarding.pk).territories_released_at is None
    assert _released(offboarding) == []


def test_a_step_without_its_confirmation_token_is_refused(client, exit_with_a_territory):
    offboarding, url = exit_with_a_territory
    # when
    response = client.post(url + "step/", {"step": "territories"}, "application/json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "confirm": ["Preview the step first (step-preview) and send its token back."]
    }
    assert Offboarding.objects.get(pk=offboarding.pk).territories_released_at is None
    assert _released(offboarding) == []


def test_a_step_confirmed_before_the_world_changed_is_refused(client, exit_with_a_territory):
    # given: a preview, then another territory for the DSP
    offboarding, url = exit_with_a_territory
    confirmed = _confirmed(client, url, {"step": "territories"})
    TerritoryFactory(dsp=offboarding.dsp, station=offboarding.dsp.station, code="DAL-S")
    # when
    stale = client.post(url + "step/", confirmed, "application/json")
    # then
    assert stale.status_code == 400
    assert list(stale.json()) == ["confirm"]
    assert stale.json()["confirm"][0].startswith("The figures changed after the confirmation")
    assert Offboarding.objects.get(pk=offboarding.pk).territories_released_at is None
    assert _released(offboarding) == []


def test_a_fresh_confirmation_runs_the_step_once(client, exit_with_a_territory):
    offboarding, url = exit_with_a_territory
    confirmed = _confirmed(client, url, {"step": "territories"})
    # when
    done = client.post(url + "step/", confirmed, "application/json")
    again = client.post(url + "step/", confirmed, "application/json")
    # then
    assert done.status_code == 200
    (territories,) = [s for s in done.json()["steps"] if s["key"] == "territories"]
    assert territories["done_at"] != ""
    assert _released(offboarding) == ["DAL-N"]
    assert again.status_code == 400
    assert list(again.json()) == ["step"]
    assert again.json()["step"][0].startswith("This step was done on ")
    assert _released(offboarding) == ["DAL-N"]


ACTIONS = "/api/v1/compliance/actions/"


@pytest.fixture
def termination(client):
    """Prairie Delivery (2 drivers, a dispatcher, a van on lease), program staff signed in, and
    the body terminating it in a week."""
    dsp = DspFactory(name="Prairie Delivery")
    DriverFactory(dsp=dsp)
    DriverFactory(dsp=dsp)
    MembershipFactory(dsp=dsp, role="dispatcher")
    LeaseFactory(vehicle__dsp=dsp)
    client.force_login(StaffFactory().user)
    effective = dsp.station.today() + datetime.timedelta(days=7)
    body = {"dsp": dsp.pk, "kind": "termination", "reason": "Fraud", "effective_on": str(effective)}
    return dsp, body


def _untouched(dsp) -> bool:
    """Nothing of a termination happened to `dsp`: still active, no action, no exit."""
    dsp.refresh_from_db()
    return (
        dsp.status == Dsp.Status.ACTIVE
        and not ComplianceAction.objects.filter(dsp=dsp).exists()
        and not Offboarding.objects.filter(dsp=dsp).exists()
    )


def test_the_termination_preview_says_what_will_happen_and_writes_nothing(client, termination):
    dsp, body = termination
    effective = datetime.date.fromisoformat(body["effective_on"])
    # when
    response = client.post(ACTIONS + "termination-preview/", body, "application/json")
    # then
    assert response.status_code == 200
    preview = response.json()
    assert re.fullmatch(r"[0-9a-f]{64}", preview.pop("token"))
    assert preview == {
        "dsp": dsp.pk,
        "effective_on": body["effective_on"],
        "drivers": 2,
        "accounts": 1,
        "leases": 1,
        "routes_after": 0,
        "button": f"Terminate Prairie Delivery on {effective:%-d %b}",
    }
    assert _untouched(dsp)


def test_only_a_termination_is_previewed(client, termination):
    dsp, body = termination
    # when
    response = client.post(
        ACTIONS + "termination-preview/", {**body, "kind": "warning"}, "application/json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    assert _untouched(dsp)


def test_an_owner_cannot_preview_the_termination_of_its_dsp(client, termination):
    dsp, body = termination
    client.force_login(MembershipFactory(dsp=dsp, role="owner").user)
    # when
    response = client.post(ACTIONS + "termination-preview/", body, "application/json")
    # then
    assert response.status_code == 403
    assert "token" not in response.json()


@pytest.mark.parametrize("confirm", [None, ""])
def test_a_termination_without_its_confirmation_token_is_refused(client, termination, confirm):
    dsp, body = termination
    if confirm is not None:
        body = {**body, "confirm": confirm}
    # when
    response = client.post(ACTIONS, body, "application/json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "confirm": ["Preview the termination first (termination-preview) and send its token back."]
    }
    assert _untouched(dsp)


def test_a_termination_confirmed_before_the_world_changed_is_refused(client, termination):
    # given: a preview, then a driver hired while it was open
    dsp, body = termination
    preview = client.post(ACTIONS + "termination-preview/", body, "application/json").json()
    DriverFactory(dsp=dsp)
    # when
    stale = client.post(ACTIONS, {**body, "confirm": preview["token"]}, "application/json")
    # then
    assert stale.status_code == 400
    assert list(stale.json()) == ["confirm"]
    assert stale.json()["confirm"][0].startswith(
        "Prairie Delivery changed after the confirmation was shown"
    )
    assert _untouched(dsp)
    again = client.post(ACTIONS + "termination-preview/", body, "application/json").json()
    assert (again["drivers"], again["token"] != preview["token"]) == (3, True)


def test_a_fresh_confirmation_terminates_the_dsp_once(client, termination):
    dsp, body = termination
    preview = client.post(ACTIONS + "termination-preview/", body, "application/json").json()
    confirmed = {**body, "confirm": preview["token"]}
    # when
    done = client.post(ACTIONS, confirmed, "application/json")
    again = client.post(ACTIONS, confirmed, "application/json")
    # then
    assert done.status_code == 201
    assert done.json()["kind"] == "termination"
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.TERMINATED
    assert again.status_code == 400
    assert again.json() == {"kind": ["Prairie Delivery is already terminated."]}
    assert list(ComplianceAction.objects.filter(dsp=dsp).values_list("kind", flat=True)) == [
        "termination"
    ]
    assert Offboarding.objects.filter(dsp=dsp).count() == 1
