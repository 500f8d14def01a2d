from tests.drivers.factories import DriverFactory


def _driver(dsp, driver_user):
    return {"pk": DriverFactory(dsp=dsp).pk}


CASES = {
    "drivers:detail": _driver,
    "api:driver-detail": _driver,
}
