"""Compliance API: tenancy (a DSP sees only its own actions), staff-only actions, answers."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import ActionResponse, ComplianceAction
from tests.compliance.factories import ComplianceActionFactory, OffboardingFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory

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


def test_staff_transfer_a_lease_in_the_leases_step(client):
    from fleet.models import Lease
    from tests.fleet.factories import LeaseFactory

    # given
    offboarding = OffboardingFactory()
    lease = LeaseFactory(vehicle__dsp=offboarding.dsp)
    receiver = DspFactory(station=offboarding.dsp.station)
    client.force_login(StaffFactory().user)
    url = f"/api/v1/compliance/offboardings/{offboarding.pk}/step/"
    # when: the same DSP as receiver is refused
    same = client.post(
        url,
        {"step": "leases", "transfers": [{"lease": lease.pk, "to_dsp": offboarding.dsp.pk}]},
        "application/json",
    )
    done = client.post(
        url,
        {"step": "leases", "transfers": [{"lease": lease.pk, "to_dsp": receiver.pk}]},
        "application/json",
    )
    # then
    assert same.status_code == 400
    assert list(same.json()) == ["transfers"]
    assert done.status_code == 200
    new = Lease.objects.get(dsp=receiver)
    assert (new.vehicle_id, new.starts_on) == (
        lease.vehicle_id,
        offboarding.effective_on + datetime.timedelta(days=1),
    )
