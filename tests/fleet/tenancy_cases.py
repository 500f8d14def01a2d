from tests.fleet.factories import VehicleFactory


def _vehicle(dsp, driver_user):
    return {"pk": VehicleFactory(dsp=dsp).pk}


CASES = {
    "fleet:vehicle-detail": _vehicle,
    "api:vehicle-detail": _vehicle,
}
