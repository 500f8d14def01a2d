"""The whole path on real processes: a delivery recorded and committed → the route event → a
webhook task through Redis → the worker process POSTs it, signed, to the local receiver."""

import json

import pytest
from django.db import transaction

from integrations.models import WebhookDelivery
from routes.day.deliveries import delivery_record
from tests.conftest import wait_until
from tests.integrations.factories import SubscriptionFactory
from tests.integrations.helpers import signature_ok
from tests.routes.factories import driving_route


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_posts_a_committed_delivery_event(celery_worker_process, receiver):
    # given
    route = driving_route(stops=1)
    hook = SubscriptionFactory(dsp=route.dsp, url=receiver.url("/e2e"), events=["delivery.failed"])
    package = route.route_stops.get().stop.packages.get()
    # when: the driver's failed attempt commits
    with transaction.atomic():
        delivery_record(
            route=route,
            code=package.tracking_id,
            kind="failed",
            reason="no_access",
            idempotency_key="worker-1",
        )
    # then: the worker sent it and logged the attempt
    done = wait_until(
        lambda: WebhookDelivery.objects.filter(subscription=hook, status="succeeded").first()
    )
    (post,) = receiver.posts
    assert post.path == "/e2e"
    assert signature_ok(hook.secret, post)
    assert json.loads(post.body)["id"] == str(done.event_id)
    assert list(done.attempts.values_list("number", "status_code")) == [(1, 200)]
