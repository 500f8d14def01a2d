import factory
from factory.django import DjangoModelFactory

from fleet.models import Vehicle
from tests.dsps.factories import DspFactory


class VehicleFactory(DjangoModelFactory):
    class Meta:
        model = Vehicle

    dsp = factory.SubFactory(DspFactory)
    plate = factory.Sequence(lambda n: f"NM-{n:04d}")
    vin = factory.Sequence(lambda n: f"1NMTEST{n:010d}")
    status = Vehicle.Status.ACTIVE
