import datetime
from datetime import time

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from drivers.models import (
    Applicant,
    Audience,
    Driver,
    DriverDocument,
    QuizChoice,
    QuizQuestion,
    SafetyIncident,
    TimeOff,
    TrainingCompletion,
    TrainingModule,
    WeeklyAvailability,
)
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
    hired_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=90))


class ApplicantFactory(DjangoModelFactory):
    class Meta:
        model = Applicant

    dsp = factory.SubFactory(DspFactory)
    first_name = factory.Sequence(lambda n: f"Applicant{n}")
    last_name = "Hopeful"
    email = factory.Sequence(lambda n: f"applicant{n}@mail.test")
    licence_number = factory.Sequence(lambda n: f"AP{n:08d}")
    licence_expires_on = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=400)
    )
    stage_changed_at = factory.LazyFunction(timezone.now)


class TrainingModuleFactory(DjangoModelFactory):
    """A module with one question: choice "right" is correct, "wrong" is not."""

    class Meta:
        model = TrainingModule
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    content = "Read this **carefully**."
    audience = Audience.DRIVER
    pass_mark = 80
    renewal_days = 365

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if not create:
            return
        for n in range(extracted or 1):
            question = QuizQuestion.objects.create(
                module=obj, text=f"Question {n + 1}?", position=n
            )
            QuizChoice.objects.create(question=question, text="right", is_correct=True, position=0)
            QuizChoice.objects.create(question=question, text="wrong", is_correct=False, position=1)


class CompletionFactory(DjangoModelFactory):
    class Meta:
        model = TrainingCompletion

    driver = factory.SubFactory(DriverFactory)
    dsp = factory.LazyAttribute(lambda o: o.driver.dsp)
    user = factory.LazyAttribute(lambda o: o.driver.user)
    module = factory.SubFactory(TrainingModuleFactory)
    score = 100
    passed = True
    completed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class AvailabilityFactory(DjangoModelFactory):
    class Meta:
        model = WeeklyAvailability

    driver = factory.SubFactory(DriverFactory)
    weekday = 0
    available = True
    starts_at = time(8, 0)
    ends_at = time(18, 0)
    shift_hours = "10.00"


class TimeOffFactory(DjangoModelFactory):
    class Meta:
        model = TimeOff

    driver = factory.SubFactory(DriverFactory)
    starts_on = factory.LazyFunction(datetime.date.today)
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=2))


class IncidentFactory(DjangoModelFactory):
    class Meta:
        model = SafetyIncident

    driver = factory.SubFactory(DriverFactory)
    kind = SafetyIncident.Kind.SPEEDING
    severity = SafetyIncident.Severity.LOW
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = DriverDocument

    driver = factory.SubFactory(DriverFactory)
    kind = DriverDocument.Kind.LICENCE
    file = factory.django.FileField(filename="licence.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "licence.pdf"


def available_every_day(driver, start=time(8, 0), end=time(18, 0), hours="10.00"):
    for weekday in range(7):
        AvailabilityFactory(
            driver=driver, weekday=weekday, starts_at=start, ends_at=end, shift_hours=hours
        )


def trained(driver, *modules, days_ago: int = 1):
    """Passes `days_ago` calendar days ago in the station's zone (noon), so a test's "31 days"
    stays 31 local dates whatever the hour it runs and across a daylight-saving change."""
    station = driver.dsp.station
    if days_ago:
        day = station.today() - datetime.timedelta(days=days_ago)
        at = datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=station.tz)
    else:
        at = timezone.now()
    for module in modules:
        CompletionFactory(driver=driver, module=module, completed_at=at)
