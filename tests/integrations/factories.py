import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from integrations.models import WebhookDelivery, WebhookSubscription
from tests.dsps.factories import DspFactory


class SubscriptionFactory(DjangoModelFactory):
    """A DSP's webhook (pass dsp=None for the program's)."""

    class Meta:
        model = WebhookSubscription

    dsp = factory.SubFactory(DspFactory)
    url = factory.Sequence(lambda n: f"http://127.0.0.1:9/hook-{n}")
    events = factory.LazyFunction(lambda: ["route.assigned", "delivery.delivered"])
    secret = factory.Sequence(lambda n: f"whsec_test_secret_{n:04d}")


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    subscription = factory.SubFactory(SubscriptionFactory)
    event_id = factory.LazyFunction(uuid.uuid4)
    event_type = "route.assigned"
    occurred_at = factory.LazyFunction(timezone.now)
    payload = factory.LazyAttribute(
        lambda o: {"id": str(o.event_id), "type": o.event_type, "dsp": o.subscription.dsp_id}
    )
