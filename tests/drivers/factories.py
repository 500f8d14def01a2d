import datetime

import factory
from factory.django import DjangoModelFactory

from drivers.models import Driver
from tests.dsps.factories import DspFactory


class DriverFactory(DjangoModelFactory):
    class Meta:
        model = Driver

    dsp = factory.SubFactory(DspFactory)
    first_name = factory.Sequence(lambda n: f"Driver{n}")
    last_name = "Tester"
    licence_number = factory.Sequence(lambda n: f"TX{n:08d}")
    licence_expires_on = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=365)
    )
