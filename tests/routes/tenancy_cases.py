from drivers.models import Driver
from tests.routes.factories import RouteFactory


def _route(dsp, driver_user):
    driver = Driver.objects.get(user=driver_user)
    return {"pk": RouteFactory(dsp=dsp, driver=driver).pk}


CASES = {
    "api:route-detail": _route,
}
