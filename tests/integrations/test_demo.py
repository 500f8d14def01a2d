import pytest

from integrations import demo
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.dsps.factories import DspFactory, MembershipFactory


@pytest.mark.django_db
def test_the_demo_log_is_seeded_once():
    dsp = DspFactory()
    MembershipFactory(dsp=dsp, role="owner")
    for _ in range(2):
        demo.seed({"active_dsp": dsp})
    assert WebhookSubscription.objects.count() == 2
    statuses = sorted(WebhookDelivery.objects.values_list("event_type", "status", "attempt_count"))
    assert statuses == [
        ("delivery.failed", "succeeded", 2),
        ("route.assigned", "succeeded", 1),
        ("route.completed", "failed", 5),
    ]
    assert WebhookAttempt.objects.count() == 8
