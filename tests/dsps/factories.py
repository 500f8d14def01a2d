import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from dsps.models import (
    Dsp,
    DspApplication,
    Membership,
    Role,
    Station,
    Territory,
    TerritoryHolding,
    TerritoryRequest,
    User,
)

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
        skip_postgeneration_save = True

    station = factory.SubFactory(StationFactory)
    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name = factory.Sequence(lambda n: f"Territory {n}")
    boundary = {
        "type": "Polygon",
        "coordinates": [
            [[-96.84, 32.79], [-96.79, 32.79], [-96.79, 32.83], [-96.84, 32.83], [-96.84, 32.79]]
        ],
    }
    dsp = factory.SubFactory(DspFactory, station=factory.SelfAttribute("..station"))

    @factory.post_generation
    def holding(obj, create, extracted, **kwargs):
        """A held territory has its open holding, as `territory_assign` would leave it."""
        if create and obj.dsp_id:
            TerritoryHolding.objects.get_or_create(
                territory=obj, ends_at=None, defaults={"dsp_id": obj.dsp_id}
            )


def _pdf(name: str):
    from django.core.files.base import ContentFile

    return ContentFile(b"%PDF-1.4\n% test document\n", name=name)


class DspApplicationFactory(DjangoModelFactory):
    """A submitted application of an applying DSP, with both documents uploaded."""

    class Meta:
        model = DspApplication

    dsp = factory.SubFactory(DspFactory, status=Dsp.Status.APPLYING)
    applicant = factory.SubFactory(UserFactory)
    status = DspApplication.Status.SUBMITTED
    legal_name = factory.LazyAttribute(lambda o: f"{o.dsp.name} LLC")
    entity_type = DspApplication.EntityType.LLC
    contact_name = "Alex Applicant"
    contact_email = factory.LazyAttribute(lambda o: o.applicant.email)
    contact_phone = "+1 214 555 0100"
    business_address = "100 Main St, Dallas, TX 75201"
    experience_years = 4
    experience = "Four years running a courier company in Dallas."
    requested_station = factory.LazyAttribute(lambda o: o.dsp.station)
    planned_vans = 20
    planned_headcount = 45
    insurance_certificate = factory.LazyFunction(lambda: _pdf("insurance.pdf"))
    business_registration = factory.LazyFunction(lambda: _pdf("registration.pdf"))
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        # `DspApplicationFactory(dsp=dsp, approved=True)`: the application behind an active
        # DSP, documents verified (the dsps item of the onboarding checklist is done).
        approved = factory.Trait(
            status=DspApplication.Status.APPROVED,
            decided_at=factory.LazyFunction(timezone.now),
            documents_verified_at=factory.LazyFunction(timezone.now),
        )


class TerritoryRequestFactory(DjangoModelFactory):
    class Meta:
        model = TerritoryRequest

    dsp = factory.SubFactory(DspFactory)
    territory = factory.LazyAttribute(
        lambda o: TerritoryFactory(station=o.dsp.station, dsp=None, boundary=square(0.3))
    )
    kind = TerritoryRequest.Kind.ACQUIRE
    requested_by = factory.SubFactory(UserFactory)
    note = "We have spare vans."


def square(offset_lon: float = 0.0, offset_lat: float = 0.0, size: float = 0.04) -> dict:
    """A closed square GeoJSON polygon near the Dallas test station, shifted by degrees."""
    lon, lat = -96.84 + offset_lon, 32.79 + offset_lat
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}
