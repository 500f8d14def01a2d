"""A DSP's status gates its powers: only an active DSP leases, orders, hires or adds webhooks."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied

from drivers.models import Applicant, Driver
from drivers.services import applicant_create, applicant_move
from dsps.models import Dsp, Role
from fleet.models import Lease
from fleet.services import lease_create
from integrations.models import WebhookSubscription
from integrations.services import subscription_create
from supplies.models import Order
from supplies.services import LineInput, order_place
from tests.drivers.factories import ApplicantFactory
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.fleet.factories import VehicleOfferFactory
from tests.supplies.factories import CatalogItemFactory

BLOCKED = [s for s in Dsp.Status if s != Dsp.Status.ACTIVE]


@pytest.fixture(params=BLOCKED)
def dsp(request, db):
    return DspFactory(status=request.param)


def test_a_dsp_that_is_not_active_cannot_lease(dsp):
    with pytest.raises(PermissionDenied, match="Only an active DSP can lease vans"):
        lease_create(
            dsp=dsp,
            offer=VehicleOfferFactory(),
            vin="1FTBW3XM5HKA12345",
            plate="NM-1234",
            starts_on=dsp.station.today(),
        )
    assert not Lease.objects.exists()


def test_a_dsp_that_is_not_active_cannot_order(dsp):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    item = CatalogItemFactory()
    with pytest.raises(PermissionDenied, match="place supply orders"):
        order_place(dsp=dsp, by=owner, lines=[LineInput(item_id=item.pk, quantity=100)])
    assert not Order.objects.exists()


def test_a_dsp_that_is_not_active_cannot_hire_and_no_one_is_emailed(dsp):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    applicant = ApplicantFactory(
        dsp=dsp, email="victim-ceo@bigcorp.example", stage=Applicant.Stage.OFFERED
    )
    users = get_user_model().objects.count()
    with pytest.raises(PermissionDenied, match="hire drivers"):
        applicant_move(applicant=applicant, stage=Applicant.Stage.HIRED, by=owner)
    assert get_user_model().objects.count() == users
    assert not get_user_model().objects.filter(email__iexact="victim-ceo@bigcorp.example").exists()
    assert not Driver.objects.exists()
    assert mail.outbox == []


def test_a_dsp_that_is_not_active_cannot_add_webhooks(dsp):
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    with pytest.raises(PermissionDenied, match="manage webhooks"):
        subscription_create(by=owner, url="https://hooks.example.com/x", events=["route.started"])
    assert not WebhookSubscription.objects.exists()


def test_a_dsp_that_is_not_active_cannot_add_applicants(dsp):
    with pytest.raises(PermissionDenied, match="hire drivers"):
        applicant_create(
            dsp=dsp,
            first_name="Ada",
            last_name="Lane",
            email="ada@example.com",
            licence_number="D1234567",
            licence_expires_on=dsp.station.today().replace(year=dsp.station.today().year + 2),
        )
    assert not Applicant.objects.exists()


def test_an_active_dsp_can_add_applicants(db):
    dsp = DspFactory(status=Dsp.Status.ACTIVE)
    applicant = applicant_create(
        dsp=dsp,
        first_name="Ada",
        last_name="Lane",
        email="ada@example.com",
        licence_number="D1234567",
        licence_expires_on=dsp.station.today().replace(year=dsp.station.today().year + 2),
    )
    assert list(Applicant.objects.filter(dsp=dsp)) == [applicant]
