import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from drivers.models import Driver
from dsps.models import Dsp, Role
from fleet.models import Vehicle
from routes.models import (
    CustomerFeedback,
    DeliveryEvent,
    LocationPing,
    Manifest,
    Package,
    PlanJob,
    Route,
    RouteStop,
    ShiftPunch,
    Stop,
)
from routes.planning.jobs import plan_job_prepare, plan_run_solve
from tests.drivers.factories import DriverFactory, available_every_day
from tests.dsps.factories import (
    DspApplicationFactory,
    DspFactory,
    MembershipFactory,
    StationFactory,
    TerritoryFactory,
)
from tests.fleet.factories import ready_vehicle


class ManifestFactory(DjangoModelFactory):
    class Meta:
        model = Manifest

    station = factory.SubFactory(StationFactory)
    service_date = factory.LazyFunction(datetime.date.today)


class PackageFactory(DjangoModelFactory):
    class Meta:
        model = Package

    manifest = factory.SubFactory(ManifestFactory)
    tracking_id = factory.Sequence(lambda n: f"PKG{n:08d}")
    recipient_name = "A. Recipient"
    address = factory.Sequence(lambda n: f"{100 + n} Main St, Dallas, TX")
    latitude = "32.800000"
    longitude = "-96.800000"
    size = 1


class RouteFactory(DjangoModelFactory):
    class Meta:
        model = Route

    dsp = factory.SubFactory(DspFactory)
    station = factory.SelfAttribute("dsp.station")
    service_date = factory.LazyFunction(datetime.date.today)
    code = factory.Sequence(lambda n: f"R{n:03d}")


class StopFactory(DjangoModelFactory):
    class Meta:
        model = Stop

    manifest = factory.SubFactory(ManifestFactory)
    dsp = factory.SubFactory(DspFactory, station=factory.SelfAttribute("..manifest.station"))
    address = factory.Sequence(lambda n: f"{200 + n} Maple Ave, Dallas, TX")
    latitude = factory.Sequence(lambda n: Decimal("32.800000") + Decimal(n % 40) / 2000)
    longitude = factory.Sequence(lambda n: Decimal("-96.810000") + Decimal(n % 37) / 2000)
    package_count = 1
    size = 1
    weight_g = 1000
    service_time_s = 120


class PlanJobFactory(DjangoModelFactory):
    class Meta:
        model = PlanJob

    dsp = factory.SubFactory(DspFactory)
    station = factory.SelfAttribute("dsp.station")
    service_date = factory.LazyFunction(datetime.date.today)
    time_limit_s = 2


class RouteStopFactory(DjangoModelFactory):
    class Meta:
        model = RouteStop

    route = factory.SubFactory(RouteFactory)
    stop = factory.SubFactory(
        StopFactory,
        dsp=factory.SelfAttribute("..route.dsp"),
        manifest__station=factory.SelfAttribute("...route.station"),
    )
    sequence = 1
    planned_arrival = factory.LazyFunction(timezone.now)
    planned_start = factory.LazyFunction(timezone.now)


def onboarded_dsp(**kwargs) -> Dsp:
    """A DSP that may receive routes: the one place planning tests make such a DSP.

    Every onboarding checklist item holds: documents verified (an approved application), an
    owner (no owner modules exist in tests, so their training is done), a leased and insured
    van inspected today, and a driver assignable today.
    """
    dsp = DspFactory(status=Dsp.Status.ACTIVE, **kwargs)
    DspApplicationFactory(dsp=dsp, approved=True)
    MembershipFactory(dsp=dsp, role=Role.OWNER)
    ready_vehicle(dsp)
    ready_driver(dsp)
    return dsp


def ready_driver(dsp: Dsp, **kwargs):
    """A driver of `dsp` assignable every day: licensed, available (no modules required)."""
    driver = DriverFactory(dsp=dsp, **kwargs)
    available_every_day(driver)
    return driver


def planning_day(
    *, dsp: Dsp, stops: int = 12, vans: int = 2, drivers: int = 2, day=None, capacity: int = 100
):
    """A DSP's day ready to plan: a territory, stops inside it, vans and drivers."""
    day = day or dsp.station.today()
    TerritoryFactory(station=dsp.station, dsp=dsp)
    manifest = Manifest.objects.get_or_create(station=dsp.station, service_date=day)[0]
    made = [StopFactory(manifest=manifest, dsp=dsp) for _ in range(stops)]
    plannable_fleet(dsp, vans=vans, drivers=drivers, capacity=capacity)
    return manifest, made


