"""The scoping rule itself, model by model."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from drivers.models import Driver
from dsps.models import Dsp, Role, Station
from dsps.tenancy import get_for_user_or_404, scope_to_user
from fleet.models import Vehicle
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import MembershipFactory, StaffFactory, UserFactory
from tests.fleet.factories import VehicleFactory


def test_members_see_only_their_dsps_vans_and_staff_see_all(db):
    # given
    member = MembershipFactory(role=Role.DISPATCHER)
    mine = VehicleFactory(dsp=member.dsp)
    theirs = VehicleFactory()
    staff = StaffFactory().user
    # when / then
    assert list(scope_to_user(Vehicle.objects.all(), member.user)) == [mine]
    assert set(scope_to_user(Vehicle.objects.all(), staff)) == {mine, theirs}


def test_a_driver_sees_only_their_own_driver_profile(db):
    member = MembershipFactory(role=Role.DRIVER)
    me = DriverFactory(dsp=member.dsp, user=member.user)
    DriverFactory(dsp=member.dsp)  # a colleague

    assert list(scope_to_user(Driver.objects.all(), member.user)) == [me]


def test_a_user_without_a_role_sees_nothing(db):
    VehicleFactory()
    assert list(scope_to_user(Vehicle.objects.all(), UserFactory())) == []


def test_reference_data_is_shared_and_unscopable_models_are_refused(db):
    member = MembershipFactory()
    assert list(scope_to_user(Station.objects.all(), member.user)) == [member.dsp.station]
    from django.contrib.sessions.models import Session

    with pytest.raises(ImproperlyConfigured):
        scope_to_user(Session.objects.all(), member.user)


def test_fetching_another_dsps_row_is_a_404(db):
    from django.http import Http404

    member = MembershipFactory()
    other = VehicleFactory()
    with pytest.raises(Http404):
        get_for_user_or_404(Vehicle, member.user, pk=other.pk)
    assert get_for_user_or_404(Dsp, member.user, pk=member.dsp.pk) == member.dsp
