import factory
from factory.django import DjangoModelFactory

from dsps.models import Dsp, Membership, Role, Station, Territory, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ST{n:02d}")
    name = factory.Sequence(lambda n: f"Station {n}")
    address = "1900 Irving Blvd, Dallas, TX"
    latitude = "32.789800"
    longitude = "-96.828400"
    timezone = "America/Chicago"


class DspFactory(DjangoModelFactory):
    class Meta:
        model = Dsp

    name = factory.Sequence(lambda n: f"DSP {n}")
    code = factory.Sequence(lambda n: f"dsp-{n}")
    station = factory.SubFactory(StationFactory)
    status = Dsp.Status.ACTIVE


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    dsp = factory.SubFactory(DspFactory)
    role = Role.OWNER


class StaffFactory(MembershipFactory):
    dsp = None
    role = Role.PROGRAM_STAFF


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory

    station = factory.SubFactory(StationFactory)
    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name = factory.Sequence(lambda n: f"Territory {n}")
    boundary = {
        "type": "Polygon",
        "coordinates": [
            [[-96.84, 32.79], [-96.79, 32.79], [-96.79, 32.83], [-96.84, 32.83], [-96.84, 32.79]]
        ],
    }
    dsp = factory.SubFactory(DspFactory)
