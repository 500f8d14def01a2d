from django.core.files.base import ContentFile
from django.utils import timezone

from drivers.models import Driver
from routes.day.tracking import tracking_link_for
from routes.models import Disruption, ReplanJob
from tests.routes.factories import (
    DeliveryEventFactory,
    PackageFactory,
    PlanJobFactory,
    RouteFactory,
    RouteStopFactory,
    StopFactory,
)
from tests.routes.live_factories import route_out


def _route(dsp, driver_user):
    driver = Driver.objects.get(user=driver_user)
    return {"pk": RouteFactory(dsp=dsp, driver=driver).pk}


def _route_package(dsp, driver_user):
    rs = RouteStopFactory(route__dsp=dsp)
    package = PackageFactory(
        dsp=dsp, manifest=rs.stop.manifest, stop=rs.stop, recipient_email="ann@mail.test"
    )
    return {"pk": rs.route_id, "package_pk": package.pk}


def _route_stop(dsp, driver_user):
    return {"pk": RouteStopFactory(route__dsp=dsp).pk}


def _route_of_a_stop(dsp, driver_user):
    return {"pk": RouteStopFactory(route__dsp=dsp).route_id}


def _photo_event(dsp, driver_user):
    route = RouteFactory(dsp=dsp, driver=Driver.objects.get(user=driver_user))
    photo = ContentFile(b"\x89PNG\r\n\x1a\n proof", name="proof.png")
    return {"pk": DeliveryEventFactory(route=route, photo=photo).pk}


def _job(dsp, driver_user):
    return {"pk": PlanJobFactory(dsp=dsp).pk}


def _stop(dsp, driver_user):
    return {"pk": StopFactory(dsp=dsp, manifest__station=dsp.station).pk}


CASES = {
    "api:route-detail": _route,
    "api:route-stops": _route_of_a_stop,
    "api:route-packages": _route_of_a_stop,
    "api:route-stop-packages": _route_stop,
    "api:route-stop-move": _route_stop,
    "api:stop-detail": _stop,
    "api:delivery-event-photo": _photo_event,
    "api:planjob-detail": _job,
    "api:planjob-cancel": _job,
    "routes:job-detail": _job,
    "routes:job-progress": _job,
    "routes:job-cancel": _job,
    "routes:route-detail": _route_of_a_stop,
    "routes:route-move": _route_of_a_stop,
    "routes:route-move-preview": _route_of_a_stop,
    "routes:route-timeline": _route_of_a_stop,
}

POST_ONLY = {
    "api:route-stop-move",
    "api:planjob-cancel",
    "routes:job-cancel",
    "routes:route-move",
    "routes:route-move-preview",
}


# --- day ---


def _tracking(dsp, driver_user):
    package = PackageFactory(dsp=dsp, manifest__station=dsp.station)
    return {"token": tracking_link_for(package=package).token}


# --- live ---


def _live_route(dsp, driver_user):
    driver = Driver.objects.get(user=driver_user)
    route, _ = route_out(dsp=dsp, driver=driver, stops=1)
    return route


def _live_route_pk(dsp, driver_user):
    return {"pk": _live_route(dsp, driver_user).pk}


def _replan(dsp, driver_user):
    """A proposed re-plan that applies cleanly (its one remaining stop keeps its place)."""
    route = _live_route(dsp, driver_user)
    rs = route.route_stops.get()
    job = ReplanJob.objects.create(
        dsp=dsp,
        service_date=route.service_date,
        kind=ReplanJob.Kind.REROUTE,
        status=ReplanJob.Status.PROPOSED,
        proposal={
            "routes": [
                {
                    "route": route.pk,
                    "code": route.code,
                    "before": [rs.pk],
                    "after": [
                        {
                            "route_stop": rs.pk,
                            "address": rs.stop.address,
                            "eta": (timezone.now() + timezone.timedelta(hours=1)).isoformat(),
                            "from_route": None,
                        }
                    ],
                    "finish": None,
                }
            ],
            "moves": [],
            "meets": [],
            "dropped": [],
        },
    )
    return {"pk": job.pk}


def _disruption(dsp, driver_user):
    route = _live_route(dsp, driver_user)
    return {
        "pk": Disruption.objects.create(
            dsp=dsp, service_date=route.service_date, kind="breakdown", route=route
        ).pk
    }


CASES.update(
    {
        "routes:day-assign": _route,
        "routes:day-unassign": _route,
        "routes:day-close": _route,
        "routes:day-links": _route,
        "routes:day-link-resend": _route_package,
    }
)
POST_ONLY |= {
    "routes:day-assign",
    "routes:day-unassign",
    "routes:day-close",
    "routes:day-link-resend",
}
# The recipient's link is public by design: anyone holding the token may read it.
SHARED = {"routes:tracking": _tracking}
CASES.update(
    {
        "routes:replan-detail": _replan,
        "routes:replan-apply": _replan,
        "routes:replan-again": _replan,
        "routes:rescue-start": _live_route_pk,
        "routes:messages": _live_route_pk,
        "api:replanjob-detail": _replan,
        "api:replanjob-apply": _replan,
        "api:disruption-detail": _disruption,
        "api:route-messages": _live_route_pk,
    }
)
POST_ONLY |= {
    "routes:replan-apply",
    "routes:replan-again",
    "routes:rescue-start",
    "api:replanjob-apply",
}
