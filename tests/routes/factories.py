import datetime

import factory
from factory.django import DjangoModelFactory

from routes.models import Manifest, Package, Route
from tests.dsps.factories import DspFactory, StationFactory


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
