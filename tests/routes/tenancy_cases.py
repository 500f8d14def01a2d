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


# --- day ---


def _tracking(dsp, driver_user):
    from routes.tracking import tracking_link_for
    from tests.routes.factories import PackageFactory

    package = PackageFactory(dsp=dsp, manifest__station=dsp.station)
    return {"token": tracking_link_for(package=package).token}


CASES.update(
    {
        "routes:day-assign": _route,
        "routes:day-unassign": _route,
    }
)
POST_ONLY |= {"routes:day-assign", "routes:day-unassign"}
# The recipient's link is public by design: anyone holding the token may read it.
SHARED = {"routes:tracking": _tracking}
