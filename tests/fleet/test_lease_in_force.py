"""One rule for the lease in force, read by fleet availability, billing and the network."""

import datetime

import pytest

from fleet.selectors import leases_in_force
from tests.fleet.factories import LeaseFactory, VehicleFactory

pytestmark = pytest.mark.django_db

MON, WED, FRI = (datetime.date(2026, 11, d) for d in (2, 4, 6))


def test_a_lease_is_in_force_from_its_start_to_its_end_or_the_day_the_van_came_back():
    van = VehicleFactory()
    lease = LeaseFactory(vehicle=van, starts_on=MON, ends_on=None)
    dsp = van.dsp
    assert list(leases_in_force(dsp=dsp, start=MON)) == [lease]
    assert not leases_in_force(dsp=dsp, start=MON - datetime.timedelta(days=1)).exists()
    # given back on Wednesday: still leased that day, not on Friday
    lease.returned_on = WED
    lease.save()
    assert leases_in_force(dsp=dsp, start=WED).exists()
    assert not leases_in_force(dsp=dsp, start=FRI).exists()
    # and a span that reaches back to Wednesday holds it
    assert leases_in_force(dsp=dsp, start=WED, end=FRI).exists()
    # an ended lease is out of force after its end
    lease.returned_on, lease.ends_on = None, WED
    lease.save()
    assert not leases_in_force(dsp=dsp, start=FRI).exists()
