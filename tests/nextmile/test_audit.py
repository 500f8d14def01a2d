"""Sensitive actions leave an audit event; program staff read the trail, DSP roles cannot."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dsps.models import AuditEvent, Role
from dsps.services import membership_grant
from tests.drivers.factories import ApplicantFactory, DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory, UserFactory
from tests.fleet.factories import VehicleOfferFactory

pytestmark = pytest.mark.django_db


def test_granting_a_role_is_audited_with_the_previous_one():
    # given
    staff = StaffFactory().user
    member = MembershipFactory(role=Role.DISPATCHER)
    # when
    membership_grant(user=member.user, role=Role.OWNER, dsp=member.dsp, by=staff)
    # then
    event = AuditEvent.objects.get(verb="membership.granted")
    assert (event.actor, event.dsp, event.target_id) == (staff, member.dsp, str(member.pk))
    assert event.data == {
        "user": member.user.email,
        "role": "owner",
        "previous": {"role": "dispatcher", "dsp_id": member.dsp.pk},
    }


def test_hiring_a_driver_audits_the_new_driver_role(client):
    # given
    applicant = ApplicantFactory(stage="offered")
    owner = MembershipFactory(dsp=applicant.dsp, role=Role.OWNER).user
    client.force_login(owner)
    # when
    response = client.post(
        reverse("drivers:applicant-move", kwargs={"pk": applicant.pk}), {"stage": "hired"}
    )
    # then
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="membership.granted")
    assert (event.actor, event.dsp) == (owner, applicant.dsp)
    assert event.data["role"] == "driver" and event.data["user"] == applicant.email


def test_a_catalogue_rate_change_is_audited_from_and_to(client):
    # given
    staff = StaffFactory().user
    offer = VehicleOfferFactory(monthly_rate=Decimal("1400.00"))
    client.force_login(staff)
    # when
    response = client.patch(
        reverse("api:vehicle-offer-detail", kwargs={"pk": offer.pk}),
        {"monthly_rate": "1550.00"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    event = AuditEvent.objects.get(verb="vehicle_offer.updated")
    assert event.actor == staff
    assert event.data["monthly_rate"] == ["1400.00", "1550.00"]


@pytest.fixture
def trail():
    dsp = DspFactory()
    staff = StaffFactory().user
    membership_grant(user=UserFactory(), role=Role.DISPATCHER, dsp=dsp, by=staff)
    return dsp


def test_program_staff_read_the_audit_trail(client, trail):
    client.force_login(StaffFactory().user)
    response = client.get(reverse("dsps:audit-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<td>Membership granted</td>" in page  # the verb's label, not its code
    assert "membership.granted" not in page


@pytest.mark.parametrize("role", [Role.OWNER, Role.DISPATCHER, Role.DRIVER])
def test_dsp_roles_cannot_read_the_audit_trail(client, trail, role):
    member = MembershipFactory(dsp=trail, role=role)
    if role == Role.DRIVER:
        DriverFactory(dsp=trail, user=member.user)
    client.force_login(member.user)
    assert client.get(reverse("dsps:audit-list")).status_code == 403
    assert client.get(reverse("api:audit-event-list")).status_code == 403
