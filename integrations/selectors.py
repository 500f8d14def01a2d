"""Reads of integrations, already scoped to the caller."""

from __future__ import annotations

from django.db.models import QuerySet

from dsps.tenancy import scope_to_user

from .models import WebhookDelivery, WebhookSubscription


def subscription_list(*, user) -> QuerySet[WebhookSubscription]:
    """Webhooks the user may see: their DSP's; staff see every one, the program's included."""
    return scope_to_user(WebhookSubscription.objects.all(), user).select_related("dsp", "station")


def delivery_list(
    *, user, subscription: WebhookSubscription | None = None, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    """The delivery log, newest first, of the subscriptions the user may see."""
    deliveries = scope_to_user(WebhookDelivery.objects.all(), user).select_related(
        "subscription__dsp", "subscription__station"
    )
    if subscription is not None:
        deliveries = deliveries.filter(subscription=subscription)
    if status in WebhookDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")
