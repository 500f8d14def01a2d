"""Insurance follows the van: the lease form offers only the chosen van's covers, and the cover
taken with a van stops running (and costing) once the van is given back."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from dsps.models import Role
from fleet.models import InsurancePolicy, Lease
from fleet.onboarding import insurance_active
from fleet.selectors import fleet_costs
from fleet.services import lease_create, lease_return
from tests.dsps.factories import MembershipFactory
from tests.fleet.factories import (
    InsuranceOptionFactory,
    InsurancePolicyFactory,
    VehicleOfferFactory,
)

end_cover_of_returned_vans = importlib.import_module(
    "fleet.migrations.0005_end_program_cover_of_returned_vans"
).end_cover_of_returned_vans

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def owner():
    return MembershipFactory(role=Role.OWNER)


@pytest.fixture
def two_vans(owner):
    today = owner.dsp.station.today()
    cargo = VehicleOfferFactory(name="Cargo van", available_from=today - 30 * DAY)
    step = VehicleOfferFactory(name="Step van", available_from=today - 30 * DAY)
    InsuranceOptionFactory(offer=cargo, name="Cargo liability", monthly_premium=Decimal("380"))
    InsuranceOptionFactory(offer=step, name="Step full cover", monthly_premium=Decimal("1520"))
    return cargo, step


def test_the_lease_form_offers_only_the_chosen_vans_covers(client, owner, two_vans):
    cargo, step = two_vans
    client.force_login(owner.user)
    opened_for_cargo = client.get(reverse("fleet:lease-create"), {"offer": cargo.pk}).content
    assert b"Cargo liability ($380.00/month)" in opened_for_cargo
    assert b"Step full cover" not in opened_for_cargo
    # Opened without a van, every cover names its van for the script to filter by.
    page = client.get(reverse("fleet:lease-create")).content.decode()
    assert page.count("data-offer=") == 2
    assert f'data-offer="{step.pk}"' in page and "$1,520.00/month" in page


def test_a_cover_of_another_van_is_refused_on_the_field(client, owner, two_vans):
    cargo, step = two_vans
    client.force_login(owner.user)
    response = client.post(
        reverse("fleet:lease-create"),
        {
            "offer": cargo.pk,
            "vin": "1FTBW3XM5HKA00001",
            "plate": "LSM-9",
            "starts_on": owner.dsp.station.today(),
            "insurance_option": step.insurance_options.get().pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["insurance_option"] == [
        "Choose a cover offered with the Cargo van."
    ]
    assert not Lease.objects.exists()


def _insured_peak_van(dsp, offer, plate: str, *, starts_on, ends_on) -> Lease:
    """A peak van leased with the program cover its offer comes with."""
    return lease_create(
        dsp=dsp,
        offer=offer,
        vin=f"1FTBW3XM5HK{plate.replace('-', ''):>06}"[:17],
        plate=plate,
        starts_on=starts_on,
        ends_on=ends_on,
        is_peak=True,
        insurance_option=offer.insurance_options.get(),
    )


def test_the_vans_cover_stops_running_and_costing_once_the_van_is_returned(client, owner, two_vans):
    cargo, _ = two_vans
    dsp, today = owner.dsp, owner.dsp.station.today()
    lease = _insured_peak_van(
        dsp, cargo, "PEAK-2", starts_on=today - 7 * DAY, ends_on=today + 21 * DAY
    )
    assert insurance_active(dsp)  # the van's own cover counts while it is leased
    fleet_policy = InsurancePolicyFactory(dsp=dsp, vehicle=None, expires_on=today + 90 * DAY)

    lease_return(lease=lease)

    program = InsurancePolicy.objects.get(vehicle=lease.vehicle)
    assert program.expires_on == today  # ends with the lease, not a year later
    assert InsurancePolicy.objects.get(pk=fleet_policy.pk).expires_on == today + 90 * DAY
    fleet_policy.delete()
    assert fleet_costs(dsp=dsp, start=today + DAY, end=today + 20 * DAY)["insurance"] == 0
    # With only the returned van's cover left, the DSP is no longer insured...
    assert not insurance_active(dsp)
    # ...and the insurance page says why that policy is not running.
    client.force_login(owner.user)
    text = client.get(reverse("fleet:insurance")).content.decode()
    assert "Not in force: van returned" in text


def test_a_van_returned_before_the_rule_has_its_cover_ended_on_its_return_day(owner, two_vans):
    # given: a van given back before its lease's return ended its program cover
    cargo, _ = two_vans
    dsp, today = owner.dsp, owner.dsp.station.today()
    lease = _insured_peak_van(
        dsp, cargo, "OLD-3", starts_on=today - 25 * DAY, ends_on=today + 20 * DAY
    )
    lease_return(lease=lease, on=today - 10 * DAY)
    program = InsurancePolicy.objects.get(vehicle=lease.vehicle)
    InsurancePolicy.objects.filter(pk=program.pk).update(expires_on=today + 325 * DAY)
    fleet_policy = InsurancePolicyFactory(dsp=dsp, vehicle=None, expires_on=today + 90 * DAY)
    assert fleet_costs(dsp=dsp, start=today, end=today + 9 * DAY)["insurance"] > 0

    # when: the data migration runs
    end_cover_of_returned_vans(apps, None)

    # then: the van's cover ended on its return day; the fleet policy is untouched
    assert InsurancePolicy.objects.get(pk=program.pk).expires_on == today - 10 * DAY
    assert InsurancePolicy.objects.get(pk=fleet_policy.pk).expires_on == today + 90 * DAY
    fleet_policy.delete()
    assert fleet_costs(dsp=dsp, start=today, end=today + 9 * DAY)["insurance"] == 0
