from drivers.models import Driver
from tests.routes.factories import (
    PlanJobFactory,
    RouteFactory,
    RouteStopFactory,
    StopFactory,
)


def _route(dsp, driver_user):
    driver = Driver.objects.get(user=driver_user)
    return {"pk": RouteFactory(dsp=dsp, driver=driver).pk}


def _route_stop(dsp, driver_user):
    return {"pk": RouteStopFactory(route__dsp=dsp).pk}


def _route_of_a_stop(dsp, driver_user):
    return {"pk": RouteStopFactory(route__dsp=dsp).route_id}


def _job(dsp, driver_user):
    return {"pk": PlanJobFactory(dsp=dsp).pk}


def _stop(dsp, driver_user):
    return {"pk": StopFactory(dsp=dsp, manifest__station=dsp.station).pk}


CASES = {
    "api:route-detail": _route,
    "api:route-stops": _route_of_a_stop,
    "api:route-stop-move": _route_stop,
    "api:stop-detail": _stop,
    "api:planjob-detail": _job,
    "api:planjob-cancel": _job,
    "routes:job-detail": _job,
    "routes:job-progress": _job,
    "routes:job-cancel": _job,
    "routes:route-detail": _route_of_a_stop,
    "routes:route-move": _route_of_a_stop,
}

POST_ONLY = {
    "api:route-stop-move",
    "api:planjob-cancel",
    "routes:job-cancel",
    "routes:route-move",
}