def planned_routes(*, stops: int, vans: int, capacity: int) -> list[Route]:
    """An onboarded DSP's day of made-up stops, solved here (a second a run) into its routes,
    by code; one driver a van."""
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=stops, vans=vans, drivers=vans, capacity=capacity)
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    for run in plan_job_prepare(job_id=job.pk):
        plan_run_solve(run_id=run.pk)
    return list(Route.objects.filter(dsp=dsp).order_by("code"))


def plannable_fleet(dsp: Dsp, *, vans: int, drivers: int, capacity: int) -> None:
    """Exactly `vans` plannable vans of `capacity` and at least `drivers` assignable drivers.

    Onboarding already gave the DSP one of each; extra vans are grounded (still leased, so
    the onboarding checklist holds).
    """
    have = list(Vehicle.objects.filter(dsp=dsp).order_by("pk"))
    for van in have[:vans]:
        Vehicle.objects.filter(pk=van.pk).update(package_capacity=capacity)
    Vehicle.objects.filter(pk__in=[v.pk for v in have[vans:]]).update(
        status=Vehicle.Status.GROUNDED
    )
    for _ in range(vans - len(have)):
        ready_vehicle(dsp, package_capacity=capacity)
    for _ in range(drivers - Driver.objects.filter(dsp=dsp).count()):
        ready_driver(dsp)


class DeliveryEventFactory(DjangoModelFactory):
    """An event on a route's package; pass `route_stop` to tie it to a planned stop."""

    class Meta:
        model = DeliveryEvent

    route = factory.SubFactory(RouteFactory)
    package = factory.SubFactory(
        PackageFactory,
        dsp=factory.SelfAttribute("..route.dsp"),
        manifest__station=factory.SelfAttribute("...route.station"),
        manifest__service_date=factory.SelfAttribute("...route.service_date"),
    )
    driver = factory.SelfAttribute("route.driver")
    kind = DeliveryEvent.Kind.DELIVERED
    occurred_at = factory.LazyFunction(timezone.now)
    idempotency_key = factory.Sequence(lambda n: f"evt-{n:08d}")


class ShiftPunchFactory(DjangoModelFactory):
    class Meta:
        model = ShiftPunch

    driver = factory.SubFactory(DriverFactory)
    kind = ShiftPunch.Kind.CLOCK_IN
    at = factory.LazyFunction(timezone.now)
    idempotency_key = factory.Sequence(lambda n: f"punch-{n:08d}")


class CustomerFeedbackFactory(DjangoModelFactory):
    class Meta:
        model = CustomerFeedback

    package = factory.SubFactory(PackageFactory)
    kind = CustomerFeedback.Kind.NEGATIVE
    received_at = factory.LazyFunction(timezone.now)


class LocationPingFactory(DjangoModelFactory):
    class Meta:
        model = LocationPing

    route = factory.SubFactory(RouteFactory)
    latitude = Decimal("32.800000")
    longitude = Decimal("-96.800000")
    recorded_at = factory.LazyFunction(timezone.now)


def route_with_packages(*, dsp: Dsp, stops: int = 2, per_stop: int = 1, **route_kwargs) -> Route:
    """A route of `dsp` today with `stops` stops in order, each holding `per_stop` packages."""
    route = RouteFactory(dsp=dsp, **route_kwargs)
    manifest = Manifest.objects.get_or_create(station=dsp.station, service_date=route.service_date)[
        0
    ]
    start = timezone.now().replace(microsecond=0)
    for n in range(1, stops + 1):
        stop = StopFactory(manifest=manifest, dsp=dsp)
        at = start + datetime.timedelta(minutes=10 * n)
        RouteStopFactory(route=route, stop=stop, sequence=n, planned_arrival=at, planned_start=at)
        for _ in range(per_stop):
            PackageFactory(
                manifest=manifest,
                dsp=dsp,
                stop=stop,
                address=stop.address,
                latitude=stop.latitude,
                longitude=stop.longitude,
            )
    route.planned_stops = stops
    route.save(update_fields=["planned_stops"])
    return route


def driving_route(*, stops: int = 2, per_stop: int = 1) -> Route:
    """An assigned route today: an onboarded DSP, its ready driver (with a user) and van."""
    dsp = onboarded_dsp()
    member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    driver = ready_driver(dsp, user=member.user)
    vehicle = Vehicle.objects.filter(dsp=dsp).first()
    return route_with_packages(
        dsp=dsp,
        stops=stops,
        per_stop=per_stop,
        driver=driver,
        vehicle=vehicle,
        status=Route.Status.ASSIGNED,
    )
