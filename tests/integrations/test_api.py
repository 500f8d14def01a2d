"""Webhook API: register (secret once), edit, disable, secrets, the log and re-send; tenancy."""

import pytest
from django.urls import reverse

from dsps.models import Role
from integrations.models import WebhookSubscription
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.integrations.factories import DeliveryFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return MembershipFactory(role=Role.OWNER).user


def test_an_owner_registers_through_the_api_and_gets_the_secret_once(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("api:webhook-list"),
        {"url": "https://hooks.example.com/a", "events": ["route.started"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    hook = WebhookSubscription.objects.get()
    assert response.json()["secret"] == hook.secret
    assert response.json()["dsp"] == owner.membership.dsp_id
    detail = client.get(reverse("api:webhook-detail", args=[hook.pk])).json()
    assert "secret" not in detail and detail["secret_hint"] == hook.secret_hint


def test_bad_input_is_a_400_naming_the_field(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("api:webhook-list"),
        {"url": "gopher://x.example.com", "events": ["route.started"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"url": ["Use an http:// or https:// URL."]}
    response = client.post(
        reverse("api:webhook-list"),
        {"url": "https://x.example.com", "events": ["nope"]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "events" in response.json()
    assert WebhookSubscription.objects.count() == 0


def test_disable_rotate_and_reveal(client, owner):
    hook = SubscriptionFactory(dsp=owner.membership.dsp)
    client.force_login(owner)
    response = client.patch(
        reverse("api:webhook-detail", args=[hook.pk]),
        {"is_active": False},
        content_type="application/json",
    )
    assert response.json()["is_active"] is False
    old = hook.secret
    rotated = client.post(reverse("api:webhook-rotate-secret", args=[hook.pk])).json()["secret"]
    assert rotated != old
    assert client.post(reverse("api:webhook-reveal-secret", args=[hook.pk])).json()["secret"] == (
        rotated
    )


def test_the_api_scopes_webhooks_and_deliveries_to_the_dsp(client, owner):
    mine = SubscriptionFactory(dsp=owner.membership.dsp)
    theirs = SubscriptionFactory()
    program = SubscriptionFactory(dsp=None)
    mine_delivery = DeliveryFactory(subscription=mine)
    DeliveryFactory(subscription=theirs)
    program_delivery = DeliveryFactory(subscription=program)
    client.force_login(owner)
    listed = [h["id"] for h in client.get(reverse("api:webhook-list")).json()["results"]]
    assert listed == [mine.pk]
    deliveries = client.get(reverse("api:webhook-delivery-list")).json()["results"]
    assert [d["id"] for d in deliveries] == [mine_delivery.pk]
    for name, pk in (
        ("api:webhook-detail", theirs.pk),
        ("api:webhook-detail", program.pk),
        ("api:webhook-delivery-detail", program_delivery.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.post(reverse("api:webhook-reveal-secret", args=[program.pk])).status_code == 404
    client.force_login(StaffFactory().user)
    assert client.get(reverse("api:webhook-list")).json()["count"] == 3


def test_resend_through_the_api(client, owner, django_capture_on_commit_callbacks):
    delivery = DeliveryFactory(subscription__dsp=owner.membership.dsp, status="failed")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("api:webhook-delivery-resend", args=[delivery.pk]))
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert len(queued) == 1


def test_dispatchers_are_refused(client):
    client.force_login(MembershipFactory(role=Role.DISPATCHER).user)
    assert client.get(reverse("api:webhook-list")).status_code == 403
    response = client.post(
        reverse("api:webhook-list"),
        {"url": "https://x.example.com", "events": ["route.started"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert WebhookSubscription.objects.count() == 0
