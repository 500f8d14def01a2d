"""Cross-DSP cases for the fleet's pages and endpoints."""

import datetime

from tests.fleet.factories import (
    InspectionFactory,
    InsurancePolicyFactory,
    LeaseFactory,
    MaintenanceScheduleFactory,
    RepairFactory,
    VehicleFactory,
    VehicleOfferFactory,
)
from tests.fleet.photos import defect_item


def _vehicle(dsp, driver_user):
    return {"pk": VehicleFactory(dsp=dsp).pk}


def _peak_lease(dsp, driver_user):
    today = dsp.station.today()
    lease = LeaseFactory(
        vehicle=VehicleFactory(dsp=dsp),
        is_peak=True,
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=14),
    )
    return {"pk": lease.pk}


def _inspection(dsp, driver_user):
    return {"pk": InspectionFactory(vehicle=VehicleFactory(dsp=dsp), inspector=driver_user).pk}


def _defect(dsp, driver_user):
    return {"pk": defect_item(vehicle=VehicleFactory(dsp=dsp), inspector=driver_user).pk}


def _policy(dsp, driver_user):
    return {"pk": InsurancePolicyFactory(dsp=dsp).pk}


def _schedule(dsp, driver_user):
    return {"pk": MaintenanceScheduleFactory(vehicle=VehicleFactory(dsp=dsp)).pk}


def _repair(dsp, driver_user):
    return {"pk": RepairFactory(vehicle=VehicleFactory(dsp=dsp)).pk}


def _offer(dsp, driver_user):
    return {"pk": VehicleOfferFactory().pk}


CASES = {
    "fleet:vehicle-detail": _vehicle,
    "fleet:vehicle-ground": _vehicle,
    "fleet:inspect": _vehicle,
    "fleet:repair-create": _vehicle,
    "fleet:schedule-create": _vehicle,
    "fleet:lease-return": _peak_lease,
    "fleet:inspection-detail": _inspection,
    "fleet:defect-photo": _defect,
    "api:vehicle-detail": _vehicle,
    "api:vehicle-ground": _vehicle,
    "api:lease-detail": _peak_lease,
    "api:lease-return": _peak_lease,
    "api:inspection-detail": _inspection,
    "api:insurance-policy-detail": _policy,
    "api:maintenance-schedule-detail": _schedule,
    "api:repair-detail": _repair,
}
POST_ONLY = {
    "fleet:vehicle-ground",
    "fleet:lease-return",
    "api:vehicle-ground",
    "api:lease-return",
}
# The catalogue is shared reference data: every signed-in user reads it.
SHARED = {
    "fleet:offer-detail": _offer,
    "api:vehicle-offer-detail": _offer,
}
