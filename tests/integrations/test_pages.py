"""Webhook pages: register (secret shown once), edit, disable, reveal, rotate; the delivery log
with re-send; who sees which webhooks."""

import pytest
from django.urls import reverse

from dsps.models import AuditEvent, Role
from integrations.models import WebhookDelivery, WebhookSubscription
from tests.dsps.factories import MembershipFactory, StaffFactory, StationFactory
from tests.integrations.factories import DeliveryFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return MembershipFactory(role=Role.OWNER).user


def test_an_owner_registers_a_webhook_and_sees_its_secret_once(client, owner):
    client.force_login(owner)
    form = client.get(reverse("integrations:subscription-create")).content.decode()
    assert "route.assigned" in form and 'name="station"' not in form
    response = client.post(
        reverse("integrations:subscription-create"),
        {"url": "https://hooks.example.com/nm", "events": ["route.assigned", "plan.completed"]},
    )
    hook = WebhookSubscription.objects.get()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert hook.secret in response.content.decode()
    assert (hook.dsp, hook.events) == (owner.membership.dsp, ["plan.completed", "route.assigned"])
    # the list shows only a hint of the secret
    listing = client.get(reverse("integrations:subscription-list")).content.decode()
    assert "https://hooks.example.com/nm" in listing
    assert hook.secret not in listing and hook.secret[-4:] in listing


def test_a_bad_url_is_shown_on_the_url_field_and_nothing_is_saved(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("integrations:subscription-create"),
        {"url": "http://192.168.1.10/hook", "events": ["route.assigned"]},
    )
    assert response.status_code == 200
    assert "private, loopback or reserved address" in response.content.decode()
    assert response.context["form"].errors["url"]
    response = client.post(
        reverse("integrations:subscription-create"), {"url": "https://a.example.com"}
    )
    assert response.context["form"].errors["events"] == ["Pick at least one event."]
    assert WebhookSubscription.objects.count() == 0


def test_staff_may_limit_a_program_webhook_to_a_station(client, staff):
    station = StationFactory()
    client.force_login(staff)
    client.post(
        reverse("integrations:subscription-create"),
        {"url": "https://ops.example.com/h", "events": ["plan.completed"], "station": station.pk},
    )
    hook = WebhookSubscription.objects.get()
    assert (hook.dsp, hook.station) == (None, station)


def test_edit_disable_reveal_and_rotate(client, owner):
    hook = SubscriptionFactory(dsp=owner.membership.dsp, url="https://old.example.com/h")
    client.force_login(owner)
    url = reverse("integrations:subscription-detail", args=[hook.pk])
    response = client.post(
        url,
        {"url": "https://new.example.com/h", "events": ["delivery.failed"], "is_active": "on"},
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.url, hook.events) == ("https://new.example.com/h", ["delivery.failed"])
    client.post(reverse("integrations:subscription-toggle", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.is_active is False
    assert "Disabled" in client.get(url).content.decode()
    revealed = client.post(reverse("integrations:subscription-secret", args=[hook.pk]))
    assert hook.secret in revealed.content.decode()
    old = hook.secret
    rotated = client.post(reverse("integrations:subscription-rotate", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.secret != old and hook.secret in rotated.content.decode()
    verbs = set(AuditEvent.objects.filter(target_id=str(hook.pk)).values_list("verb", flat=True))
    assert verbs == {
        "webhook.updated",
        "webhook.disabled",
        "webhook.secret_revealed",
        "webhook.secret_rotated",
    }


def test_owners_see_only_their_dsps_webhooks_and_deliveries(client, owner):
    mine = SubscriptionFactory(dsp=owner.membership.dsp, url="https://mine.example.com/h")
    SubscriptionFactory(url="https://theirs.example.com/h")
    program = SubscriptionFactory(dsp=None, url="https://program.example.com/h")
    DeliveryFactory(subscription=mine, event_type="route.assigned")
    DeliveryFactory(subscription=program, event_type="plan.completed")
    client.force_login(owner)
    listing = client.get(reverse("integrations:subscription-list")).content.decode()
    assert "mine.example.com" in listing
    assert "theirs.example.com" not in listing and "program.example.com" not in listing
    log = client.get(reverse("integrations:delivery-list")).content.decode()
    assert "route.assigned" in log and "plan.completed" not in log
    detail = client.get(reverse("integrations:subscription-detail", args=[program.pk]))
    assert detail.status_code == 404
    # staff see all three
    client.force_login(StaffFactory().user)
    listing = client.get(reverse("integrations:subscription-list")).content.decode()
    assert all(h in listing for h in ("mine.example", "theirs.example", "program.example"))


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.DRIVER])
def test_dispatchers_and_drivers_have_no_webhook_pages(client, role):
    client.force_login(MembershipFactory(role=role).user)
    assert client.get(reverse("integrations:subscription-list")).status_code == 403
    assert client.get(reverse("integrations:delivery-list")).status_code == 403


def test_the_log_is_paginated_filtered_and_resend_queues_a_new_attempt(
    client, owner, django_capture_on_commit_callbacks
):
    hook = SubscriptionFactory(dsp=owner.membership.dsp)
    for _ in range(26):
        DeliveryFactory(subscription=hook, status="succeeded", attempt_count=1)
    failed = DeliveryFactory(subscription=hook, status="failed", attempt_count=5)
    client.force_login(owner)
    first = client.get(reverse("integrations:delivery-list"))
    assert "Page 1 of 2 (27 in all)" in first.content.decode()
    only_failed = client.get(reverse("integrations:delivery-list"), {"status": "failed"})
    assert list(only_failed.context["page"].object_list) == [failed]
    detail = client.get(reverse("integrations:delivery-detail", args=[failed.pk])).content.decode()
    assert str(failed.event_id) in detail and "Re-send" in detail
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("integrations:delivery-resend", args=[failed.pk]))
    assert response.status_code == 302
    assert len(queued) == 1
    failed.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.PENDING


def test_empty_states(client, owner):
    client.force_login(owner)
    assert (
        "No webhooks yet" in client.get(reverse("integrations:subscription-list")).content.decode()
    )
    assert "No deliveries" in client.get(reverse("integrations:delivery-list")).content.decode()


def test_the_nav_offers_webhooks_to_owners_and_staff_only(client, owner):
    link = reverse("integrations:subscription-list")
    client.force_login(owner)
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(MembershipFactory(role=Role.DISPATCHER).user)
    assert link not in client.get(reverse("home")).content.decode()
    client.force_login(StaffFactory().user)
    assert link in client.get(reverse("home")).content.decode()


def test_the_log_and_list_take_a_fixed_number_of_queries(
    client, owner, django_assert_max_num_queries
):
    for n in range(3):
        hook = SubscriptionFactory(dsp=owner.membership.dsp, url=f"https://h{n}.example.com/x")
        for _ in range(8):
            DeliveryFactory(subscription=hook)
    client.force_login(owner)
    client.get(reverse("home"))  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(reverse("integrations:delivery-list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("integrations:subscription-list")).status_code == 200
