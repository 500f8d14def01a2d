import datetime

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from compliance.models import ActionResponse, ComplianceAction, Offboarding
from dsps.models import Role
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory


class ComplianceActionFactory(DjangoModelFactory):
    class Meta:
        model = ComplianceAction

    dsp = factory.SubFactory(DspFactory)
    kind = ComplianceAction.Kind.WARNING
    reason = "Three speeding events in a week."
    created_by = factory.LazyFunction(lambda: StaffFactory().user)


class ActionResponseFactory(DjangoModelFactory):
    class Meta:
        model = ActionResponse

    action = factory.SubFactory(ComplianceActionFactory)
    author = factory.LazyAttribute(
        lambda o: MembershipFactory(dsp=o.action.dsp, role=Role.OWNER).user
    )
    message = "We retrained the drivers."
    document = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 plan", name="plan.pdf"))
    document_name = "plan.pdf"


class OffboardingFactory(DjangoModelFactory):
    class Meta:
        model = Offboarding

    dsp = factory.SubFactory(DspFactory)
    kind = Offboarding.Kind.VOLUNTARY
    effective_on = factory.LazyAttribute(
        lambda o: o.dsp.station.today() + datetime.timedelta(days=7)
    )
    started_by = factory.LazyFunction(lambda: StaffFactory().user)
